#include "evidence/builder.h"

#include <algorithm>
#include <set>

#include "base/clock.h"
#include "base/status_macros.h"
#include "checksum/sha256.h"
#include "evidence/canonical.h"
#include "evidence/manifest.h"
#include "evidence/redact.h"
#include "recipe/criteria.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_writer.h"

namespace aicr::evidence {
namespace {

using serialize::Value;

Value Diff(std::string_view match, const std::string& requires_value, const std::string& provides) {
  Value v = Value::EmptyMapping();
  v.Set("match", match);
  v.Set("recipeRequires", requires_value);
  if (!provides.empty()) {
    v.Set("fingerprintProvides", provides);
  }
  return v;
}

Value MatchString(const std::string& requires_value, const std::string& provides) {
  if (recipe::IsAny(requires_value)) {
    return Diff("matched", requires_value, provides);
  }
  if (recipe::IsAny(provides)) {
    return Diff("unknown", requires_value, provides);
  }
  return Diff(requires_value == provides ? "matched" : "mismatched", requires_value, provides);
}

Value MatchUncaptured(const std::string& requires_value) {
  return Diff(recipe::IsAny(requires_value) ? "matched" : "unknown", requires_value, "");
}

Value MatchNodes(std::int64_t requires_value, std::int64_t provides) {
  const std::string r = std::to_string(requires_value);
  const std::string p = std::to_string(provides);
  if (requires_value == 0) {
    return Diff("matched", r, p);
  }
  if (provides == 0) {
    return Diff("unknown", r, p);
  }
  return Diff(requires_value == provides ? "matched" : "mismatched", r, p);
}

// `repo[:tag][@digest]` -> (name, version).
std::pair<std::string, std::string> SplitImage(const std::string& image) {
  const std::size_t at = image.find('@');
  if (at != std::string::npos) {
    return {image.substr(0, at), image.substr(at + 1)};
  }
  const std::size_t slash = image.rfind('/');
  const std::size_t colon = image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    return {image.substr(0, colon), image.substr(colon + 1)};
  }
  return {image, ""};
}

Value Property(const std::string& name, const std::string& value) {
  Value p = Value::EmptyMapping();
  p.Set("name", name);
  p.Set("value", value);
  return p;
}

// A UUID-shaped serial number (version nibble 5, RFC 4122 variant) from `hex`.
std::string SerialFrom(const std::string& hex) {
  std::string h = hex.substr(0, 32);
  h[12] = '5';
  const char variants[] = "89ab";
  h[16] = variants[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20, 12);
}

Value PhaseSummaryValue(const validator::ctrf::Report& report, const std::string& digest) {
  Value v = Value::EmptyMapping();
  v.Set("passed", report.summary.passed);
  v.Set("failed", report.summary.failed);
  v.Set("skipped", report.summary.skipped);
  v.Set("ctrfDigest", digest);
  return v;
}

std::string DimValue(const measurement::Dimension& d) { return d.value; }

}  // namespace

std::vector<ValidatorImage> ImagesOf(const std::vector<validator::PhasePlan>& plan) {
  std::set<std::string> images;
  for (const validator::PhasePlan& p : plan) {
    for (const validator::ValidatorEntry& e : p.entries) {
      if (!e.image.empty()) {
        images.insert(e.image);
      }
    }
  }
  std::vector<ValidatorImage> out;
  for (const std::string& image : images) {
    const std::size_t at = image.find("@sha256:");
    out.push_back(ValidatorImage{image, at == std::string::npos ? "" : image.substr(at + 1)});
  }
  return out;
}

Value MatchCriteria(const measurement::Fingerprint& fp, const recipe::Criteria& c) {
  Value per = Value::EmptyMapping();
  per.Set("service", MatchString(c.service, fp.service.value));
  per.Set("accelerator", MatchString(c.accelerator, fp.accelerator.value));
  per.Set("os", MatchString(c.os, fp.os.value));
  per.Set("intent", MatchUncaptured(c.intent));
  per.Set("platform", MatchUncaptured(c.platform));
  per.Set("nodes", MatchNodes(c.nodes, fp.node_count.value));
  bool matched = true;
  for (const auto& [dim, diff] : *per.if_mapping()) {
    if (*diff.Find("match")->if_string() == "mismatched") {
      matched = false;
    }
  }
  Value v = Value::EmptyMapping();
  v.Set("matched", matched);
  v.Set("perDimension", std::move(per));
  return v;
}

Result<std::pair<std::string, int>> BuildBom(const std::string& recipe_name,
                                             const recipe::RecipeResult& recipe,
                                             const std::vector<ValidatorImage>& images,
                                             const std::string& aicr_version) {
  std::map<std::string, Value> components;  // by bom-ref
  int image_count = 0;
  for (const ValidatorImage& image : images) {
    const auto [name, version] = SplitImage(image.image);
    Value c = Value::EmptyMapping();
    c.Set("type", "container");
    c.Set("bom-ref", "validator:" + image.image);
    c.Set("name", name);
    if (!version.empty()) {
      c.Set("version", version);
    }
    components["validator:" + image.image] = std::move(c);
  }
  image_count = static_cast<int>(components.size());
  for (const recipe::ComponentRef& ref : recipe.component_refs) {
    if (!ref.IsEnabled()) {
      continue;
    }
    Value c = Value::EmptyMapping();
    c.Set("type", "application");
    c.Set("bom-ref", "component:" + ref.name);
    c.Set("name", ref.name);
    const std::string version = !ref.version.empty() ? ref.version : ref.tag;
    if (!version.empty()) {
      c.Set("version", version);
    }
    Value props = Value::EmptySequence();
    if (!ref.chart.empty()) {
      props.Append(Property("aicr:chart", ref.chart));
    }
    if (!ref.namespace_.empty()) {
      props.Append(Property("aicr:namespace", ref.namespace_));
    }
    if (!ref.source.empty()) {
      props.Append(Property("aicr:source", ref.source));
    }
    if (props.size() > 0) {
      c.Set("properties", std::move(props));
    }
    components["component:" + ref.name] = std::move(c);
  }
  Value list = Value::EmptySequence();
  for (auto& [ref, c] : components) {
    list.Append(std::move(c));
  }
  Value tool = Value::EmptyMapping();
  tool.Set("type", "application");
  tool.Set("name", "aicr");
  tool.Set("version", aicr_version);
  Value tools = Value::EmptyMapping();
  tools.Set("components", Value(serialize::Sequence{tool}));
  Value subject = Value::EmptyMapping();
  subject.Set("type", "application");
  subject.Set("bom-ref", std::string(kSubjectPrefix) + recipe_name);
  subject.Set("name", std::string(kSubjectPrefix) + recipe_name);
  Value metadata = Value::EmptyMapping();
  metadata.Set("component", std::move(subject));
  metadata.Set("tools", std::move(tools));
  Value bom = Value::EmptyMapping();
  bom.Set("bomFormat", "CycloneDX");
  bom.Set("specVersion", kCycloneDxVersion);
  bom.Set("version", 1);
  bom.Set("metadata", std::move(metadata));
  bom.Set("components", std::move(list));
  AICR_ASSIGN_OR_RETURN(const std::string unserialized, serialize::WriteJson(bom));
  bom.Set("serialNumber", SerialFrom(checksum::Sha256Hex(unserialized)));
  AICR_ASSIGN_OR_RETURN(std::string json, serialize::WriteJson(bom));
  return std::make_pair(std::move(json), image_count);
}

Result<EvidenceBundle> BuildEvidence(const EvidenceInputs& in) {
  EvidenceBundle b;
  AICR_ASSIGN_OR_RETURN(const std::string canonical, CanonicalRecipeYaml(in.recipe_yaml));
  b.recipe_name = RecipeName(in.recipe);
  b.subject_digest = checksum::Sha256Hex(canonical);
  b.files[std::string(kRecipeFile)] = canonical;

  const measurement::Snapshot shipped = in.full ? in.snapshot : RedactSnapshot(in.snapshot);
  b.files[std::string(kSnapshotFile)] = serialize::WriteYaml(measurement::EncodeSnapshot(shipped));

  AICR_ASSIGN_OR_RETURN(auto bom,
                        BuildBom(b.recipe_name, in.recipe, in.validator_images, in.aicr_version));
  b.files[std::string(kBomFile)] = bom.first;

  Value phases = Value::EmptyMapping();
  for (validator::Phase phase : validator::kPhases) {
    for (const auto& [p, report] : in.phase_reports) {
      if (p != phase) {
        continue;
      }
      const std::string json =
          validator::ctrf::WriteReportJson(in.full ? report : RedactReport(report));
      const std::string path = "ctrf/" + std::string(validator::PhaseName(phase)) + ".json";
      b.files[path] = json;
      phases.Set(std::string(validator::PhaseName(phase)),
                 PhaseSummaryValue(report, Sha256Ref(json)));
    }
  }

  const Manifest manifest = BuildManifest(b.files);
  AICR_ASSIGN_OR_RETURN(const std::string manifest_json, WriteManifestJson(manifest));
  b.files[std::string(kManifestFile)] = manifest_json;

  const measurement::Fingerprint fp = measurement::FromMeasurements(in.snapshot.measurements);
  const recipe::Criteria criteria = in.recipe.criteria.value_or(recipe::Criteria{});

  Value p = Value::EmptyMapping();
  p.Set("schemaVersion", kPredicateSchemaVersion);
  p.Set("attestedAt", FormatRfc3339(in.attested_at));
  p.Set("aicrVersion", in.aicr_version);
  p.Set("validatorCatalogVersion", in.catalog_version);
  Value images = Value::EmptySequence();
  for (const ValidatorImage& image : in.validator_images) {
    Value i = Value::EmptyMapping();
    i.Set("image", image.image);
    i.Set("digest", image.digest);
    images.Append(std::move(i));
  }
  p.Set("validatorImages", std::move(images));
  Value recipe_ref = Value::EmptyMapping();
  recipe_ref.Set("name", b.recipe_name);
  recipe_ref.Set("digest", b.subject_digest);
  p.Set("recipe", std::move(recipe_ref));
  p.Set("fingerprint", measurement::EncodeFingerprint(fp));
  const Value match = MatchCriteria(fp, criteria);
  p.Set("criteriaMatch", match);
  p.Set("phases", phases);
  Value bom_ref = Value::EmptyMapping();
  bom_ref.Set("format", "CycloneDX");
  bom_ref.Set("version", kCycloneDxVersion);
  bom_ref.Set("digest", Sha256Ref(bom.first));
  bom_ref.Set("imageCount", bom.second);
  p.Set("bom", std::move(bom_ref));
  Value manifest_ref = Value::EmptyMapping();
  manifest_ref.Set("digest", Sha256Ref(manifest_json));
  manifest_ref.Set("fileCount", static_cast<std::int64_t>(manifest.files.size()));
  p.Set("manifest", std::move(manifest_ref));
  if (!in.full) {
    p.Set("redaction", ToValue(MinimalRedaction()));
  }
  b.predicate_type = std::string(kPredicateTypeV1);
  std::string profile_selection;
  if (in.recipe.metadata.selected_profile.has_value()) {
    const recipe::SelectedProfile& sp = *in.recipe.metadata.selected_profile;
    profile_selection = sp.name + "=" + sp.value;
    Value profile = Value::EmptyMapping();
    profile.Set("selection", profile_selection);
    if (!sp.advertiser.empty()) {
      profile.Set("advertiser", sp.advertiser);
    }
    p.Set("profile", std::move(profile));
    b.predicate_type = std::string(kPredicateTypeV2);
  }
  b.predicate = p;

  Value digest = Value::EmptyMapping();
  digest.Set("sha256", b.subject_digest);
  Value subject = Value::EmptyMapping();
  subject.Set("name", std::string(kSubjectPrefix) + b.recipe_name);
  subject.Set("digest", std::move(digest));
  Value statement = Value::EmptyMapping();
  statement.Set("_type", "https://in-toto.io/Statement/v1");
  statement.Set("subject", Value(serialize::Sequence{std::move(subject)}));
  statement.Set("predicateType", b.predicate_type);
  statement.Set("predicate", std::move(p));
  AICR_ASSIGN_OR_RETURN(b.files[std::string(kStatementFile)], serialize::WriteJson(statement));

  // pointer.yaml: a locator; the predicate stays authoritative.
  Value bundle = Value::EmptyMapping();
  bundle.Set("oci", "");
  bundle.Set("digest", "");
  bundle.Set("predicateType", b.predicate_type);
  Value fp_summary = Value::EmptyMapping();
  fp_summary.Set("service", DimValue(fp.service));
  fp_summary.Set("accelerator", DimValue(fp.accelerator));
  fp_summary.Set("os", fp.os.value);
  fp_summary.Set("k8sVersion", DimValue(fp.k8s_version));
  fp_summary.Set("region", DimValue(fp.region));
  Value cm = Value::EmptyMapping();
  cm.Set("matched", *match.Find("matched"));
  Value phase_summary = Value::EmptyMapping();
  for (const auto& [name, summary] : *phases.if_mapping()) {
    Value s = Value::EmptyMapping();
    s.Set("passed", *summary.Find("passed"));
    s.Set("failed", *summary.Find("failed"));
    phase_summary.Set(name, std::move(s));
  }
  Value attestation = Value::EmptyMapping();
  attestation.Set("bundle", std::move(bundle));
  attestation.Set("attestedAt", FormatRfc3339(in.attested_at));
  attestation.Set("fingerprint", std::move(fp_summary));
  attestation.Set("criteriaMatch", std::move(cm));
  attestation.Set("phaseSummary", std::move(phase_summary));
  Value pointer = Value::EmptyMapping();
  pointer.Set("schemaVersion", kPointerSchemaVersion);
  pointer.Set("recipe", b.recipe_name);
  if (!profile_selection.empty()) {
    pointer.Set("profile", profile_selection);
  }
  pointer.Set("attestations", Value(serialize::Sequence{std::move(attestation)}));
  b.pointer_yaml = serialize::WriteYaml(pointer);
  return b;
}

}  // namespace aicr::evidence
