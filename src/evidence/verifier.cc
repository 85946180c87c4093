#include "evidence/verifier.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include "attest/sigstore_bundle.h"
#include "attest/statement.h"
#include "attest/verify.h"
#include "attest/verify_keyless.h"
#include "base/status_macros.h"
#include "checksum/safe_path.h"
#include "evidence/builder.h"
#include "evidence/canonical.h"
#include "evidence/manifest.h"
#include "recipe/result.h"
#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"
#include "validator/ctrf.h"

namespace aicr::evidence {
namespace {

namespace fs = std::filesystem;
using serialize::Value;

constexpr std::size_t kMaxFileBytes = std::size_t{64} * 1024 * 1024;

// A regular file (symlinks refused), read whole up to kMaxFileBytes.
Result<std::string> ReadRegular(const fs::path& path) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (ec || !fs::exists(st)) {
    return NotFoundError(path.string() + ": no such file");
  }
  if (!fs::is_regular_file(st)) {
    return InvalidRequestError(path.string() + ": not a regular file");
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) {
    return UnavailableError(path.string() + ": " + ec.message());
  }
  if (size > kMaxFileBytes) {
    return InvalidRequestError(path.string() + ": larger than " + std::to_string(kMaxFileBytes) +
                               " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return UnavailableError(path.string() + ": cannot open");
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::string* Str(const Value& v, std::string_view path) {
  const Value* f = v.FindPath(path);
  return f == nullptr ? nullptr : f->if_string();
}

class Checker {
 public:
  explicit Checker(EvidenceReport* r) : r_(r) {}

  void Pass(std::string name, std::string detail = "") {
    r_->checks.push_back({std::move(name), true, std::move(detail)});
  }
  // Records a failed check; the first failure of the worst verdict names the cause.
  void Fail(std::string name, std::string detail, int verdict, std::string cls, std::string hint) {
    r_->checks.push_back({std::move(name), false, std::move(detail)});
    if (verdict > r_->exit || r_->failure_class.empty()) {
      r_->exit = std::max(r_->exit, verdict);
      r_->failure_class = std::move(cls);
      r_->failure_hint = std::move(hint);
    }
  }
  void Integrity(std::string name, std::string detail) {
    Fail(std::move(name), std::move(detail), kVerdictInvalid, "integrity",
         "the bundle was modified after it was built; rebuild it or fetch the original");
  }
  void Schema(std::string name, std::string detail) {
    Fail(std::move(name), std::move(detail), kVerdictInvalid, "schema",
         "the bundle is not a recipe evidence bundle this version understands");
  }

 private:
  EvidenceReport* r_;
};

struct Located {
  fs::path bundle;
  std::optional<fs::path> pointer;
  /// Set when the registry fetch failed: the run ends without a verdict.
  Status fetch_error;
};

// The failureCause class of a registry error.
std::string FetchClass(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kUnauthorized:
      return "registry-forbidden";
    case ErrorCode::kNotFound:
      return "not-found";
    case ErrorCode::kTimeout:
    case ErrorCode::kUnavailable:
    case ErrorCode::kRateLimitExceeded:
      return "transient";
    case ErrorCode::kCanceled:
      return "canceled";
    default:
      return "registry";
  }
}

Result<Located> Locate(const std::string& input, const VerifyOptions& options,
                       bool allow_unpinned_tag) {
  auto fetch = [&](const std::string& ref) -> Result<Located> {
    if (ref.find("@sha256:") == std::string::npos && !allow_unpinned_tag) {
      return InvalidRequestError("evidence reference \"" + ref +
                                 "\" is not pinned; use <ref>@sha256:<digest> or pass "
                                 "--allow-unpinned-tag");
    }
    if (!options.fetch_oci) {
      return InvalidRequestError("evidence reference \"" + ref +
                                 "\": registry inputs are not available here");
    }
    Result<std::string> dir = options.fetch_oci(ref);
    if (!dir.ok()) {
      return Located{fs::path(), std::nullopt, dir.status()};
    }
    return Located{fs::path(*dir), std::nullopt, OkStatus()};
  };
  if (input.rfind("oci://", 0) == 0) {
    return fetch(input);
  }
  std::error_code ec;
  const fs::path p(input);
  if (!fs::exists(p, ec)) {
    return NotFoundError("evidence \"" + input + "\": no such file or directory");
  }
  if (fs::is_directory(p, ec)) {
    Located l;
    if (fs::is_directory(p / kSummaryBundleDir, ec)) {
      l.bundle = p / kSummaryBundleDir;
      if (fs::exists(p / kPointerFile, ec)) {
        l.pointer = p / kPointerFile;
      }
    } else {
      l.bundle = p;
    }
    return l;
  }
  // A pointer file.
  Located l;
  l.pointer = p;
  AICR_ASSIGN_OR_RETURN(const std::string text, ReadRegular(p));
  Result<Value> doc = serialize::ParseYaml(text);
  if (!doc.ok()) {
    return doc.status().WithContext("pointer \"" + input + "\"");
  }
  const std::string* oci = Str(*doc, "attestations.0.bundle.oci");
  const std::string* digest = Str(*doc, "attestations.0.bundle.digest");
  if (oci != nullptr && !oci->empty()) {
    std::string ref = *oci;
    if (digest != nullptr && !digest->empty() && ref.find('@') == std::string::npos) {
      const std::size_t slash = ref.rfind('/');
      const std::size_t colon = ref.rfind(':');
      if (colon != std::string::npos && slash != std::string::npos && colon > slash) {
        ref = ref.substr(0, colon);
      }
      ref += "@" + *digest;
    }
    AICR_ASSIGN_OR_RETURN(Located fetched, fetch(ref));
    fetched.pointer = p;
    return fetched;
  }
  l.bundle = p.parent_path() / kSummaryBundleDir;
  if (!fs::is_directory(l.bundle, ec)) {
    return NotFoundError("pointer \"" + input + "\" names no registry bundle and " +
                         l.bundle.string() + " does not exist");
  }
  return l;
}

void CheckManifest(const fs::path& dir, const Value& predicate, Checker& c,
                   std::map<std::string, std::string>* digests) {
  Result<std::string> bytes = ReadRegular(dir / kManifestFile);
  if (!bytes.ok()) {
    c.Integrity("manifest", bytes.status().message());
    return;
  }
  const std::string* want = Str(predicate, "manifest.digest");
  const std::string got = Sha256Ref(*bytes);
  if (want == nullptr || *want != got) {
    c.Integrity("manifest digest", "manifest.json is " + got + ", predicate.manifest.digest is " +
                                       (want == nullptr ? "absent" : *want));
  } else {
    c.Pass("manifest digest", got);
  }
  Result<Manifest> m = ParseManifestJson(*bytes);
  if (!m.ok()) {
    c.Integrity("manifest", m.status().message());
    return;
  }
  const Value* count = predicate.FindPath("manifest.fileCount");
  if (count == nullptr || !count->is_int() ||
      *count->if_int() != static_cast<std::int64_t>(m->files.size())) {
    c.Integrity("manifest file count", "manifest lists " + std::to_string(m->files.size()) +
                                           " files, predicate.manifest.fileCount disagrees");
  }
  std::set<std::string> listed;
  std::vector<std::string> bad;
  for (const ManifestFile& f : m->files) {
    listed.insert(f.path);
    (*digests)[f.path] = f.sha256;
    Result<std::string> joined = checksum::SafeJoin(dir.string(), f.path);
    if (!joined.ok() || IsUnlistedFile(f.path)) {
      bad.push_back(f.path + ": unsafe or reserved path");
      continue;
    }
    Result<std::string> content = ReadRegular(*joined);
    if (!content.ok()) {
      bad.push_back(f.path + ": " + content.status().message());
      continue;
    }
    if (static_cast<std::int64_t>(content->size()) != f.size || Sha256Ref(*content) != f.sha256) {
      bad.push_back(f.path + ": content does not match the manifest (size " +
                    std::to_string(content->size()) + ", " + Sha256Ref(*content) + ")");
    }
  }
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string rel = fs::relative(it->path(), dir, ec).generic_string();
    if (it->is_symlink(ec)) {
      bad.push_back(rel + ": symbolic link");
      continue;
    }
    if (it->is_directory(ec)) {
      continue;
    }
    if (!IsUnlistedFile(rel) && listed.count(rel) == 0) {
      bad.push_back(rel + ": not listed in manifest.json");
    }
  }
  if (bad.empty()) {
    c.Pass("manifest files", std::to_string(m->files.size()) + " files re-hashed");
  } else {
    std::string detail;
    for (const std::string& b : bad) {
      detail += (detail.empty() ? "" : "; ") + b;
    }
    c.Integrity("manifest files", detail);
  }
}

void CheckPhaseDigests(const fs::path& dir, const Value& predicate,
                       const std::map<std::string, std::string>& digests, Checker& c) {
  const Value* phases = predicate.Find("phases");
  std::set<std::string> seen;
  std::vector<std::string> bad;
  if (phases != nullptr && phases->is_mapping()) {
    for (const auto& [phase, summary] : *phases->if_mapping()) {
      const std::string path = "ctrf/" + phase + ".json";
      seen.insert(path);
      const std::string* want = Str(summary, "ctrfDigest");
      auto it = digests.find(path);
      if (it == digests.end()) {
        bad.push_back(path + ": not in manifest.json");
      } else if (want == nullptr || *want != it->second) {
        bad.push_back(path + ": ctrfDigest " + (want == nullptr ? "absent" : *want) +
                      " != manifest " + it->second);
      } else if (Result<std::string> json = ReadRegular(dir / path); json.ok()) {
        Result<validator::ctrf::Report> report = validator::ctrf::ParseReportJson(*json);
        if (!report.ok()) {
          bad.push_back(path + ": " + report.status().message());
          continue;
        }
        const validator::ctrf::Summary& s = report->summary;
        for (const auto& [key, count] : {std::pair<const char*, std::int64_t>{"passed", s.passed},
                                         {"failed", s.failed},
                                         {"skipped", s.skipped}}) {
          const Value* v = summary.Find(key);
          if (v == nullptr || !v->is_int() || *v->if_int() != count) {
            bad.push_back("phases." + phase + "." + key + " does not match " + path);
          }
        }
      }
    }
  }
  for (const auto& [path, digest] : digests) {
    if (path.rfind("ctrf/", 0) == 0 && seen.count(path) == 0) {
      bad.push_back(path + ": no phase in the predicate");
    }
  }
  const std::string* bom = Str(predicate, "bom.digest");
  auto it = digests.find(std::string(kBomFile));
  if (it == digests.end() || bom == nullptr || *bom != it->second) {
    bad.push_back("bom.cdx.json: predicate.bom.digest does not match the manifest");
  }
  if (bad.empty()) {
    c.Pass("phase and bom digests");
  } else {
    std::string detail;
    for (const std::string& b : bad) {
      detail += (detail.empty() ? "" : "; ") + b;
    }
    c.Integrity("phase and bom digests", detail);
  }
}

void CheckRecipe(const fs::path& dir, const attest::Statement& st, const Value& predicate,
                 Checker& c, EvidenceReport* r) {
  Result<std::string> bytes = ReadRegular(dir / kRecipeFile);
  if (!bytes.ok()) {
    c.Integrity("recipe identity", bytes.status().message());
    return;
  }
  Result<std::string> digest = RecipeDigestHex(*bytes);
  Result<Value> doc = serialize::ParseYaml(*bytes);
  Result<recipe::RecipeResult> parsed =
      doc.ok() ? recipe::RecipeResultFromValue(*doc) : Result<recipe::RecipeResult>(doc.status());
  if (!digest.ok() || !parsed.ok()) {
    c.Integrity("recipe identity",
                "recipe.yaml: " + (digest.ok() ? parsed.status() : digest.status()).message());
    return;
  }
  r->recipe_digest = *digest;
  std::vector<std::string> bad;
  const std::string& subject = st.subjects.front().sha256;
  if (subject != *digest) {
    bad.push_back("canonical digest " + *digest + " != subject digest " + subject);
  }
  const std::string* pred_digest = Str(predicate, "recipe.digest");
  if (pred_digest == nullptr || *pred_digest != *digest) {
    bad.push_back("canonical digest " + *digest + " != predicate.recipe.digest");
  }
  const std::string name = RecipeName(*parsed);
  const std::string* pred_name = Str(predicate, "recipe.name");
  if (pred_name == nullptr || *pred_name != name) {
    bad.push_back("recipe name \"" + name + "\" != predicate.recipe.name");
  }
  if (st.subjects.front().name != std::string(kSubjectPrefix) + name) {
    bad.push_back("subject \"" + st.subjects.front().name + "\" != \"recipe:" + name + "\"");
  }
  const std::string* selection = Str(predicate, "profile.selection");
  std::string want_selection;
  if (parsed->metadata.selected_profile.has_value()) {
    want_selection =
        parsed->metadata.selected_profile->name + "=" + parsed->metadata.selected_profile->value;
  }
  if ((selection == nullptr ? std::string() : *selection) != want_selection) {
    bad.push_back("profile selection \"" + want_selection + "\" != predicate.profile.selection");
  }
  if (bad.empty()) {
    c.Pass("recipe identity", "recipe:" + name + " sha256:" + *digest);
  } else {
    std::string detail;
    for (const std::string& b : bad) {
      detail += (detail.empty() ? "" : "; ") + b;
    }
    c.Integrity("recipe identity", detail);
  }
}

void CheckPointer(const fs::path& path, const Value& predicate, const std::string& predicate_type,
                  const EvidenceReport& r, Checker& c) {
  Result<std::string> bytes = ReadRegular(path);
  Result<Value> doc = bytes.ok() ? serialize::ParseYaml(*bytes) : Result<Value>(bytes.status());
  if (!doc.ok()) {
    c.Integrity("pointer", doc.status().message());
    return;
  }
  std::vector<std::string> bad;
  const Value* atts = doc->Find("attestations");
  if (atts == nullptr || !atts->is_sequence() || atts->size() == 0) {
    c.Integrity("pointer", "pointer.yaml: attestations must be a non-empty list");
    return;
  }
  const std::string* recipe = Str(*doc, "recipe");
  const std::string* name = Str(predicate, "recipe.name");
  if (recipe == nullptr || name == nullptr || *recipe != *name) {
    bad.push_back("recipe does not match predicate.recipe.name");
  }
  const std::string* type = Str(*doc, "attestations.0.bundle.predicateType");
  if (type == nullptr || *type != predicate_type) {
    bad.push_back("bundle.predicateType does not match the statement");
  }
  const std::string* at = Str(*doc, "attestations.0.attestedAt");
  const std::string* pred_at = Str(predicate, "attestedAt");
  if (at == nullptr || pred_at == nullptr || *at != *pred_at) {
    bad.push_back("attestedAt does not match the predicate");
  }
  // The signer a pointer claims must be the certificate's (keyless signatures).
  if (r.signature_verified && !r.signer_issuer.empty()) {
    const std::string* identity = Str(*doc, "attestations.0.signer.identity");
    const std::string* issuer = Str(*doc, "attestations.0.signer.issuer");
    if (identity != nullptr && *identity != r.signer) {
      bad.push_back("signer.identity \"" + *identity + "\" is not the certificate identity \"" +
                    r.signer + "\"");
    }
    if (issuer != nullptr && *issuer != r.signer_issuer) {
      bad.push_back("signer.issuer \"" + *issuer + "\" is not the certificate issuer \"" +
                    r.signer_issuer + "\"");
    }
  }
  if (const Value* summary = doc->FindPath("attestations.0.phaseSummary");
      summary != nullptr && summary->is_mapping()) {
    for (const auto& [phase, counts] : *summary->if_mapping()) {
      const Value* pf = predicate.FindPath("phases." + phase + ".failed");
      const Value* pp = predicate.FindPath("phases." + phase + ".passed");
      if (pf == nullptr || pp == nullptr || counts.Find("failed") == nullptr ||
          !(*counts.Find("failed") == *pf) || counts.Find("passed") == nullptr ||
          !(*counts.Find("passed") == *pp)) {
        bad.push_back("phaseSummary." + phase + " does not match the predicate");
      }
    }
  }
  if (bad.empty()) {
    c.Pass("pointer");
  } else {
    std::string detail;
    for (const std::string& b : bad) {
      detail += (detail.empty() ? "" : "; ") + b;
    }
    c.Integrity("pointer", detail);
  }
}

// Verifies attestation.intoto.jsonl with the key or keyless; on success the
// statement is replaced by the signed one (which must equal statement.intoto.json).
void CheckSignature(const fs::path& attestation, const std::string& statement_bytes,
                    const VerifyOptions& options, attest::Statement* st, Checker& c,
                    EvidenceReport* r) {
  if (!options.key.has_value() && options.trusted_root == nullptr) {
    c.Fail("signature", "attestation.intoto.jsonl is present but no trust material was given", 3,
           "signature", "pass --key <public key>, or verify keyless against a trusted root");
    return;
  }
  Result<std::string> bytes = ReadRegular(attestation);
  Result<attest::SigstoreBundle> bundle = bytes.ok()
                                              ? attest::ParseSigstoreBundle(*bytes)
                                              : Result<attest::SigstoreBundle>(bytes.status());
  if (!bundle.ok()) {
    c.Fail("signature", bundle.status().message(), kVerdictInvalid, "signature",
           "attestation.intoto.jsonl is not a readable Sigstore bundle");
    return;
  }
  attest::Artifact artifact;
  artifact.sha256_hex = st->subjects.front().sha256;
  const bool keyless = !options.key.has_value();
  const attest::VerifyOutcome out =
      keyless
          ? attest::VerifyKeyless(
                *bundle, *options.trusted_root, options.identity, artifact,
                options.now_unix != 0 ? options.now_unix : static_cast<int64_t>(std::time(nullptr)))
          : attest::VerifyWithKey(*bundle, *options.key, artifact);
  if (!out.verified) {
    c.Fail("signature", attest::DescribeFailure(out),
           kVerdictInvalid, "signature",
           keyless ? "the keyless signature does not verify against the trusted root and the "
                     "expected identity"
                   : "the signature does not verify with this key; check --key or re-sign");
    return;
  }
  Result<Value> signed_doc = out.envelope.has_value()
                                 ? serialize::ParseJson(out.envelope->payload)
                                 : Result<Value>(InvalidRequestError("no envelope"));
  Result<Value> file_doc = serialize::ParseJson(statement_bytes);
  if (!signed_doc.ok() || !file_doc.ok() || !(*signed_doc == *file_doc)) {
    c.Integrity("signature", "the signed statement differs from statement.intoto.json");
    return;
  }
  if (Result<attest::Statement> signed_st = attest::ParseStatement(out.envelope->payload);
      signed_st.ok()) {
    *st = std::move(signed_st).value();
  }
  r->signature_verified = true;
  r->signer = out.signer;
  if (keyless) {
    Result<attest::CertificateInfo> leaf =
        attest::ParseCertificate(bundle->material.certificate_chain_der.front());
    r->signer_issuer = leaf.ok() && leaf->oidc_issuer ? *leaf->oidc_issuer : std::string();
    c.Pass("signature", "verified keyless: " + r->signer + " (issuer " + r->signer_issuer + ")");
  } else {
    c.Pass("signature", "verified with key " + out.signer);
  }
}

}  // namespace

Result<EvidenceReport> VerifyEvidence(const std::string& input, const VerifyOptions& options,
                                      bool allow_unpinned_tag) {
  AICR_ASSIGN_OR_RETURN(const Located loc, Locate(input, options, allow_unpinned_tag));
  EvidenceReport r;
  r.bundle_dir = loc.bundle.string();
  Checker c(&r);
  if (!loc.fetch_error.ok()) {
    const std::string cls = FetchClass(loc.fetch_error);
    c.Fail("fetch", loc.fetch_error.message(), kVerdictNoVerdict, cls,
           cls == "transient" ? "the registry did not answer; retry later"
           : cls == "registry-forbidden"
               ? "log in to the registry (docker login) or check access to the repository"
               : "check the reference and the registry");
    return r;
  }

  Result<std::string> statement_bytes = ReadRegular(loc.bundle / kStatementFile);
  if (!statement_bytes.ok()) {
    c.Schema("statement", statement_bytes.status().message());
    return r;
  }
  Result<attest::Statement> statement = attest::ParseStatement(*statement_bytes);
  if (!statement.ok()) {
    c.Schema("statement", statement.status().message());
    return r;
  }
  attest::Statement st = std::move(statement).value();

  // Signature: the predicate comes from the verified payload when signed.
  std::error_code ec;
  if (fs::exists(fs::symlink_status(loc.bundle / kAttestationFile, ec))) {
    CheckSignature(loc.bundle / kAttestationFile, *statement_bytes, options, &st, c, &r);
  }

  // Statement and predicate schema.
  r.predicate_type = st.predicate_type;
  const Value& p = st.predicate;
  std::vector<std::string> schema;
  if (st.type != "https://in-toto.io/Statement/v1") {
    schema.push_back("_type \"" + st.type + "\" is not an in-toto Statement v1");
  }
  if (st.predicate_type != kPredicateTypeV1 && st.predicate_type != kPredicateTypeV2) {
    schema.push_back("unknown predicateType \"" + st.predicate_type + "\"");
  }
  if (st.subjects.size() != 1 || st.subjects.front().name.rfind(kSubjectPrefix, 0) != 0) {
    schema.push_back("expected exactly one subject named recipe:<name>");
  }
  const std::string* version = Str(p, "schemaVersion");
  if (version == nullptr || *version != kPredicateSchemaVersion) {
    schema.push_back("predicate.schemaVersion must be \"" + std::string(kPredicateSchemaVersion) +
                     "\"");
  }
  for (const char* field : {"attestedAt", "aicrVersion", "recipe.name", "recipe.digest",
                            "bom.digest", "manifest.digest"}) {
    if (Str(p, field) == nullptr) {
      schema.push_back(std::string("predicate.") + field + ": expected a string");
    }
  }
  for (const char* field : {"phases", "fingerprint", "criteriaMatch"}) {
    const Value* v = p.Find(field);
    if (v == nullptr || !v->is_mapping()) {
      schema.push_back(std::string("predicate.") + field + ": expected a mapping");
    }
  }
  const bool has_profile = p.Find("profile") != nullptr;
  if (has_profile != (st.predicate_type == kPredicateTypeV2)) {
    schema.push_back("a profile block requires predicateType v2 and v2 requires one");
  }
  if (!schema.empty()) {
    std::string detail;
    for (const std::string& s : schema) {
      detail += (detail.empty() ? "" : "; ") + s;
    }
    c.Schema("predicate schema", detail);
    return r;
  }
  c.Pass("predicate schema", st.predicate_type);
  r.recipe_name = *Str(p, "recipe.name");
  r.attested_at = *Str(p, "attestedAt");
  r.phases = *p.Find("phases");

  std::map<std::string, std::string> digests;
  CheckManifest(loc.bundle, p, c, &digests);
  CheckPhaseDigests(loc.bundle, p, digests, c);
  CheckRecipe(loc.bundle, st, p, c, &r);
  if (loc.pointer.has_value()) {
    CheckPointer(*loc.pointer, p, st.predicate_type, r, c);
  }

  if (r.exit == kVerdictValid) {
    std::int64_t failed = 0;
    for (const auto& [phase, summary] : *r.phases.if_mapping()) {
      const Value* f = summary.Find("failed");
      if (f != nullptr && f->is_int()) {
        failed += *f->if_int();
      }
    }
    if (failed > 0) {
      r.exit = kVerdictRecordedFailures;
      r.failure_class = "unknown";
      r.failure_hint = std::to_string(failed) + " check(s) failed in the recorded run";
    }
  }
  r.pending = !r.signature_verified && r.exit <= kVerdictRecordedFailures;
  return r;
}

Value ReportToValue(const EvidenceReport& r) {
  Value v = Value::EmptyMapping();
  v.Set("exit", r.exit);
  v.Set("pending", r.pending);
  v.Set("signatureVerified", r.signature_verified);
  if (!r.signer.empty()) {
    v.Set("signer", r.signer);
  }
  if (!r.signer_issuer.empty()) {
    v.Set("issuer", r.signer_issuer);
  }
  v.Set("bundle", r.bundle_dir);
  Value recipe = Value::EmptyMapping();
  recipe.Set("name", r.recipe_name);
  recipe.Set("digest", r.recipe_digest);
  v.Set("recipe", std::move(recipe));
  v.Set("predicateType", r.predicate_type);
  v.Set("attestedAt", r.attested_at);
  v.Set("phases", r.phases.is_null() ? Value::EmptyMapping() : r.phases);
  Value checks = Value::EmptySequence();
  for (const EvidenceCheck& ch : r.checks) {
    Value e = Value::EmptyMapping();
    e.Set("name", ch.name);
    e.Set("passed", ch.passed);
    if (!ch.detail.empty()) {
      e.Set("detail", ch.detail);
    }
    checks.Append(std::move(e));
  }
  v.Set("checks", std::move(checks));
  if (r.exit >= kVerdictInvalid) {
    Value cause = Value::EmptyMapping();
    cause.Set("class", r.failure_class);
    cause.Set("hint", r.failure_hint);
    v.Set("failureCause", std::move(cause));
  }
  return v;
}

std::string RenderReportMarkdown(const EvidenceReport& r) {
  std::string verdict;
  switch (r.exit) {
    case kVerdictValid:
      verdict = r.pending ? "VALID (pending signature: self-consistency only)" : "VALID";
      break;
    case kVerdictRecordedFailures:
      verdict = "VALID, RECORDED FAILURES";
      break;
    case kVerdictInvalid:
      verdict = "INVALID";
      break;
    default:
      verdict = "NO VERDICT";
  }
  std::string out = "# Recipe evidence: " + (r.recipe_name.empty() ? "-" : r.recipe_name) + "\n\n";
  out += "- verdict: **" + verdict + "**\n";
  out += "- bundle: `" + r.bundle_dir + "`\n";
  if (!r.predicate_type.empty()) {
    out += "- predicate type: `" + r.predicate_type + "`\n";
  }
  if (!r.recipe_digest.empty()) {
    out += "- recipe digest: `sha256:" + r.recipe_digest + "`\n";
  }
  if (!r.attested_at.empty()) {
    out += "- attested at: " + r.attested_at + "\n";
  }
  std::string signature = "none";
  if (r.signature_verified) {
    signature = r.signer_issuer.empty()
                    ? "verified (key " + r.signer + ")"
                    : "verified keyless (" + r.signer + ", issuer " + r.signer_issuer + ")";
  }
  out += "- signature: " + signature + "\n";
  if (r.exit != kVerdictValid) {
    out += "- failure: " + r.failure_class + ": " + r.failure_hint + "\n";
  }
  if (r.phases.is_mapping() && r.phases.size() > 0) {
    out += "\n| phase | passed | failed | skipped |\n|---|---|---|---|\n";
    for (const auto* e : r.phases.if_mapping()->SortedEntries()) {
      auto n = [&](const char* k) {
        const Value* v = e->second.Find(k);
        return v != nullptr && v->is_int() ? std::to_string(*v->if_int()) : std::string("-");
      };
      out += "| " + e->first + " | " + n("passed") + " | " + n("failed") + " | " + n("skipped") +
             " |\n";
    }
  }
  out += "\n| check | result | detail |\n|---|---|---|\n";
  for (const EvidenceCheck& ch : r.checks) {
    out += "| " + ch.name + " | " + (ch.passed ? "pass" : "FAIL") + " | " + ch.detail + " |\n";
  }
  return out;
}

}  // namespace aicr::evidence
