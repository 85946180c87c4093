#include "client/verify.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <utility>

#include "attest/keys.h"
#include "attest/sigstore_bundle.h"
#include "attest/statement.h"
#include "attest/trusted_root.h"
#include "attest/verify.h"
#include "attest/verify_keyless.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/temp_dir.h"
#include "checksum/manifest.h"
#include "checksum/sha256.h"
#include "checksum/verify.h"
#include "client/config_fields.h"
#include "client/trust_root.h"
#include "constraints/expression.h"
#include "constraints/version.h"
#include "oci/pull.h"
#include "oci/push.h"
#include "oci/reference.h"
#include "serialize/input.h"
#include "serialize/json_reader.h"

namespace aicr::client {

using serialize::Value;

namespace {

// An attestation file that exists but cannot be read: a failed check.
AttestationCheck UnreadableAttestation(const Status& status) {
  AttestationCheck check;
  check.reason = "read: " + status.message();
  return check;
}

using checksum::kBinaryAttestationPath;
using checksum::kBundleAttestationPath;
using checksum::kManifestName;
/// Largest artifact `verify-blob` reads into memory.
/// Largest trusted_root.json read.

constexpr TrustLevel kAllLevels[] = {TrustLevel::kUnknown, TrustLevel::kUnverified,
                                     TrustLevel::kAttested, TrustLevel::kVerified};

int Rank(TrustLevel level) { return static_cast<int>(level); }

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Whether `path` exists as a regular file / a directory, without following a symlink.
bool IsRegularNoFollow(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsDirNoFollow(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Reads a regular file without following a symlink at its last component.
Result<std::string> ReadNoFollow(const std::string& path, std::size_t max_bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return UnavailableError("read " + Quote(path) + ": cannot open");
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return InvalidRequestError("read " + Quote(path) + ": not a regular file");
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      close(fd);
      return UnavailableError("read " + Quote(path) + ": I/O error");
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      close(fd);
      return InvalidRequestError("read " + Quote(path) + ": file exceeds " +
                                 std::to_string(max_bytes) + " bytes");
    }
  }
  close(fd);
  return out;
}

bool HasOperatorPrefix(std::string_view expr) {
  return !expr.empty() && (expr[0] == '>' || expr[0] == '<' || expr[0] == '=' ||
                           (expr.size() > 1 && expr[0] == '!' && expr[1] == '='));
}

// A `--cli-version-constraint` parsed and checked: a bare version means `>=`, and
// the value must be a version.
Result<constraints::ParsedConstraint> ParseToolVersionConstraint(std::string_view constraint) {
  std::string expr(Trim(constraint));
  if (expr.empty()) {
    return InvalidRequestError("invalid cli version constraint: empty expression");
  }
  if (!HasOperatorPrefix(expr)) {
    expr = ">= " + expr;
  }
  Result<constraints::ParsedConstraint> parsed = constraints::ParseExpression(expr);
  if (!parsed.ok()) {
    return parsed.status().WithContext("invalid cli version constraint " + Quote(constraint));
  }
  if (Result<constraints::Version> v = constraints::ParseVersion(parsed->value); !v.ok()) {
    return InvalidRequestError("invalid cli version constraint " + Quote(constraint) + ": " +
                               Quote(parsed->value) + " is not a version");
  }
  parsed->is_version_comparison = true;
  return parsed;
}

}  // namespace

// Verifies the bundle attestation bytes with `key` against the checksums.txt digest.
AttestationCheck CheckBundleAttestation(std::string_view bytes, const attest::PublicKey* key,
                                        const std::string& manifest_sha256,
                                        const KeylessTrust& keyless) {
  AttestationCheck check;
  Result<attest::SigstoreBundle> bundle = attest::ParseSigstoreBundle(bytes);
  if (!bundle.ok()) {
    check.reason = "bundle: " + bundle.status().message();
    return check;
  }
  if (!bundle->dsse.has_value()) {
    check.reason = "bundle: expected a DSSE envelope holding an in-toto statement";
    return check;
  }
  attest::Artifact artifact;
  artifact.sha256_hex = manifest_sha256;
  // Keyless: any signer is accepted here (it is reported as the creator, and
  // --require-creator pins it), as upstream does for the bundle attestation.
  const attest::VerifyOutcome outcome =
      key != nullptr ? attest::VerifyWithKey(*bundle, *key, artifact)
                     : attest::VerifyKeyless(*bundle, keyless.root, attest::IdentityPolicy{},
                                             artifact, keyless.now_unix);
  if (!outcome.verified) {
    check.reason = attest::DescribeFailure(outcome);
    return check;
  }
  const attest::DsseEnvelope& envelope =
      outcome.envelope.has_value() ? *outcome.envelope : *bundle->dsse;
  if (envelope.payload_type != attest::kInTotoPayloadType) {
    check.reason = "statement: payload type " + Quote(envelope.payload_type) + " is not " +
                   Quote(attest::kInTotoPayloadType);
    return check;
  }
  Result<attest::Statement> statement = attest::ParseStatement(envelope.payload);
  if (!statement.ok()) {
    check.reason = statement.status().message();
    return check;
  }
  const bool subject_ok = std::any_of(
      statement->subjects.begin(), statement->subjects.end(), [&](const attest::Subject& s) {
        return s.name == kManifestName && s.sha256 == manifest_sha256;
      });
  if (!subject_ok) {
    check.reason = "statement: no subject \"checksums.txt\" with the digest of checksums.txt";
    return check;
  }
  Result<attest::BundleProvenance> provenance = attest::ProvenanceFromStatement(*statement);
  if (!provenance.ok()) {
    check.reason = "statement: " + provenance.status().message();
    return check;
  }
  check.verified = true;
  check.signer = key != nullptr ? provenance->builder_id : outcome.signer;
  check.tool_version = provenance->tool_version;
  check.identity_pinned = key != nullptr;
  if (!provenance->dependencies.empty()) {
    check.binary_sha256 = provenance->dependencies.front().sha256;
  }
  return check;
}

// The binary attestation is signed keyless by the release workflow; its identity is
// pinned and it must cover the binary recorded in the bundle's provenance.
AttestationCheck CheckBinaryAttestation(std::string_view bytes, const std::string& binary_sha256,
                                        const KeylessTrust& keyless) {
  AttestationCheck check;
  Result<attest::SigstoreBundle> bundle = attest::ParseSigstoreBundle(bytes);
  if (!bundle.ok()) {
    check.reason = "bundle: " + bundle.status().message();
    return check;
  }
  if (binary_sha256.empty()) {
    check.reason = "statement: the bundle attestation records no binary digest";
    return check;
  }
  attest::Artifact artifact;
  artifact.sha256_hex = binary_sha256;
  attest::IdentityPolicy policy;
  policy.san_regex = keyless.binary_identity_regexp.empty() ? std::string(kBinaryIdentityRegexp)
                                                            : keyless.binary_identity_regexp;
  policy.issuer = std::string(kBinaryIdentityIssuer);
  const attest::VerifyOutcome outcome =
      attest::VerifyKeyless(*bundle, keyless.root, policy, artifact, keyless.now_unix);
  if (!outcome.verified) {
    check.reason = attest::DescribeFailure(outcome);
    return check;
  }
  check.verified = true;
  check.signer = outcome.signer;
  check.identity_pinned = true;
  return check;
}

// ---- levels --------------------------------------------------------------------

std::string_view TrustLevelName(TrustLevel level) {
  switch (level) {
    case TrustLevel::kUnknown:
      return "unknown";
    case TrustLevel::kUnverified:
      return "unverified";
    case TrustLevel::kAttested:
      return "attested";
    case TrustLevel::kVerified:
      return "verified";
  }
  return "unknown";
}

Result<TrustLevel> ParseTrustLevel(std::string_view text) {
  const std::string lower = Lower(Trim(text));
  for (TrustLevel level : kAllLevels) {
    if (lower == TrustLevelName(level)) {
      return level;
    }
  }
  return InvalidRequestError("invalid trust level " + Quote(text) +
                             ": must be one of unknown, unverified, attested, verified");
}

std::vector<std::string> MinTrustLevelValues() {
  return {"attested", "unknown", "unverified", "verified", "max"};
}

serialize::Value VerifyResultToValue(const VerifyResult& r) {
  serialize::Mapping m;
  m.Set("trustLevel", Value(TrustLevelName(r.trust_level)));
  m.Set("checksumsPassed", Value(r.checksums_passed));
  m.Set("checksumFiles", Value(static_cast<std::int64_t>(r.checksum_files)));
  m.Set("bundleAttested", Value(r.bundle_attested));
  m.Set("binaryAttested", Value(r.binary_attested));
  m.Set("identityPinned", Value(r.identity_pinned));
  m.Set("bundleCreator", Value(r.bundle_creator));
  m.Set("binaryBuilder", Value(r.binary_builder));
  m.Set("toolVersion", Value(r.tool_version));
  m.Set("hasExternalData", Value(r.has_external_data));
  m.Set("trustReason", Value(r.trust_reason));
  serialize::Sequence errors;
  for (const std::string& e : r.errors) {
    errors.emplace_back(e);
  }
  m.Set("errors", Value(std::move(errors)));
  return Value(std::move(m));
}

// ---- the ladder ----------------------------------------------------------------

VerifyResult EvaluateTrust(const TrustInputs& in) {
  VerifyResult r;
  r.checksum_files = in.checksum_files;
  r.has_external_data = in.has_data_dir;
  r.bundle_attestation_present = in.bundle_attestation_present;
  r.binary_attestation_present = in.binary_attestation_present;
  if (!in.checksums.ok()) {
    r.checksum_files = 0;
    r.trust_level = TrustLevel::kUnknown;
    r.trust_reason = "checksum verification failed";
    r.errors.push_back(in.checksums.message());
    return r;
  }
  r.checksums_passed = true;
  if (!in.bundle_attestation_present) {
    r.trust_level = TrustLevel::kUnverified;
    r.trust_reason = "checksums valid; no bundle attestation (the bundle was not attested)";
    return r;
  }
  if (!in.bundle.has_value() || !in.bundle->verified) {
    r.trust_level = TrustLevel::kUnknown;
    const std::string why = in.bundle.has_value() ? in.bundle->reason : "not checked";
    r.trust_reason = "bundle attestation present but failed verification";
    r.errors.push_back("bundle attestation: " + why);
    return r;
  }
  r.bundle_attested = true;
  r.bundle_creator = in.bundle->signer;
  r.tool_version = in.bundle->tool_version;
  r.identity_pinned = in.bundle->identity_pinned;
  if (in.binary_attestation_present) {
    if (!in.binary.has_value() || !in.binary->verified) {
      r.trust_level = TrustLevel::kAttested;
      const std::string why = in.binary.has_value() ? in.binary->reason : "not checked";
      r.trust_reason = "bundle attestation verified; binary attestation failed verification";
      r.errors.push_back("binary attestation: " + why);
      return r;
    }
    r.binary_attested = true;
    r.binary_builder = in.binary->signer;
    r.identity_pinned = r.identity_pinned || in.binary->identity_pinned;
  } else if (!r.identity_pinned) {
    r.trust_level = TrustLevel::kAttested;
    r.trust_reason =
        "bundle attestation verified; no binary attestation and the signer is not pinned";
    return r;
  }
  if (in.has_data_dir) {
    r.trust_level = TrustLevel::kAttested;
    r.trust_reason = "attestation chain verified; external data (data/) caps trust at attested";
    return r;
  }
  r.trust_level = TrustLevel::kVerified;
  r.trust_reason = r.binary_attested
                       ? "checksums, bundle attestation and binary attestation verified"
                       : "checksums and bundle attestation verified with the pinned key";
  return r;
}

// ---- policy --------------------------------------------------------------------

TrustLevel MaxAchievableTrustLevel(const VerifyResult& r) {
  if (!r.bundle_attestation_present) {
    return TrustLevel::kUnverified;
  }
  return r.has_external_data ? TrustLevel::kAttested : TrustLevel::kVerified;
}

Result<TrustLevel> EffectiveMinimum(const VerifyResult& r, std::string_view min_trust_level) {
  const std::string lower = Lower(Trim(min_trust_level));
  if (lower.empty()) {
    return r.bundle_attestation_present ? TrustLevel::kVerified : TrustLevel::kUnverified;
  }
  if (lower == "max") {
    return MaxAchievableTrustLevel(r);
  }
  Result<TrustLevel> level = ParseTrustLevel(min_trust_level);
  if (!level.ok()) {
    return InvalidRequestError("invalid --min-trust-level " + Quote(min_trust_level) +
                               ": must be one of verified, attested, unverified, unknown, max");
  }
  return level;
}

Result<std::string> CheckToolVersion(std::string_view constraint, std::string_view tool_version) {
  AICR_ASSIGN_OR_RETURN(const constraints::ParsedConstraint parsed,
                        ParseToolVersionConstraint(constraint));
  if (Trim(tool_version).empty()) {
    return std::string("tool version not available in the attestation");
  }
  Result<bool> passed = parsed.Evaluate(tool_version);
  if (!passed.ok()) {
    return "tool version " + Quote(tool_version) + " does not satisfy constraint " +
           Quote(parsed.String()) + ": " + passed.status().message();
  }
  if (!*passed) {
    return "tool version " + Quote(tool_version) + " does not satisfy constraint " +
           Quote(parsed.String());
  }
  return std::string();
}

Result<std::string> CheckPolicy(const VerifyResult& r, const VerifyPolicy& p) {
  AICR_ASSIGN_OR_RETURN(const TrustLevel minimum, EffectiveMinimum(r, p.min_trust_level));
  if (Rank(r.trust_level) < Rank(minimum)) {
    const bool is_max = Lower(Trim(p.min_trust_level)) == "max";
    return "trust level " + Quote(TrustLevelName(r.trust_level)) + " does not meet " +
           (is_max ? "the maximum achievable " : "minimum ") + Quote(TrustLevelName(minimum)) +
           (is_max ? " for this bundle" : "");
  }
  if (!p.require_creator.empty() && r.bundle_creator != p.require_creator) {
    return "bundle creator " + Quote(r.bundle_creator) + " does not match required " +
           Quote(p.require_creator);
  }
  if (!p.cli_version_constraint.empty()) {
    AICR_ASSIGN_OR_RETURN(std::string failure,
                          CheckToolVersion(p.cli_version_constraint, r.tool_version));
    if (!failure.empty()) {
      return failure;
    }
  }
  return std::string();
}

Status ValidateIdentityPattern(std::string_view pattern) {
  if (pattern.empty()) {
    return InvalidRequestError("certificate identity pattern cannot be empty");
  }
  std::string_view body = pattern;
  if (body.front() == '^') {
    body.remove_prefix(1);
  }
  constexpr std::string_view kPrefix = "https://github.com/NVIDIA/aicr/";
  constexpr std::string_view kPrefixEscaped = "https://github\\.com/NVIDIA/aicr/";
  if (body.rfind(kPrefix, 0) != 0 && body.rfind(kPrefixEscaped, 0) != 0) {
    return InvalidRequestError("certificate identity pattern " + Quote(pattern) +
                               " must begin with \"https://github.com/NVIDIA/aicr/\" (a leading "
                               "\"^\" is allowed; put any alternatives after it)");
  }
  // Top-level alternation: a `|` outside any group or character class.
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      continue;
    }
    if (c == '[') {
      in_class = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return InvalidRequestError("certificate identity pattern " + Quote(pattern) +
                                 " must not be a top-level alternation");
    }
  }
  try {
    std::regex re{std::string(pattern), std::regex::ECMAScript};
    (void)re;
  } catch (const std::regex_error& e) {
    return InvalidRequestError("certificate identity pattern " + Quote(pattern) +
                               " is not a valid regular expression");
  }
  return OkStatus();
}

Status VerifyReport::ExitStatus() const {
  if (!result.errors.empty()) {
    return UnauthorizedError("bundle verification failed: " + result.errors.front());
  }
  if (!policy_failure.empty()) {
    return InvalidRequestError(policy_failure);
  }
  return OkStatus();
}

// ---- aicr verify ---------------------------------------------------------------

// Pulls the digest-pinned bundle `ref` into `<parent>/bundle`; its path.
Result<std::string> PullBundleForVerify(const std::string& ref,
                                        const oci::RegistryOptions& registry,
                                        const std::string& parent) {
  AICR_ASSIGN_OR_RETURN(oci::Reference parsed, oci::ParseReference(ref));
  if (parsed.digest.empty()) {
    return InvalidRequestError("verify " + ref +
                               ": pin the bundle by digest (oci://registry/repo@sha256:<hex>); a "
                               "tag can be moved to other content");
  }
  AICR_ASSIGN_OR_RETURN(oci::PulledBundle bundle,
                        oci::PullBundle(parsed, oci::PullLimits{}, registry));
  // The pushed artifact is the closed-world inventory; the bundle's signature
  // travels beside it as a referrer (so the artifact digest stays reproducible) and
  // goes back to its place in the tree. With several, the first in digest order.
  AICR_ASSIGN_OR_RETURN(std::vector<oci::Descriptor> referrers,
                        oci::ListReferrers(bundle.pinned, oci::kMediaTypeSigstoreBundle, registry));
  std::sort(referrers.begin(), referrers.end(),
            [](const oci::Descriptor& a, const oci::Descriptor& b) { return a.digest < b.digest; });
  const bool has_attestation =
      std::any_of(bundle.files.begin(), bundle.files.end(),
                  [](const archive::TarFile& f) { return f.path == kBundleAttestationPath; });
  if (!referrers.empty() && !has_attestation) {
    AICR_ASSIGN_OR_RETURN(std::string signature,
                          oci::FetchReferrerBlob(bundle.pinned, referrers.front(),
                                                 attest::kMaxSigstoreBundleBytes, registry));
    if (referrers.size() > 1) {
      log::Warn(
          "bundle has several signatures attached; verifying the first",
          {{"referrer", referrers.front().digest}, {"count", std::to_string(referrers.size())}});
    }
    bundle.files.push_back(
        archive::TarFile{.path = std::string(kBundleAttestationPath), .bytes = signature});
  }
  const std::string dir = parent + "/bundle";
  AICR_RETURN_IF_ERROR(oci::WriteBundleFiles(bundle.files, dir));
  return dir;
}

Result<VerifyReport> Verify(const VerifyRequest& request) {
  if (request.bundle_dir.empty()) {
    return InvalidRequestError("bundle directory is required: aicr verify <bundle-dir>");
  }
  if (request.insecure_ignore_tlog && request.key.empty()) {
    return InvalidRequestError("--insecure-ignore-tlog requires --key");
  }
  if (!request.certificate_identity_regexp.empty()) {
    AICR_RETURN_IF_ERROR(ValidateIdentityPattern(request.certificate_identity_regexp));
  }
  // Policy errors surface before any work.
  VerifyResult probe;
  AICR_RETURN_IF_ERROR(EffectiveMinimum(probe, request.policy.min_trust_level).status());
  if (!request.policy.cli_version_constraint.empty()) {
    AICR_RETURN_IF_ERROR(
        ParseToolVersionConstraint(request.policy.cli_version_constraint).status());
  }
  std::optional<attest::PublicKey> key;
  if (!request.key.empty()) {
    AICR_ASSIGN_OR_RETURN(key, attest::LoadPublicKey(request.key));
  }
  KeylessTrust keyless;
  AICR_ASSIGN_OR_RETURN(keyless.root, PublicGoodPlus(request.trust_root, "--trust-root"));
  keyless.binary_identity_regexp = request.certificate_identity_regexp;
  const Clock& clock = request.clock != nullptr ? *request.clock : Clock::Real();
  keyless.now_unix =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();

  std::optional<TempDir> pulled;
  std::string dir = request.bundle_dir;
  if (dir.rfind("oci://", 0) == 0) {
    AICR_ASSIGN_OR_RETURN(TempDir tmp, TempDir::Create("aicr-verify-"));
    AICR_ASSIGN_OR_RETURN(dir, PullBundleForVerify(dir, request.registry, tmp.path()));
    pulled = std::move(tmp);
  }
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) {
    return NotFoundError("bundle directory " + Quote(dir) + " not found");
  }

  TrustInputs in;
  in.bundle_attestation_present =
      IsRegularNoFollow(dir + "/" + std::string(kBundleAttestationPath));
  in.binary_attestation_present =
      IsRegularNoFollow(dir + "/" + std::string(kBinaryAttestationPath));
  in.has_data_dir = IsDirNoFollow(dir + "/data");

  Result<checksum::VerifyReport> checked = checksum::VerifyBundle(dir);
  if (!checked.ok()) {
    const Status& s = checked.status();
    if (s.code() == ErrorCode::kUnavailable ||
        (s.code() == ErrorCode::kNotFound && !checksum::IsManifestMissing(s))) {
      return s;
    }
    in.checksums = s;
  } else {
    in.checksum_files = checked->files_verified;
    in.has_data_dir = checked->has_data_dir;
    in.bundle_attestation_present = checked->has_bundle_attestation;
    in.binary_attestation_present = checked->has_binary_attestation;
    if (in.bundle_attestation_present) {
      Result<std::string> bytes = ReadNoFollow(dir + "/" + std::string(kBundleAttestationPath),
                                               attest::kMaxSigstoreBundleBytes);
      if (!bytes.ok()) {
        in.bundle = UnreadableAttestation(bytes.status());
      } else {
        in.bundle = CheckBundleAttestation(*bytes, key.has_value() ? &*key : nullptr,
                                           checked->manifest_sha256, keyless);
      }
      if (in.bundle->verified && in.binary_attestation_present) {
        Result<std::string> bin = ReadNoFollow(dir + "/" + std::string(kBinaryAttestationPath),
                                               attest::kMaxSigstoreBundleBytes);
        in.binary = bin.ok() ? CheckBinaryAttestation(*bin, in.bundle->binary_sha256, keyless)
                             : UnreadableAttestation(bin.status());
      }
    }
  }

  VerifyReport report;
  report.result = EvaluateTrust(in);
  AICR_ASSIGN_OR_RETURN(report.minimum,
                        EffectiveMinimum(report.result, request.policy.min_trust_level));
  AICR_ASSIGN_OR_RETURN(report.policy_failure, CheckPolicy(report.result, request.policy));
  return report;
}

// ---- spec.verify ---------------------------------------------------------------

Result<VerifyConfig> DecodeVerifyConfig(const serialize::Value& section) {
  using config_fields::CheckKeys;
  using config_fields::Text;
  VerifyConfig cfg;
  if (section.is_null()) {
    return cfg;
  }
  const std::string root = "spec.verify";
  AICR_RETURN_IF_ERROR(CheckKeys(section, root, {"policy", "trust"}));
  if (const Value* policy = section.Find("policy"); policy != nullptr && !policy->is_null()) {
    const std::string p = root + ".policy";
    AICR_RETURN_IF_ERROR(
        CheckKeys(*policy, p, {"minTrustLevel", "requireCreator", "cliVersionConstraint"}));
    AICR_ASSIGN_OR_RETURN(cfg.min_trust_level, Text(*policy, "minTrustLevel", p));
    AICR_ASSIGN_OR_RETURN(cfg.require_creator, Text(*policy, "requireCreator", p));
    AICR_ASSIGN_OR_RETURN(cfg.cli_version_constraint, Text(*policy, "cliVersionConstraint", p));
    if (!cfg.min_trust_level.empty() && Lower(Trim(cfg.min_trust_level)) != "max" &&
        !ParseTrustLevel(cfg.min_trust_level).ok()) {
      return InvalidRequestError("invalid " + p + ".minTrustLevel " + Quote(cfg.min_trust_level) +
                                 ": must be one of verified, attested, unverified, unknown, max");
    }
    if (!cfg.cli_version_constraint.empty()) {
      if (Status s = ParseToolVersionConstraint(cfg.cli_version_constraint).status(); !s.ok()) {
        return InvalidRequestError("invalid " + p + ".cliVersionConstraint: " + s.message());
      }
    }
  }
  if (const Value* trust = section.Find("trust"); trust != nullptr && !trust->is_null()) {
    const std::string p = root + ".trust";
    AICR_RETURN_IF_ERROR(CheckKeys(*trust, p, {"certificateIdentityRegexp", "key", "trustRoot"}));
    AICR_ASSIGN_OR_RETURN(cfg.certificate_identity_regexp,
                          Text(*trust, "certificateIdentityRegexp", p));
    AICR_ASSIGN_OR_RETURN(cfg.key, Text(*trust, "key", p));
    AICR_ASSIGN_OR_RETURN(cfg.trust_root, Text(*trust, "trustRoot", p));
    if (!cfg.certificate_identity_regexp.empty()) {
      if (Status s = ValidateIdentityPattern(cfg.certificate_identity_regexp); !s.ok()) {
        return InvalidRequestError("invalid " + p + ".certificateIdentityRegexp: " + s.message());
      }
    }
  }
  return cfg;
}

}  // namespace aicr::client
