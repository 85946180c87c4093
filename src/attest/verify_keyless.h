#pragma once

/// \file
/// Certificate-based ("keyless") verification of a Sigstore bundle, fully offline against a
/// trusted root: transparency log entries and RFC 3161 timestamps give the signing time, the
/// Fulcio certificate must chain to a trusted CA at that time and carry a valid SCT, the
/// signature must verify with the certificate's key, and the signer must match the identity
/// policy.

#include <cstdint>

#include "attest/certificate.h"
#include "attest/sigstore_bundle.h"
#include "attest/trusted_root.h"
#include "attest/verify.h"

namespace aicr::attest {

/// Verifies `bundle` in keyless mode. Steps, each failure naming its VerifyStep: certificate
/// material present and parsable, no bundled root (kCertificate); the signature over the artifact
/// with the certificate's key (kSignature / kArtifact); at least one tlog entry, every entry
/// verified, each integrated time inside the certificate's validity (kTlog); every RFC 3161
/// timestamp verified and inside the certificate's validity, and a signing time for every entry
/// without an integrated time (kTimestamp); the certificate chain valid at every signing time
/// (kCertificate); an SCT from a trusted CT log (kSct); the identity (kIdentity). On success
/// `signer` is the certificate's first SAN.
VerifyOutcome VerifyKeyless(const SigstoreBundle& bundle, const TrustedRoot& root,
                            const IdentityPolicy& policy, const Artifact& artifact,
                            int64_t now_unix);

}  // namespace aicr::attest
