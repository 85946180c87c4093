#pragma once

/// \file
/// Signed certificate timestamps (RFC 6962) embedded in a Fulcio certificate: at least one must
/// verify with a CT log key of the trusted root.

#include <cstdint>
#include <string_view>

#include "attest/trusted_root.h"
#include "base/status.h"

namespace aicr::attest {

/// OID of the embedded SCT list extension.
inline constexpr std::string_view kSctListOid = "1.3.6.1.4.1.11129.2.4.2";

/// Verifies the SCTs embedded in `leaf_der` (issued by `issuer_der`): each SCT's log id selects a
/// ctlog of `root` (whose validFor must contain the SCT's time); the signature covers the
/// precertificate entry (the leaf's TBSCertificate without the SCT extension and the SHA-256 of
/// the issuer's public key) and the SCT's extensions. OK when at least one SCT verifies;
/// UNAUTHORIZED `sct: <reason>` otherwise (no SCT extension, no known log, bad signature).
Status VerifyEmbeddedScts(std::string_view leaf_der, std::string_view issuer_der,
                          const TrustedRoot& root);

}  // namespace aicr::attest
