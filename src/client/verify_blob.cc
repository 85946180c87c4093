#include "client/verify_blob.h"

#include <cstddef>
#include <optional>
#include <regex>
#include <utility>

#include "attest/keys.h"
#include "attest/sigstore_bundle.h"
#include "attest/trusted_root.h"
#include "attest/verify.h"
#include "attest/verify_keyless.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "checksum/sha256.h"
#include "client/trust_root.h"
#include "serialize/input.h"

namespace aicr::client {
namespace {

using serialize::Value;

constexpr std::size_t kMaxBlobBytes = std::size_t{256} * 1024 * 1024;

}  // namespace

Status VerifyBlobResult::ExitStatus() const {
  if (verified) {
    return OkStatus();
  }
  const std::string message = "verification failed (" + failed_step + "): " + reason;
  return failed_step == "bundle" ? InvalidRequestError(message) : UnauthorizedError(message);
}

serialize::Value VerifyBlobResultToValue(const VerifyBlobResult& r) {
  serialize::Mapping m;
  m.Set("verified", Value(r.verified));
  m.Set("failedStep", Value(r.failed_step));
  m.Set("reason", Value(r.reason));
  m.Set("signer", Value(r.signer));
  return Value(std::move(m));
}

Result<VerifyBlobResult> VerifyBlob(const VerifyBlobRequest& request) {
  if (request.artifact.empty()) {
    return InvalidRequestError("artifact is required: aicr verify-blob <artifact> --bundle FILE");
  }
  if (request.bundle.empty()) {
    return InvalidRequestError("required flag --bundle not set");
  }
  if (!request.certificate_identity_regexp.empty()) {
    try {
      const std::regex re{request.certificate_identity_regexp, std::regex::ECMAScript};
    } catch (const std::regex_error&) {
      return InvalidRequestError("--certificate-identity-regexp " +
                                 Quote(request.certificate_identity_regexp) +
                                 " is not a valid regular expression");
    }
  }
  attest::Artifact artifact;
  constexpr std::string_view kDigestPrefix = "sha256:";
  if (request.artifact.rfind(kDigestPrefix, 0) == 0) {
    const std::string hex = AsciiLower(request.artifact.substr(kDigestPrefix.size()));
    if (!checksum::IsSha256Hex(hex)) {
      return InvalidRequestError("artifact digest " + Quote(request.artifact) +
                                 ": expected sha256:<64 hex characters>");
    }
    artifact.sha256_hex = hex;
  } else {
    AICR_ASSIGN_OR_RETURN(artifact.bytes,
                          serialize::ReadLocalFile(request.artifact, kMaxBlobBytes));
  }
  std::optional<attest::PublicKey> key;
  if (!request.key.empty()) {
    AICR_ASSIGN_OR_RETURN(key, attest::LoadPublicKey(request.key));
  }
  // --trusted-root replaces the embedded Sigstore public-good root for this verification.
  std::optional<attest::TrustedRoot> trusted_root;
  if (!request.trusted_root.empty()) {
    AICR_ASSIGN_OR_RETURN(trusted_root,
                          LoadTrustedRootFile(request.trusted_root, "--trusted-root"));
  }
  AICR_ASSIGN_OR_RETURN(const std::string bytes,
                        serialize::ReadLocalFile(request.bundle, attest::kMaxSigstoreBundleBytes));

  VerifyBlobResult result;
  Result<attest::SigstoreBundle> bundle = attest::ParseSigstoreBundle(bytes);
  if (!bundle.ok()) {
    result.failed_step = "bundle";
    result.reason = bundle.status().message();
    return result;
  }
  // A certificate proves nothing without a policy naming who must have signed.
  if (!key.has_value() && !bundle->material.certificate_chain_der.empty()) {
    if (request.certificate_identity.empty() && request.certificate_identity_regexp.empty()) {
      return InvalidRequestError(
          "certificate-based verification needs --certificate-identity or "
          "--certificate-identity-regexp (or pass --key)");
    }
    if (request.certificate_oidc_issuer.empty()) {
      return InvalidRequestError(
          "certificate-based verification needs --certificate-oidc-issuer (or pass --key)");
    }
  }
  attest::VerifyOutcome outcome;
  if (key.has_value()) {
    outcome = attest::VerifyWithKey(*bundle, *key, artifact);
  } else {
    const attest::IdentityPolicy policy{.san = request.certificate_identity,
                                        .san_regex = request.certificate_identity_regexp,
                                        .issuer = request.certificate_oidc_issuer};
    const Clock& clock = request.clock != nullptr ? *request.clock : Clock::Real();
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
    outcome = attest::VerifyKeyless(*bundle,
                                    trusted_root ? *trusted_root : attest::PublicGoodTrustedRoot(),
                                    policy, artifact, now);
  }
  result.verified = outcome.verified;
  result.signer = outcome.signer;
  if (!outcome.verified) {
    result.failed_step = std::string(attest::StepName(outcome.failed_step));
    result.reason = outcome.reason;
    result.signer.clear();
  }
  return result;
}

}  // namespace aicr::client
