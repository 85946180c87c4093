#pragma once

/// \file
/// `aicr verify-blob`: one Sigstore bundle against one artifact, with a key or
/// keyless (offline, against the embedded Sigstore root or `--trusted-root`).

#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "base/status.h"
#include "serialize/value.h"

namespace aicr::client {

/// `aicr verify-blob` input.
struct VerifyBlobRequest {
  /// A file path, or `sha256:<64 hex>`.
  std::string artifact{};
  /// The Sigstore bundle file.
  std::string bundle{};
  /// PEM public key file; "" means certificate-based verification.
  std::string key{};
  std::string trusted_root{};
  std::string certificate_identity{};
  std::string certificate_identity_regexp{};
  std::string certificate_oidc_issuer{};
  /// The current time for certificate-based verification (log entries from the future are
  /// rejected); null means the real clock.
  const Clock* clock = nullptr;
};

/// The verdict of `aicr verify-blob`.
struct VerifyBlobResult {
  bool verified = false;
  /// `bundle`, `key`, `certificate`, `signature`, `artifact`, ... when !verified.
  std::string failed_step;
  std::string reason;
  std::string signer;

  /// OK when verified; INVALID_REQUEST `verification failed (bundle): <reason>`
  /// for a malformed bundle; UNAUTHORIZED `verification failed (<step>): <reason>`
  /// otherwise.
  Status ExitStatus() const;
};

/// The JSON document of `aicr verify-blob --format json`
/// (`verified`, `failedStep`, `reason`, `signer`).
serialize::Value VerifyBlobResultToValue(const VerifyBlobResult& result);

/// Verifies one Sigstore bundle against an artifact: with `key` in key mode, otherwise
/// certificate-based (keyless, offline) against `trusted_root` when given (it replaces the
/// embedded Sigstore public-good root) or the embedded root. Errors (not verdicts):
/// INVALID_REQUEST for an empty artifact or bundle, a malformed `sha256:` digest, an
/// unreadable key or trusted root, an invalid identity regexp, a certificate-signed bundle
/// without --certificate-identity[-regexp] and --certificate-oidc-issuer; NOT_FOUND for a
/// missing artifact, bundle or key file. A bundle that does not parse is a verdict
/// (failed step `bundle`).
Result<VerifyBlobResult> VerifyBlob(const VerifyBlobRequest& request);

}  // namespace aicr::client
