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
/// material present and parsable (kCertificate); every tlog entry verified, at least one
/// required (kTlog); every RFC 3161 timestamp verified (kTimestamp); at least one verified
/// signing time (integrated time or timestamp) (kTimestamp); the certificate chain valid at every
/// signing time (kCertificate); an SCT from a trusted CT log (kSct); the signature over the
/// artifact with the certificate key (kSignature / kArtifact); the identity (kIdentity). On
/// success `signer` is the certificate's first SAN.
VerifyOutcome VerifyKeyless(const SigstoreBundle& bundle, const TrustedRoot& root,
                            const IdentityPolicy& policy, const Artifact& artifact,
                            int64_t now_unix);

}  // namespace aicr::attest
