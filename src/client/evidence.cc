// Client-side `aicr evidence`: the recipe digest, verification and key signing.

#include "client/evidence.h"

#include <chrono>
#include <filesystem>
#include <optional>
#include <utility>

#include "attest/certificate.h"
#include "attest/keys.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/temp_dir.h"
#include "client/recipe_input.h"
#include "client/trust_root.h"
#include "evidence/canonical.h"
#include "evidence/manifest.h"
#include "evidence/oci_transport.h"
#include "evidence/sign.h"
#include "recipe/result.h"
#include "serialize/input.h"
#include "serialize/yaml_reader.h"

namespace aicr::client {

Result<std::string> EvidenceDigest(const Client& client, const EvidenceDigestRequest& request) {
  RecipeInputRequest in;
  in.source = request.recipe;
  in.profile = request.profile;
  in.data_dir = request.data_dir;
  in.cancel = request.cancel;
  AICR_ASSIGN_OR_RETURN(const LoadedRecipe loaded, LoadRecipeInput(client, in));
  Result<std::string> hex = evidence::RecipeDigestHex(loaded.yaml);
  if (!hex.ok()) {
    return hex.status().WithContext("recipe " + Quote(request.recipe));
  }
  return *hex;
}

Result<evidence::EvidenceReport> VerifyEvidence(const Client& client,
                                                const EvidenceVerifyRequest& request) {
  (void)client;
  evidence::VerifyOptions options;
  if (!request.key.empty()) {
    AICR_ASSIGN_OR_RETURN(options.key, attest::LoadPublicKey(request.key));
  }
  // Keyless: the embedded public-good root plus --trust-root, pinned to the expected
  // identity when given.
  if (!request.expected_identity_regexp.empty()) {
    if (Status s = attest::ValidateIdentityRegex(request.expected_identity_regexp); !s.ok()) {
      return s.WithContext("--expected-identity-regexp");
    }
  }
  std::optional<attest::TrustedRoot> root;
  if (!options.key.has_value()) {
    AICR_ASSIGN_OR_RETURN(root, PublicGoodPlus(request.trust_root, "--trust-root"));
    options.trusted_root = &*root;
    options.identity.san_regex = request.expected_identity_regexp;
    options.identity.issuer = request.expected_issuer;
    const Clock& clock = request.clock != nullptr ? *request.clock : Clock::Real();
    options.now_unix =
        std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  } else if (!request.expected_issuer.empty() || !request.expected_identity_regexp.empty() ||
             !request.trust_root.empty()) {
    return InvalidRequestError(
        "--expected-issuer, --expected-identity-regexp and --trust-root apply to keyless "
        "signatures; they cannot be combined with --key");
  }
  if (request.cancel.IsCanceled()) {
    return CanceledError("evidence verify canceled");
  }
  oci::RegistryOptions registry;
  registry.plain_http = request.plain_http;
  registry.insecure_tls = request.insecure_tls;
  registry.cancel = &request.cancel;
  std::optional<TempDir> scratch;  // removed after verification
  options.fetch_oci = [&](const std::string& ref) -> Result<std::string> {
    AICR_ASSIGN_OR_RETURN(const oci::Reference parsed, oci::ParseReference(ref));
    AICR_ASSIGN_OR_RETURN(TempDir tmp, TempDir::Create("aicr-evidence-"));
    scratch = std::move(tmp);
    const std::string dest = scratch->path() + "/bundle";
    AICR_RETURN_IF_ERROR(evidence::PullEvidence(parsed, dest, registry));
    return dest;
  };
  Result<evidence::EvidenceReport> report =
      evidence::VerifyEvidence(request.input, options, request.allow_unpinned_tag);
  if (scratch.has_value() && report.ok()) {
    report->bundle_dir = request.input;
  }
  return report;
}

Status EvidenceVerdictStatus(const evidence::EvidenceReport& report) {
  switch (report.exit) {
    case evidence::kVerdictValid:
      return OkStatus();
    case evidence::kVerdictRecordedFailures:
      return InvalidRequestError("evidence is valid but records failed checks: " +
                                 report.failure_hint);
    case evidence::kVerdictInvalid:
      return InvalidRequestError("evidence is invalid (" + report.failure_class +
                                 "): " + report.failure_hint);
    default:
      break;
  }
  if (report.failure_class == "transient") {
    return TimeoutError("evidence verification incomplete: " + report.failure_hint);
  }
  if (report.failure_class == "canceled") {
    return CanceledError("evidence verification canceled");
  }
  return InvalidRequestError("evidence verification reached no verdict (" + report.failure_class +
                             "): " + report.failure_hint);
}

Result<EvidencePublishResult> PublishEvidence(const Client& client,
                                              const EvidencePublishRequest& request) {
  (void)client;
  namespace fs = std::filesystem;
  if (request.signing_key.empty()) {
    return UnavailableError(
        "keyless signing is not supported in this build; pass --signing-key file://KEY.pem");
  }
  const fs::path summary = fs::path(request.dir) / evidence::kSummaryBundleDir;
  std::error_code ec;
  if (!fs::is_directory(summary, ec)) {
    return NotFoundError("evidence directory \"" + request.dir + "\": no " +
                         std::string(evidence::kSummaryBundleDir) +
                         "/ (write one with aicr validate --emit-attestation)");
  }
  AICR_ASSIGN_OR_RETURN(const attest::PrivateKey key, attest::LoadSigningKey(request.signing_key));
  // The bundle must be self-consistent before it is signed.
  AICR_ASSIGN_OR_RETURN(const evidence::EvidenceReport report,
                        evidence::VerifyEvidence(request.dir, evidence::VerifyOptions{}));
  if (report.exit == evidence::kVerdictInvalid) {
    return InvalidRequestError("evidence directory \"" + request.dir +
                               "\" is invalid, refusing to sign (" + report.failure_class +
                               "): " + report.failure_hint);
  }
  AICR_RETURN_IF_ERROR(evidence::SignSummaryBundle(summary.string(), key));
  EvidencePublishResult out;
  out.attestation_path = (summary / evidence::kAttestationFile).string();
  if (!request.push.empty()) {
    oci::RegistryOptions registry;
    registry.plain_http = request.plain_http;
    registry.insecure_tls = request.insecure_tls;
    registry.cancel = &request.cancel;
    AICR_ASSIGN_OR_RETURN(const evidence::EvidencePushResult pushed,
                          evidence::PushEvidence(request.dir, request.push, registry));
    out.pushed_ref = std::string(oci::kOciScheme) + pushed.pinned.String();
  }
  return out;
}

}  // namespace aicr::client
