#pragma once

/// \file
/// A self-contained test Sigstore instance: a Fulcio-like certificate authority (root and
/// intermediate, ECDSA P-256), a certificate-transparency log and a Rekor v1 transparency log,
/// all with keys generated in memory. It writes a trusted root naming them and signs Sigstore
/// bundles (v0.3) "keyless": a fresh key per signature, a short-lived leaf certificate with an
/// embedded SCT, and a Rekor v1 entry with a signed entry timestamp and an inclusion proof
/// against a signed checkpoint. Everything works offline; nothing is written to disk.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace aicr::testing {

/// Who the leaf certificate says signed: its subject alternative name and OIDC issuer.
struct SigstoreIdentity {
  /// The SAN, a URI (workload identity) or an email address.
  std::string san = "https://github.com/acme/repo/.github/workflows/release.yml@refs/heads/main";
  /// True: the SAN is a uniformResourceIdentifier; false: an rfc822Name.
  bool san_is_uri = true;
  /// The OIDC issuer, written to both Fulcio issuer extensions (1.3.6.1.4.1.57264.1.8 as a DER
  /// UTF8String and the legacy 1.3.6.1.4.1.57264.1.1 as raw bytes).
  std::string issuer = "https://token.actions.githubusercontent.com";
};

/// What TrustedRootJson includes. The defaults name every part of the instance.
struct TrustedRootOptions {
  /// The certificate authority (intermediate and root).
  bool certificate_authority = true;
  /// The Rekor log.
  bool tlog = true;
  /// The CT log.
  bool ctlog = true;
  /// When set, the Rekor key's validFor.end (Unix seconds); otherwise it has no end.
  std::optional<int64_t> tlog_valid_until{};
};

/// The Rekor entry kind SignDsse records.
enum class DsseEntryKind {
  /// `dsse` 0.0.1 (what current Sigstore clients upload).
  kDsse,
  /// `intoto` 0.0.2 (older clients).
  kIntoto,
};

/// A test Fulcio + CT log + Rekor v1. Cheap to copy (the keys are shared and immutable).
class SigstoreInstance {
 public:
  /// Base URLs written to the trusted root (never contacted).
  static constexpr std::string_view kFulcioUrl = "https://fulcio.sigstore-test.invalid";
  static constexpr std::string_view kRekorUrl = "https://rekor.sigstore-test.invalid";
  static constexpr std::string_view kCtLogUrl = "https://ctfe.sigstore-test.invalid/test";

  /// Generates a self-signed root CA, an intermediate CA, a CT log key and a Rekor log key
  /// (all ECDSA P-256). Certificates and trusted-root validity windows start 365 days before
  /// `now_unix` and the CA certificates end 10 years after it, so any signing time in that span
  /// works. INTERNAL when the crypto library fails.
  static Result<SigstoreInstance> Create(int64_t now_unix);

  /// The trusted root (`application/vnd.dev.sigstore.trustedroot+json;version=0.1`):
  /// certificateAuthorities (chain intermediate then root, validFor), tlogs and ctlogs (baseUrl,
  /// hashAlgorithm SHA2_256, publicKey {rawBytes = SPKI DER, keyDetails PKIX_ECDSA_P256_SHA_256,
  /// validFor}, logId.keyId = SHA-256(SPKI DER)), timestampAuthorities empty.
  std::string TrustedRootJson(const TrustedRootOptions& options = {}) const;

  /// The root CA certificate, PEM.
  std::string RootCertificatePem() const;

  /// Signs a DSSE envelope over (`payload_type`, `payload`) keyless at `signing_time_unix` and
  /// returns the bundle JSON (v0.3: verificationMaterial.certificate = the leaf alone, one tlog
  /// entry, dsseEnvelope). The leaf is valid for 10 minutes from the signing time, has the
  /// code-signing usage, the SAN and issuer of `identity` and an SCT by the CT log; the Rekor
  /// entry (of `kind`) has integratedTime = the signing time, a signed entry timestamp and an
  /// inclusion proof in a tree of several entries with a checkpoint signed by the log.
  /// Verifiers reject an integrated time after their "now", so verify at or after
  /// `signing_time_unix` (with the real clock, sign a little in the past). An empty SAN or
  /// payload type is INVALID_REQUEST; crypto failures are INTERNAL.
  Result<std::string> SignDsse(std::string_view payload_type, std::string_view payload,
                               const SigstoreIdentity& identity, int64_t signing_time_unix,
                               DsseEntryKind kind = DsseEntryKind::kDsse) const;

  /// The same for a message signature over `artifact` (messageSignature with its SHA2_256
  /// digest; a `hashedrekord` 0.0.1 entry).
  Result<std::string> SignBlob(std::string_view artifact, const SigstoreIdentity& identity,
                               int64_t signing_time_unix) const;

  /// Opaque key and certificate material (defined in the source file).
  struct State;

 private:
  explicit SigstoreInstance(std::shared_ptr<State> state) : state_(std::move(state)) {}

  std::shared_ptr<State> state_;
};

}  // namespace aicr::testing
