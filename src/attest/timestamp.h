#pragma once

/// \file
/// RFC 3161 timestamps (`timestampVerificationData.rfc3161Timestamps[].signedTimestamp`, a
/// DER TimeStampResp or bare TimeStampToken) verified against the timestamp authorities of a
/// trusted root. Every rejection is INVALID_REQUEST `timestamp: <reason>`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "attest/trusted_root.h"
#include "base/result.h"
#include "serialize/value.h"

namespace aicr::attest {

/// Largest signedTimestamp accepted.
inline constexpr std::size_t kMaxTimestampBytes = 64 * 1024;

/// Verifies one RFC 3161 timestamp over `signed_data` (the bundle's signature bytes: the
/// message signature or the DSSE envelope signature) and returns its generation time in Unix
/// seconds. Checks: the response status is granted, the token's CMS signature, the message
/// imprint equals the digest of `signed_data` (with the token's hash algorithm), the signer
/// chains to one trusted authority's certificates as of the generation time (so a chain that
/// expired later still verifies), and the generation time lies inside that authority's
/// validFor window. Rejections: `timestamp: not a valid RFC 3161 response`, `timestamp:
/// message imprint does not match the signature`, `timestamp: not signed by a trusted
/// timestamp authority (<details>)`, `timestamp: time <RFC 3339> is outside the validity of
/// timestamp authority "<uri>"`.
Result<int64_t> VerifyRfc3161Timestamp(std::string_view signed_timestamp_der,
                                       std::string_view signed_data, const TrustedRoot& root);

/// Verifies every `rfc3161Timestamps[].signedTimestamp` (base64) of a bundle's
/// timestampVerificationData (null or a mapping) and returns their times in order; an absent or
/// empty list gives an empty vector. The first failure is returned.
Result<std::vector<int64_t>> VerifyBundleTimestamps(const serialize::Value& timestamp_data,
                                                    std::string_view signed_data,
                                                    const TrustedRoot& root);

/// The notBefore/notAfter of a DER X.509 certificate as a closed window in Unix seconds.
/// INVALID_REQUEST `certificate: not valid DER` for bad input.
Result<ValidityWindow> CertificateValidity(std::string_view cert_der);

/// `t` as RFC 3339 UTC (`2025-06-12T12:02:20Z`), for messages.
std::string FormatUnixTime(int64_t t);

}  // namespace aicr::attest
