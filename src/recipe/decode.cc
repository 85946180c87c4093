#include "recipe/decode.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "catalog/path.h"
#include "measurement/path.h"
#include "serialize/scalar.h"
#include "serialize/yaml_reader.h"

namespace aicr::recipe {
namespace {

using serialize::Mapping;
using serialize::Value;
using serialize::ValueType;

std::string Join(std::string_view where, std::string_view key) {
  if (where.empty()) {
    return std::string(key);
  }
  std::string out(where);
  out += ".";
  out.append(key);
  return out;
}

std::string Index(std::string_view where, std::size_t i) {
  return std::string(where) + "[" + std::to_string(i) + "]";
}

Status FieldError(std::string_view where, std::string_view problem) {
  if (where.empty()) {
    return InvalidRequestError(std::string(problem));
  }
  std::string msg(where);
  msg += ": ";
  msg.append(problem);
  return InvalidRequestError(std::move(msg));
}

Status TypeError(std::string_view where, std::string_view want, const Value& got) {
  std::string problem = "expected ";
  problem.append(want);
  problem += ", got ";
  problem.append(serialize::ValueTypeName(got.type()));
  return FieldError(where, problem);
}

// The mapping at `v`, or nullptr for null; an error for other types.
Result<const Mapping*> AsMapping(const Value& v, std::string_view where) {
  if (v.is_null()) {
    return static_cast<const Mapping*>(nullptr);
  }
  if (const Mapping* m = v.if_mapping()) {
    return m;
  }
  return TypeError(where, "mapping", v);
}

Status CheckKnown(const Mapping* m, std::string_view where, bool strict,
                  std::initializer_list<std::string_view> known) {
  if (!strict || m == nullptr) {
    return OkStatus();
  }
  for (const auto& [key, value] : *m) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return FieldError(where, "unknown field \"" + key + "\"");
    }
  }
  return OkStatus();
}

const Value& Get(const Mapping* m, std::string_view key) {
  static const Value kNull;
  if (m == nullptr) {
    return kNull;
  }
  const Value* v = m->Find(key);
  return v == nullptr ? kNull : *v;
}

// go-yaml: a scalar decodes into a string field as its text; null as "".
Result<std::string> ScalarText(const Value& v, std::string_view where) {
  switch (v.type()) {
    case ValueType::kNull:
      return std::string();
    case ValueType::kString:
      return *v.if_string();
    case ValueType::kBool:
      return std::string(*v.if_bool() ? "true" : "false");
    case ValueType::kInt:
      return std::to_string(*v.if_int());
    case ValueType::kFloat:
      return serialize::FormatYamlFloat(*v.if_float());
    default:
      return TypeError(where, "string", v);
  }
}

Status ReadString(const Mapping* m, std::string_view key, std::string_view where,
                  std::string& out) {
  const Value& v = Get(m, key);
  // Fast paths: the location string is only built when there is an error to report.
  if (const std::string* s = v.if_string()) {
    out = *s;
    return OkStatus();
  }
  if (v.is_null()) {
    out.clear();
    return OkStatus();
  }
  AICR_ASSIGN_OR_RETURN(out, ScalarText(v, Join(where, key)));
  return OkStatus();
}

Status ReadInt(const Mapping* m, std::string_view key, std::string_view where, int& out) {
  const Value& v = Get(m, key);
  if (v.is_null()) {
    out = 0;
    return OkStatus();
  }
  const std::int64_t* i = v.if_int();
  if (i == nullptr) {
    return TypeError(Join(where, key), "int", v);
  }
  if (*i > INT32_MAX || *i < INT32_MIN) {
    return FieldError(Join(where, key), "value " + std::to_string(*i) + " out of range");
  }
  out = static_cast<int>(*i);
  return OkStatus();
}

Status ReadBool(const Mapping* m, std::string_view key, std::string_view where, bool& out) {
  const Value& v = Get(m, key);
  if (v.is_null()) {
    out = false;
    return OkStatus();
  }
  const bool* b = v.if_bool();
  if (b == nullptr) {
    return TypeError(Join(where, key), "bool", v);
  }
  out = *b;
  return OkStatus();
}

// A list of scalars; nullopt when absent or null.
Result<std::optional<std::vector<std::string>>> StringList(const Value& v, std::string_view where) {
  if (v.is_null()) {
    return std::optional<std::vector<std::string>>();
  }
  const serialize::Sequence* seq = v.if_sequence();
  if (seq == nullptr) {
    return TypeError(where, "sequence", v);
  }
  std::vector<std::string> out;
  out.reserve(seq->size());
  for (std::size_t i = 0; i < seq->size(); ++i) {
    AICR_ASSIGN_OR_RETURN(std::string s, ScalarText((*seq)[i], Index(where, i)));
    out.push_back(std::move(s));
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Status ReadStrings(const Mapping* m, std::string_view key, std::string_view where,
                   std::vector<std::string>& out) {
  AICR_ASSIGN_OR_RETURN(auto list, StringList(Get(m, key), Join(where, key)));
  out = list.has_value() ? std::move(*list) : std::vector<std::string>();
  return OkStatus();
}

Result<const serialize::Sequence*> AsSequence(const Value& v, std::string_view where) {
  if (v.is_null()) {
    return static_cast<const serialize::Sequence*>(nullptr);
  }
  if (const serialize::Sequence* s = v.if_sequence()) {
    return s;
  }
  return TypeError(where, "sequence", v);
}

// overrides: a mapping (kept as is, nulls included) or null.
Result<Value> Overrides(const Value& v, std::string_view where) {
  if (v.is_null() || v.is_mapping()) {
    return v;
  }
  return TypeError(where, "mapping", v);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Result<ExpectedResource> DecodeExpectedResource(const Value& v, std::string_view where,
                                                bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(CheckKnown(m, where, strict, {"kind", "name", "namespace"}));
  ExpectedResource r;
  AICR_RETURN_IF_ERROR(ReadString(m, "kind", where, r.kind));
  AICR_RETURN_IF_ERROR(ReadString(m, "name", where, r.name));
  AICR_RETURN_IF_ERROR(ReadString(m, "namespace", where, r.namespace_));
  return r;
}

Result<NodeSelection> DecodeNodeSelection(const Value& v, std::string_view where, bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(CheckKnown(m, where, strict, {"selector", "maxNodes", "excludeNodes"}));
  NodeSelection ns;
  const std::string selector_where = Join(where, "selector");
  AICR_ASSIGN_OR_RETURN(const Mapping* sel, AsMapping(Get(m, "selector"), selector_where));
  if (sel != nullptr) {
    for (const auto& [key, value] : *sel) {
      AICR_ASSIGN_OR_RETURN(std::string s, ScalarText(value, Join(selector_where, key)));
      ns.selector[key] = std::move(s);
    }
  }
  AICR_RETURN_IF_ERROR(ReadInt(m, "maxNodes", where, ns.max_nodes));
  AICR_RETURN_IF_ERROR(ReadStrings(m, "excludeNodes", where, ns.exclude_nodes));
  return ns;
}

Result<ValidationPhase> DecodeValidationPhase(const Value& v, std::string_view where, bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(CheckKnown(
      m, where, strict, {"timeout", "constraints", "checks", "nodeSelection", "infrastructure"}));
  ValidationPhase p;
  AICR_RETURN_IF_ERROR(ReadString(m, "timeout", where, p.timeout));
  const Value& constraints = Get(m, "constraints");
  if (!constraints.is_null()) {
    AICR_ASSIGN_OR_RETURN(p.constraints,
                          DecodeConstraints(constraints, Join(where, "constraints"), strict));
  }
  AICR_ASSIGN_OR_RETURN(p.checks, StringList(Get(m, "checks"), Join(where, "checks")));
  const Value* ns = m == nullptr ? nullptr : m->Find("nodeSelection");
  if (ns != nullptr && !ns->is_null()) {
    AICR_ASSIGN_OR_RETURN(p.node_selection,
                          DecodeNodeSelection(*ns, Join(where, "nodeSelection"), strict));
  }
  AICR_RETURN_IF_ERROR(ReadString(m, "infrastructure", where, p.infrastructure));
  return p;
}

Result<ProfileValue> DecodeProfileValue(const Value& v, std::string_view where, bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(CheckKnown(
      m, where, strict, {"advertiser", "constraints", "readinessConstraints", "componentRefs"}));
  ProfileValue pv;
  AICR_RETURN_IF_ERROR(ReadString(m, "advertiser", where, pv.advertiser));
  AICR_ASSIGN_OR_RETURN(
      pv.constraints, DecodeConstraints(Get(m, "constraints"), Join(where, "constraints"), strict));
  AICR_ASSIGN_OR_RETURN(pv.readiness_constraints,
                        DecodeConstraints(Get(m, "readinessConstraints"),
                                          Join(where, "readinessConstraints"), strict));
  const std::string refs_where = Join(where, "componentRefs");
  AICR_ASSIGN_OR_RETURN(const serialize::Sequence* refs,
                        AsSequence(Get(m, "componentRefs"), refs_where));
  if (refs != nullptr) {
    for (std::size_t i = 0; i < refs->size(); ++i) {
      const std::string at = Index(refs_where, i);
      AICR_ASSIGN_OR_RETURN(const Mapping* rm, AsMapping((*refs)[i], at));
      AICR_RETURN_IF_ERROR(CheckKnown(rm, at, strict, {"name", "overrides"}));
      ProfileComponentFragment frag;
      AICR_RETURN_IF_ERROR(ReadString(rm, "name", at, frag.name));
      AICR_ASSIGN_OR_RETURN(frag.overrides, Overrides(Get(rm, "overrides"), Join(at, "overrides")));
      pv.component_refs.push_back(std::move(frag));
    }
  }
  return pv;
}

Result<RecipeMetadataSpec> DecodeSpec(const Value& v, std::string_view where, bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(CheckKnown(
      m, where, strict,
      {"base", "criteria", "mixins", "constraints", "componentRefs", "validation", "profile"}));
  RecipeMetadataSpec spec;
  AICR_RETURN_IF_ERROR(ReadString(m, "base", where, spec.base));
  const Value& criteria = Get(m, "criteria");
  if (!criteria.is_null()) {
    AICR_ASSIGN_OR_RETURN(spec.criteria, DecodeCriteria(criteria, Join(where, "criteria"), strict));
  }
  AICR_RETURN_IF_ERROR(ReadStrings(m, "mixins", where, spec.mixins));
  AICR_ASSIGN_OR_RETURN(spec.constraints, DecodeConstraints(Get(m, "constraints"),
                                                            Join(where, "constraints"), strict));
  AICR_ASSIGN_OR_RETURN(
      spec.component_refs,
      DecodeComponentRefs(Get(m, "componentRefs"), Join(where, "componentRefs"), strict));
  const Value& validation = Get(m, "validation");
  if (!validation.is_null()) {
    AICR_ASSIGN_OR_RETURN(spec.validation,
                          DecodeValidationConfig(validation, Join(where, "validation"), strict));
  }
  const Value& profile = Get(m, "profile");
  if (!profile.is_null()) {
    AICR_ASSIGN_OR_RETURN(spec.profile,
                          DecodeProfileDeclaration(profile, Join(where, "profile"), strict));
  }
  return spec;
}

// Flattens profile overrides to sorted dotted leaf paths.
Status FlattenOverrides(const Mapping& m, const std::string& prefix,
                        std::vector<std::string>& out) {
  for (const auto& [key, value] : m) {
    if (key.empty() || key.find('.') != std::string::npos) {
      return InvalidRequestError("override key \"" + key +
                                 "\" must be nonempty and may not contain a literal dot");
    }
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (const Mapping* nested = value.if_mapping()) {
      if (nested->empty()) {
        return InvalidRequestError("override \"" + path + "\" assigns an empty map");
      }
      AICR_RETURN_IF_ERROR(FlattenOverrides(*nested, path, out));
      continue;
    }
    out.push_back(path);
  }
  return OkStatus();
}

bool ValidIdentifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
}

std::string GoList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) {
      out += " ";
    }
    out += v[i];
  }
  return out + "]";
}

}  // namespace

bool IsAuthoringApiVersion(std::string_view v) { return v == kApiV1Alpha2 || v == kApiV1Beta1; }
bool IsProfileApiVersion(std::string_view v) { return v == kApiV1Alpha3 || v == kApiV1Beta2; }

std::string CanonicalComponentType(std::string_view type) {
  if (EqualsIgnoreCase(type, "Helm")) {
    return "Helm";
  }
  if (EqualsIgnoreCase(type, "Kustomize")) {
    return "Kustomize";
  }
  return std::string(type);
}

Result<DocumentHeader> DecodeHeader(const Value& doc) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(doc, ""));
  DocumentHeader h;
  AICR_RETURN_IF_ERROR(ReadString(m, "kind", "", h.kind));
  AICR_RETURN_IF_ERROR(ReadString(m, "apiVersion", "", h.api_version));
  AICR_ASSIGN_OR_RETURN(const Mapping* meta, AsMapping(Get(m, "metadata"), "metadata"));
  AICR_RETURN_IF_ERROR(ReadString(meta, "name", "metadata", h.name));
  return h;
}

Result<Criteria> DecodeCriteria(const Value& v, std::string_view where, bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(CheckKnown(m, where, strict,
                                  {"service", "accelerator", "intent", "os", "platform", "nodes"}));
  Criteria c;
  for (Dimension d : kDimensions) {
    // Absent fields stay "" (Go's zero value); "" and "any" mean the same everywhere.
    AICR_RETURN_IF_ERROR(ReadString(m, DimensionName(d), where, c.Get(d)));
  }
  AICR_RETURN_IF_ERROR(ReadInt(m, "nodes", where, c.nodes));
  return c;
}

Result<Constraint> DecodeConstraint(const Value& v, std::string_view where, bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(
      CheckKnown(m, where, strict, {"name", "value", "severity", "remediation", "unit"}));
  Constraint c;
  AICR_RETURN_IF_ERROR(ReadString(m, "name", where, c.name));
  AICR_RETURN_IF_ERROR(ReadString(m, "value", where, c.value));
  AICR_RETURN_IF_ERROR(ReadString(m, "severity", where, c.severity));
  AICR_RETURN_IF_ERROR(ReadString(m, "remediation", where, c.remediation));
  AICR_RETURN_IF_ERROR(ReadString(m, "unit", where, c.unit));
  return c;
}

Result<std::vector<Constraint>> DecodeConstraints(const Value& v, std::string_view where,
                                                  bool strict) {
  AICR_ASSIGN_OR_RETURN(const serialize::Sequence* seq, AsSequence(v, where));
  std::vector<Constraint> out;
  if (seq != nullptr) {
    out.reserve(seq->size());
    for (std::size_t i = 0; i < seq->size(); ++i) {
      AICR_ASSIGN_OR_RETURN(Constraint c, DecodeConstraint((*seq)[i], Index(where, i), strict));
      out.push_back(std::move(c));
    }
  }
  return out;
}

// Files a ref names are read from the data tree and written into bundles: they must
// stay inside it (relative, no `..`, no empty or `.` components).
static Status CheckDataPaths(const ComponentRef& r, std::string_view where) {
  auto check = [&](std::string_view key, const std::string& path) -> Status {
    if (path.empty() || catalog::IsLocalPath(path)) {
      return OkStatus();
    }
    return InvalidRequestError(Join(where, key) + ": " + Quote(path) +
                               " must be a relative path inside the data directory");
  };
  AICR_RETURN_IF_ERROR(check("valuesFile", r.values_file));
  for (const std::string& f : r.manifest_files) {
    AICR_RETURN_IF_ERROR(check("manifestFiles", f));
  }
  for (const std::string& f : r.pre_manifest_files) {
    AICR_RETURN_IF_ERROR(check("preManifestFiles", f));
  }
  return OkStatus();
}

Result<ComponentRef> DecodeComponentRef(const Value& v, std::string_view where, bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(CheckKnown(
      m, where, strict,
      {"name", "namespace", "chart", "type", "source", "version", "tag", "valuesFile", "overrides",
       "patches", "dependencyRefs", "manifestFiles", "preManifestFiles", "path", "cleanup",
       "expectedResources", "healthCheckAsserts", "healthCheckSkip"}));
  ComponentRef r;
  AICR_RETURN_IF_ERROR(ReadString(m, "name", where, r.name));
  AICR_RETURN_IF_ERROR(ReadString(m, "namespace", where, r.namespace_));
  AICR_RETURN_IF_ERROR(ReadString(m, "chart", where, r.chart));
  AICR_RETURN_IF_ERROR(ReadString(m, "type", where, r.type));
  r.type = CanonicalComponentType(r.type);
  AICR_RETURN_IF_ERROR(ReadString(m, "source", where, r.source));
  AICR_RETURN_IF_ERROR(ReadString(m, "version", where, r.version));
  AICR_RETURN_IF_ERROR(ReadString(m, "tag", where, r.tag));
  AICR_RETURN_IF_ERROR(ReadString(m, "valuesFile", where, r.values_file));
  AICR_ASSIGN_OR_RETURN(r.overrides, Overrides(Get(m, "overrides"), Join(where, "overrides")));
  AICR_RETURN_IF_ERROR(ReadStrings(m, "patches", where, r.patches));
  AICR_RETURN_IF_ERROR(ReadStrings(m, "dependencyRefs", where, r.dependency_refs));
  AICR_RETURN_IF_ERROR(ReadStrings(m, "manifestFiles", where, r.manifest_files));
  AICR_RETURN_IF_ERROR(ReadStrings(m, "preManifestFiles", where, r.pre_manifest_files));
  AICR_RETURN_IF_ERROR(ReadString(m, "path", where, r.path));
  AICR_RETURN_IF_ERROR(ReadBool(m, "cleanup", where, r.cleanup));
  const std::string er_where = Join(where, "expectedResources");
  AICR_ASSIGN_OR_RETURN(const serialize::Sequence* ers,
                        AsSequence(Get(m, "expectedResources"), er_where));
  if (ers != nullptr) {
    for (std::size_t i = 0; i < ers->size(); ++i) {
      AICR_ASSIGN_OR_RETURN(ExpectedResource er,
                            DecodeExpectedResource((*ers)[i], Index(er_where, i), strict));
      r.expected_resources.push_back(std::move(er));
    }
  }
  AICR_RETURN_IF_ERROR(ReadString(m, "healthCheckAsserts", where, r.health_check_asserts));
  AICR_RETURN_IF_ERROR(ReadBool(m, "healthCheckSkip", where, r.health_check_skip));
  AICR_RETURN_IF_ERROR(CheckDataPaths(r, where));
  return r;
}

Result<std::vector<ComponentRef>> DecodeComponentRefs(const Value& v, std::string_view where,
                                                      bool strict) {
  AICR_ASSIGN_OR_RETURN(const serialize::Sequence* seq, AsSequence(v, where));
  std::vector<ComponentRef> out;
  if (seq != nullptr) {
    out.reserve(seq->size());
    for (std::size_t i = 0; i < seq->size(); ++i) {
      AICR_ASSIGN_OR_RETURN(ComponentRef r, DecodeComponentRef((*seq)[i], Index(where, i), strict));
      out.push_back(std::move(r));
    }
  }
  return out;
}

Result<ValidationConfig> DecodeValidationConfig(const Value& v, std::string_view where,
                                                bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(
      CheckKnown(m, where, strict, {"readiness", "deployment", "performance", "conformance"}));
  ValidationConfig cfg;
  const std::pair<const char*, std::optional<ValidationPhase>*> phases[] = {
      {"readiness", &cfg.readiness},
      {"deployment", &cfg.deployment},
      {"performance", &cfg.performance},
      {"conformance", &cfg.conformance}};
  for (const auto& [name, slot] : phases) {
    const Value& phase = Get(m, name);
    if (phase.is_null()) {
      continue;  // a null phase is a nil pointer: absent
    }
    AICR_ASSIGN_OR_RETURN(*slot, DecodeValidationPhase(phase, Join(where, name), strict));
  }
  return cfg;
}

Result<ProfileDeclaration> DecodeProfileDeclaration(const Value& v, std::string_view where,
                                                    bool strict) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, AsMapping(v, where));
  AICR_RETURN_IF_ERROR(CheckKnown(m, where, strict, {"name", "description", "default", "values"}));
  ProfileDeclaration decl;
  AICR_RETURN_IF_ERROR(ReadString(m, "name", where, decl.name));
  AICR_RETURN_IF_ERROR(ReadString(m, "description", where, decl.description));
  AICR_RETURN_IF_ERROR(ReadString(m, "default", where, decl.default_value));
  const std::string values_where = Join(where, "values");
  AICR_ASSIGN_OR_RETURN(const Mapping* values, AsMapping(Get(m, "values"), values_where));
  if (values != nullptr) {
    for (const auto& [name, value] : *values) {
      AICR_ASSIGN_OR_RETURN(ProfileValue pv,
                            DecodeProfileValue(value, Join(values_where, name), strict));
      decl.values.emplace_back(name, std::move(pv));
    }
  }
  return decl;
}

Result<std::map<std::string, std::vector<std::string>>> ValidateProfileDeclaration(
    const ProfileDeclaration& decl) {
  if (!ValidIdentifier(decl.name)) {
    return InvalidRequestError("profile name must match [A-Za-z0-9._-]+");
  }
  if (!ValidIdentifier(decl.default_value)) {
    return InvalidRequestError("profile default must match [A-Za-z0-9._-]+");
  }
  const std::string p = Quote(decl.name);
  if (decl.values.empty()) {
    return InvalidRequestError("profile " + p + " must declare at least one value");
  }
  const auto declared = [&](std::string_view n) {
    return std::any_of(decl.values.begin(), decl.values.end(),
                       [&](const auto& e) { return e.first == n; });
  };
  if (!declared(decl.default_value)) {
    return InvalidRequestError("profile " + p + " default " + Quote(decl.default_value) +
                               " is not a declared value");
  }
  // Value names, sorted; names differing only by case collide.
  std::vector<const std::pair<std::string, ProfileValue>*> sorted;
  for (const auto& e : decl.values) {
    sorted.push_back(&e);
  }
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::map<std::string, std::string> lowered;
  for (const auto* e : sorted) {
    const auto [it, inserted] = lowered.emplace(ToLower(e->first), e->first);
    if (!inserted) {
      return InvalidRequestError("profile " + p + " values " + Quote(it->second) + " and " +
                                 Quote(e->first) +
                                 " differ only by case; value names must be "
                                 "case-insensitively unique");
    }
  }

  std::map<std::string, std::set<std::string>> owned;
  std::vector<std::string> expected;
  bool first = true;
  for (const auto* e : sorted) {
    const std::string& value_name = e->first;
    const ProfileValue& value = e->second;
    const std::string pv = p + " value " + Quote(value_name);
    if (!ValidIdentifier(value_name)) {
      return InvalidRequestError("profile value " + Quote(value_name) +
                                 " must match [A-Za-z0-9._-]+");
    }
    if (!value.advertiser.empty() && value.advertiser != "external") {
      return InvalidRequestError("profile " + pv + " has unsupported advertiser " +
                                 Quote(value.advertiser) + "; expected \"\" or \"external\"");
    }
    const auto check_constraints = [&](const std::vector<Constraint>& cs,
                                       std::string_view kind) -> Status {
      std::set<std::string> seen;
      for (const Constraint& c : cs) {
        if (c.name.empty()) {
          return InvalidRequestError("profile " + pv + " declares a " + std::string(kind) +
                                     " with no name");
        }
        if (c.value.empty()) {
          return InvalidRequestError("profile " + pv + " " + std::string(kind) + " " +
                                     Quote(c.name) + " has no value");
        }
        if (!seen.insert(c.name).second) {
          return InvalidRequestError("profile " + pv + " repeats " + std::string(kind) + " " +
                                     Quote(c.name));
        }
      }
      return OkStatus();
    };
    AICR_RETURN_IF_ERROR(check_constraints(value.constraints, "constraint"));
    AICR_RETURN_IF_ERROR(check_constraints(value.readiness_constraints, "readiness constraint"));

    std::set<std::string> seen_components;
    std::vector<std::string> value_paths;
    for (const ProfileComponentFragment& frag : value.component_refs) {
      if (frag.name.empty()) {
        return InvalidRequestError("profile " + pv + " has a componentRef with an empty name");
      }
      if (!seen_components.insert(frag.name).second) {
        return InvalidRequestError("profile " + pv + " repeats componentRef " + Quote(frag.name));
      }
      if (frag.overrides.Find("enabled") != nullptr) {
        return InvalidRequestError("profile " + pv + " component " + Quote(frag.name) +
                                   " may not assign overrides.enabled");
      }
      std::vector<std::string> paths;
      if (const Mapping* m = frag.overrides.if_mapping()) {
        Status s = FlattenOverrides(*m, "", paths);
        if (!s.ok()) {
          return InvalidRequestError("profile " + pv + " component " + Quote(frag.name) +
                                     ": invalid profile overrides: " + s.message());
        }
      }
      std::set<std::string>& component_owned = owned[frag.name];
      for (const std::string& path : paths) {
        value_paths.push_back(frag.name + ":" + path);
        component_owned.insert(path);
      }
      component_owned.insert("enabled");
    }
    std::sort(value_paths.begin(), value_paths.end());
    if (first) {
      expected = value_paths;
      first = false;
      continue;
    }
    if (value_paths != expected) {
      return InvalidRequestError("profile " + p + " violates union totality: value " +
                                 Quote(value_name) + " assigns " + GoList(value_paths) +
                                 ", expected " + GoList(expected));
    }
  }
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [component, paths] : owned) {
    out[component] = std::vector<std::string>(paths.begin(), paths.end());
  }
  return out;
}

Result<RecipeMetadata> DecodeRecipeMetadata(const Value& doc, std::string path) {
  AICR_ASSIGN_OR_RETURN(DocumentHeader h, DecodeHeader(doc));
  if (h.kind != kRecipeMetadataKind) {
    return InvalidRequestError("kind " + Quote(h.kind) + ", expected \"RecipeMetadata\"");
  }
  const bool profile_track = IsProfileApiVersion(h.api_version);
  if (!profile_track && !IsAuthoringApiVersion(h.api_version)) {
    return InvalidRequestError("apiVersion " + Quote(h.api_version) +
                               " is not supported, expected \"" + std::string(kApiV1Beta1) +
                               "\" or \"" + std::string(kApiV1Beta2) + "\"");
  }
  const bool strict = profile_track;
  const Mapping* m = doc.if_mapping();
  AICR_RETURN_IF_ERROR(CheckKnown(m, "", strict, {"kind", "apiVersion", "metadata", "spec"}));
  AICR_ASSIGN_OR_RETURN(const Mapping* meta, AsMapping(Get(m, "metadata"), "metadata"));
  AICR_RETURN_IF_ERROR(CheckKnown(meta, "metadata", strict, {"name"}));
  RecipeMetadata out;
  out.api_version = h.api_version;
  out.name = h.name;
  out.path = std::move(path);
  AICR_ASSIGN_OR_RETURN(out.spec, DecodeSpec(Get(m, "spec"), "spec", strict));
  if (out.spec.profile.has_value() && !profile_track) {
    return InvalidRequestError("spec.profile requires a profile-track apiVersion (\"" +
                               std::string(kApiV1Beta2) + "\"), got " + Quote(h.api_version));
  }
  if (profile_track && !out.spec.profile.has_value()) {
    return InvalidRequestError("apiVersion " + Quote(h.api_version) + " requires spec.profile");
  }
  if (profile_track && out.name.empty()) {
    return InvalidRequestError("profile RecipeMetadata requires metadata.name");
  }
  if (out.spec.profile.has_value()) {
    Result<std::map<std::string, std::vector<std::string>>> owned =
        ValidateProfileDeclaration(*out.spec.profile);
    if (!owned.ok()) {
      return owned.status().WithContext("spec.profile");
    }
  }
  return out;
}

Result<RecipeMetadata> ParseRecipeMetadata(std::string_view text, std::string path) {
  AICR_ASSIGN_OR_RETURN(std::vector<Value> docs, serialize::ParseYamlDocuments(text));
  const Value doc = docs.empty() ? Value() : docs.front();
  if (docs.size() > 1) {
    // Only the profile track insists on a single document.
    AICR_ASSIGN_OR_RETURN(DocumentHeader h, DecodeHeader(doc));
    if (h.kind == kRecipeMetadataKind && IsProfileApiVersion(h.api_version)) {
      return InvalidRequestError("profile RecipeMetadata contains multiple YAML documents");
    }
  }
  return DecodeRecipeMetadata(doc, std::move(path));
}

Result<RecipeMixin> DecodeRecipeMixin(const Value& doc, std::string path) {
  AICR_ASSIGN_OR_RETURN(DocumentHeader h, DecodeHeader(doc));
  if (h.kind != kRecipeMixinKind) {
    return InvalidRequestError("kind " + Quote(h.kind) + ", expected \"RecipeMixin\"");
  }
  if (!IsAuthoringApiVersion(h.api_version)) {
    return InvalidRequestError("apiVersion " + Quote(h.api_version) +
                               " is not supported for RecipeMixin, expected \"" +
                               std::string(kApiV1Beta1) + "\"");
  }
  const Mapping* m = doc.if_mapping();
  AICR_RETURN_IF_ERROR(CheckKnown(m, "", true, {"kind", "apiVersion", "metadata", "spec"}));
  AICR_ASSIGN_OR_RETURN(const Mapping* meta, AsMapping(Get(m, "metadata"), "metadata"));
  AICR_RETURN_IF_ERROR(CheckKnown(meta, "metadata", true, {"name"}));
  AICR_ASSIGN_OR_RETURN(const Mapping* spec, AsMapping(Get(m, "spec"), "spec"));
  AICR_RETURN_IF_ERROR(CheckKnown(spec, "spec", true, {"constraints", "componentRefs"}));
  if (h.name.empty()) {
    return InvalidRequestError("RecipeMixin requires metadata.name");
  }
  RecipeMixin out;
  out.api_version = h.api_version;
  out.name = h.name;
  out.path = std::move(path);
  AICR_ASSIGN_OR_RETURN(out.constraints,
                        DecodeConstraints(Get(spec, "constraints"), "spec.constraints", true));
  AICR_ASSIGN_OR_RETURN(out.component_refs, DecodeComponentRefs(Get(spec, "componentRefs"),
                                                                "spec.componentRefs", true));
  return out;
}

Result<RecipeMixin> ParseRecipeMixin(std::string_view text, std::string path) {
  AICR_ASSIGN_OR_RETURN(std::vector<Value> docs, serialize::ParseYamlDocuments(text));
  return DecodeRecipeMixin(docs.empty() ? Value() : docs.front(), std::move(path));
}

Status ValidateDependencies(const std::vector<ComponentRef>& refs) {
  std::set<std::string> known;
  for (const ComponentRef& r : refs) {
    known.insert(r.name);
  }
  for (const ComponentRef& r : refs) {
    for (const std::string& dep : r.dependency_refs) {
      if (known.count(dep) == 0) {
        return InvalidRequestError("component " + Quote(r.name) +
                                   " references unknown dependency " + Quote(dep));
      }
    }
  }
  // DFS in declaration order; the first back edge found names the cycle.
  std::map<std::string, const std::vector<std::string>*> deps;
  for (const ComponentRef& r : refs) {
    deps[r.name] = &r.dependency_refs;
  }
  std::set<std::string> visited;
  std::set<std::string> on_stack;
  std::vector<std::string> path;
  std::vector<std::string> cycle;
  const auto dfs = [&](const auto& self, const std::string& node) -> bool {
    visited.insert(node);
    on_stack.insert(node);
    path.push_back(node);
    for (const std::string& next : *deps[node]) {
      if (visited.count(next) == 0) {
        if (self(self, next)) {
          return true;
        }
      } else if (on_stack.count(next) != 0) {
        const auto start = std::find(path.begin(), path.end(), next);
        cycle.assign(start, path.end());
        cycle.push_back(next);
        return true;
      }
    }
    path.pop_back();
    on_stack.erase(node);
    return false;
  };
  for (const ComponentRef& r : refs) {
    if (visited.count(r.name) == 0 && dfs(dfs, r.name)) {
      return InvalidRequestError("circular dependency detected: " + GoList(cycle));
    }
  }
  return OkStatus();
}

Status ValidateConstraintPaths(const std::vector<Constraint>& constraints,
                               std::string_view location) {
  for (std::size_t i = 0; i < constraints.size(); ++i) {
    // Grammar plus the catalogue of readings collectors emit, so a typo such as
    // `K8s.server.versionn` fails at load with a suggestion.
    if (Status st = measurement::ValidatePath(constraints[i].name); !st.ok()) {
      return st.WithContext(Index(location, i));
    }
  }
  return OkStatus();
}

Status ValidateConstraintPaths(const RecipeMetadataSpec& spec) {
  AICR_RETURN_IF_ERROR(ValidateConstraintPaths(spec.constraints, "spec.constraints"));
  if (spec.validation.has_value() && spec.validation->readiness.has_value() &&
      spec.validation->readiness->constraints.has_value()) {
    AICR_RETURN_IF_ERROR(ValidateConstraintPaths(*spec.validation->readiness->constraints,
                                                 "spec.validation.readiness.constraints"));
  }
  if (spec.profile.has_value()) {
    for (const auto& [name, value] : spec.profile->values) {
      const std::string at = "spec.profile.values." + name;
      AICR_RETURN_IF_ERROR(ValidateConstraintPaths(value.constraints, at + ".constraints"));
      AICR_RETURN_IF_ERROR(
          ValidateConstraintPaths(value.readiness_constraints, at + ".readinessConstraints"));
    }
  }
  return OkStatus();
}

// ---- encoders ----

namespace {

void PutString(Mapping& m, std::string key, const std::string& v, bool always = false) {
  if (always || !v.empty()) {
    m.Set(std::move(key), Value(v));
  }
}

void PutStrings(Mapping& m, std::string key, const std::vector<std::string>& v) {
  if (v.empty()) {
    return;
  }
  serialize::Sequence seq;
  seq.reserve(v.size());
  for (const std::string& s : v) {
    seq.emplace_back(s);
  }
  m.Set(std::move(key), Value(std::move(seq)));
}

Value EncodeConstraints(const std::vector<Constraint>& cs) {
  serialize::Sequence seq;
  seq.reserve(cs.size());
  for (const Constraint& c : cs) {
    seq.push_back(EncodeConstraint(c));
  }
  return Value(std::move(seq));
}

}  // namespace

Value EncodeConstraint(const Constraint& c) {
  Mapping m;
  PutString(m, "name", c.name, true);
  PutString(m, "value", c.value, true);
  PutString(m, "severity", c.severity);
  PutString(m, "remediation", c.remediation);
  PutString(m, "unit", c.unit);
  return Value(std::move(m));
}

Value EncodeComponentRef(const ComponentRef& ref) {
  Mapping m;
  PutString(m, "name", ref.name, true);
  PutString(m, "namespace", ref.namespace_);
  PutString(m, "chart", ref.chart);
  PutString(m, "type", ref.type, true);
  PutString(m, "source", ref.source, true);
  PutString(m, "version", ref.version);
  PutString(m, "tag", ref.tag);
  PutString(m, "valuesFile", ref.values_file);
  if (const Mapping* o = ref.overrides.if_mapping(); o != nullptr && !o->empty()) {
    m.Set("overrides", ref.overrides);
  }
  PutStrings(m, "patches", ref.patches);
  PutStrings(m, "dependencyRefs", ref.dependency_refs);
  PutStrings(m, "manifestFiles", ref.manifest_files);
  PutStrings(m, "preManifestFiles", ref.pre_manifest_files);
  PutString(m, "path", ref.path);
  if (ref.cleanup) {
    m.Set("cleanup", Value(true));
  }
  if (!ref.expected_resources.empty()) {
    serialize::Sequence seq;
    for (const ExpectedResource& er : ref.expected_resources) {
      Mapping e;
      PutString(e, "kind", er.kind, true);
      PutString(e, "name", er.name, true);
      PutString(e, "namespace", er.namespace_);
      seq.emplace_back(std::move(e));
    }
    m.Set("expectedResources", Value(std::move(seq)));
  }
  PutString(m, "healthCheckAsserts", ref.health_check_asserts);
  if (ref.health_check_skip) {
    m.Set("healthCheckSkip", Value(true));
  }
  return Value(std::move(m));
}

Value EncodeValidationPhase(const ValidationPhase& p) {
  Mapping m;
  PutString(m, "timeout", p.timeout);
  if (p.constraints.has_value() && !p.constraints->empty()) {
    m.Set("constraints", EncodeConstraints(*p.constraints));
  }
  if (p.checks.has_value()) {
    PutStrings(m, "checks", *p.checks);
  }
  if (p.node_selection.has_value()) {
    Mapping ns;
    if (!p.node_selection->selector.empty()) {
      Mapping sel;
      for (const auto& [k, v] : p.node_selection->selector) {
        sel.Set(k, Value(v));
      }
      ns.Set("selector", Value(std::move(sel)));
    }
    if (p.node_selection->max_nodes != 0) {
      ns.Set("maxNodes", Value(p.node_selection->max_nodes));
    }
    PutStrings(ns, "excludeNodes", p.node_selection->exclude_nodes);
    m.Set("nodeSelection", Value(std::move(ns)));
  }
  PutString(m, "infrastructure", p.infrastructure);
  return Value(std::move(m));
}

Value EncodeValidation(const ValidationConfig& v) {
  Mapping m;
  const std::pair<const char*, const std::optional<ValidationPhase>*> phases[] = {
      {"readiness", &v.readiness},
      {"deployment", &v.deployment},
      {"performance", &v.performance},
      {"conformance", &v.conformance}};
  for (const auto& [name, phase] : phases) {
    if (phase->has_value()) {
      m.Set(name, EncodeValidationPhase(**phase));
    }
  }
  return Value(std::move(m));
}

Value EncodeCriteria(const Criteria& c) {
  Mapping m;
  for (Dimension d : kDimensions) {
    PutString(m, std::string(DimensionName(d)), c.Get(d));
  }
  if (c.nodes != 0) {
    m.Set("nodes", Value(c.nodes));
  }
  return Value(std::move(m));
}

}  // namespace aicr::recipe
