#pragma once

/// \file
/// X.509 signing certificates (Fulcio): parsing, chain validation against the certificate
/// authorities of a trusted root at the signing time, and the signer identity policy.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.h"
#include "attest/trusted_root.h"
#include "base/result.h"

namespace aicr::attest {

/// OID of Fulcio's OIDC issuer extension (DER UTF8String).
inline constexpr std::string_view kOidcIssuerV2Oid = "1.3.6.1.4.1.57264.1.8";
/// OID of Fulcio's legacy OIDC issuer extension (raw bytes).
inline constexpr std::string_view kOidcIssuerV1Oid = "1.3.6.1.4.1.57264.1.1";

/// What a signing certificate says.
struct CertificateInfo {
  /// The certificate, DER.
  std::string der;
  /// notBefore / notAfter in Unix seconds.
  int64_t not_before_unix = 0;
  int64_t not_after_unix = 0;
  /// rfc822Name subject alternative names.
  std::vector<std::string> san_emails;
  /// uniformResourceIdentifier subject alternative names.
  std::vector<std::string> san_uris;
  /// From 1.3.6.1.4.1.57264.1.8, else 1.3.6.1.4.1.57264.1.1; absent when neither exists.
  std::optional<std::string> oidc_issuer;
  /// extendedKeyUsage includes id-kp-codeSigning.
  bool code_signing = false;
  /// The subject public key (DER SubjectPublicKeyInfo).
  std::string spki_der;

  /// The first SAN (emails before URIs), or empty.
  std::string FirstSan() const;
};

/// Parses a DER certificate. INVALID_REQUEST `certificate: <reason>` when it is not one or an
/// issuer extension is malformed.
Result<CertificateInfo> ParseCertificate(std::string_view der);

/// UNAUTHORIZED `certificate: ...` when a certificate after the leaf in a bundle's chain is
/// self-signed (roots come only from the trusted root) or is not DER X.509.
Status RejectBundledRoots(const std::vector<std::string>& chain_der);

/// The result of a successful chain validation.
struct ValidatedChain {
  /// The leaf's issuer (DER), for SCT verification.
  std::string issuer_der;
  /// The trusted root's CA that anchored the chain.
  std::string ca_uri;
};

/// Validates `chain_der` (leaf first, then optional intermediates from the bundle) against the
/// certificate authorities of `root` whose validFor contains `at_unix`, with every certificate
/// checked at `at_unix`. Also requires the code-signing extended key usage on the leaf and
/// rejects a bundle that carries a self-signed (root) certificate. Errors are
/// UNAUTHORIZED `certificate: <reason>`.
Result<ValidatedChain> VerifyCertificateChain(const std::vector<std::string>& chain_der,
                                              const TrustedRoot& root, int64_t at_unix);

/// Who must have signed: a SAN (exact, or a regular expression searched in the SAN) and an exact
/// OIDC issuer. Empty fields do not constrain.
struct IdentityPolicy {
  std::string san{};
  std::string san_regex{};
  std::string issuer{};
};

/// OK when `pattern` is a valid (ECMAScript) regular expression for IdentityPolicy::san_regex;
/// INVALID_REQUEST `invalid regular expression "<pattern>"` otherwise.
Status ValidateIdentityRegex(const std::string& pattern);

/// UNAUTHORIZED `identity: <reason>` when no SAN matches or the issuer differs; INVALID_REQUEST
/// for an invalid regular expression.
Status CheckIdentity(const CertificateInfo& cert, const IdentityPolicy& policy);

}  // namespace aicr::attest
