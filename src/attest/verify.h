#pragma once

/// \file
/// Verification of a Sigstore bundle with a known public key ("key mode").

#include <optional>
#include <string>
#include <string_view>

#include "attest/dsse.h"
#include "attest/keys.h"
#include "attest/sigstore_bundle.h"

namespace aicr::attest {

/// The stage at which verification failed.
enum class VerifyStep {
  kBundle,
  kKey,
  kCertificate,
  kSct,
  kTlog,
  kTimestamp,
  kSignature,
  kIdentity,
  kArtifact,
};

/// "bundle", "key", "certificate", "sct", "tlog", "timestamp", "signature", "identity" or
/// "artifact".
std::string_view StepName(VerifyStep step);

/// The artifact a bundle is checked against: its bytes or its SHA-256 (one of them).
struct Artifact {
  std::optional<std::string> bytes;
  /// Lowercase hex.
  std::optional<std::string> sha256_hex;
};

/// The verdict.
struct VerifyOutcome {
  bool verified = false;
  /// Meaningful when !verified.
  VerifyStep failed_step = VerifyStep::kBundle;
  /// Lower-case, specific.
  std::string reason;
  /// Key hint (key mode) or certificate SAN.
  std::string signer;
  /// The verified envelope (DSSE bundles).
  std::optional<DsseEnvelope> envelope;
};

/// "<step>: <reason>" for a failed outcome, without repeating a step prefix the
/// reason already carries (e.g. "tlog: ...").
std::string DescribeFailure(const VerifyOutcome& outcome);

/// Key mode: the bundle's signature must verify with `key` (hint mismatch is not fatal; signature
/// is what counts); message signatures: messageDigest must equal sha256(artifact) and the
/// signature must verify over the artifact; DSSE: the PAE signature must verify and, for in-toto
/// payloads, some subject's sha256 must equal the artifact's. tlog entries are not checked in key
/// mode. Bundles with only certificate material and no key → failed_step kCertificate, reason
/// "bundle is signed with a certificate (keyless), not a key; verify it without --key".
VerifyOutcome VerifyWithKey(const SigstoreBundle& bundle, const PublicKey& key,
                            const Artifact& artifact);

/// The signature and artifact checks of VerifyWithKey without the verification-material check
/// (keyless verification calls it with the certificate's key); signature failures say
/// "does not verify with <key_name>".
VerifyOutcome VerifySignatureAndArtifact(const SigstoreBundle& bundle, const PublicKey& key,
                                         const Artifact& artifact, std::string_view key_name);

}  // namespace aicr::attest
