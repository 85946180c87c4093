#include "recipe/merge.h"

#include <set>
#include <utility>

#include "base/status_macros.h"
#include "recipe/result.h"
#include "recipe/store.h"
#include "serialize/yaml_reader.h"

namespace aicr::recipe {
namespace {

using serialize::Mapping;
using serialize::Value;

void UnionInto(std::vector<std::string>& dst, const std::vector<std::string>& src) {
  if (src.empty()) {
    return;
  }
  std::set<std::string> seen(dst.begin(), dst.end());
  for (const auto& item : src) {
    if (seen.insert(item).second) {
      dst.push_back(item);
    }
  }
}

void MergeMappings(Value& dst, const Value& src, bool null_deletes) {
  const Mapping* s = src.if_mapping();
  if (s == nullptr) {
    return;
  }
  if (!dst.is_mapping()) {
    dst = Value::EmptyMapping();
  }
  Mapping& d = *dst.if_mapping();
  for (const auto& [key, sv] : *s) {
    if (null_deletes && sv.is_null()) {
      d.Erase(key);
      continue;
    }
    if (sv.is_mapping()) {
      Value* dv = d.Find(key);
      if (dv != nullptr && dv->is_mapping()) {
        MergeMappings(*dv, sv, null_deletes);
        continue;
      }
      d.Set(key, sv);  // a copy of the whole subtree, nulls included
      continue;
    }
    d.Set(key, sv);
  }
}

Result<Value> ParseValuesFile(const std::string& path, const std::string& bytes) {
  auto parsed = serialize::ParseYaml(bytes);
  if (!parsed.ok()) {
    return InvalidRequestError("failed to parse values file " + Quoted(path) + ": " +
                               parsed.status().message());
  }
  if (parsed->is_null()) {
    return Value::EmptyMapping();
  }
  if (!parsed->is_mapping()) {
    return InvalidRequestError("values file " + Quoted(path) + " is not a mapping");
  }
  return std::move(parsed).value();
}

}  // namespace

void DeepMergeMap(Value& dst, const Value& src) { MergeMappings(dst, src, false); }

void MergeValues(Value& dst, const Value& src) { MergeMappings(dst, src, true); }

ComponentRef MergeComponentRef(const ComponentRef& base, const ComponentRef& overlay) {
  ComponentRef r = base;
  auto take = [](std::string& dst, const std::string& src) {
    if (!src.empty()) {
      dst = src;
    }
  };
  take(r.namespace_, overlay.namespace_);
  take(r.chart, overlay.chart);
  take(r.type, overlay.type);
  take(r.source, overlay.source);
  take(r.version, overlay.version);
  take(r.tag, overlay.tag);
  take(r.values_file, overlay.values_file);
  if (overlay.overrides.is_mapping() && !overlay.overrides.if_mapping()->empty()) {
    DeepMergeMap(r.overrides, overlay.overrides);
  }
  if (!overlay.patches.empty()) {
    r.patches = overlay.patches;
  }
  UnionInto(r.dependency_refs, overlay.dependency_refs);
  UnionInto(r.manifest_files, overlay.manifest_files);
  UnionInto(r.pre_manifest_files, overlay.pre_manifest_files);
  take(r.path, overlay.path);
  if (overlay.cleanup) {
    r.cleanup = true;
  }
  if (!overlay.expected_resources.empty()) {
    r.expected_resources = overlay.expected_resources;
  }
  take(r.health_check_asserts, overlay.health_check_asserts);
  if (overlay.health_check_skip) {
    r.health_check_skip = true;
  }
  return r;
}

std::optional<ValidationPhase> MergeValidationPhase(const std::optional<ValidationPhase>& base,
                                                    const std::optional<ValidationPhase>& overlay) {
  if (!overlay.has_value()) {
    return base;
  }
  if (!base.has_value()) {
    return overlay;
  }
  ValidationPhase out;
  out.timeout = overlay->timeout.empty() ? base->timeout : overlay->timeout;
  out.infrastructure =
      overlay->infrastructure.empty() ? base->infrastructure : overlay->infrastructure;

  const std::size_t base_checks = base->checks ? base->checks->size() : 0;
  const std::size_t overlay_checks = overlay->checks ? overlay->checks->size() : 0;
  if (overlay->checks.has_value() && overlay->checks->empty()) {
    out.checks = std::vector<std::string>{};
  } else if (base_checks + overlay_checks > 0) {
    std::vector<std::string> checks;
    if (base->checks) {
      UnionInto(checks, *base->checks);
    }
    if (overlay->checks) {
      UnionInto(checks, *overlay->checks);
    }
    out.checks = std::move(checks);
  }

  const std::size_t base_cs = base->constraints ? base->constraints->size() : 0;
  const std::size_t overlay_cs = overlay->constraints ? overlay->constraints->size() : 0;
  if (overlay->constraints.has_value() && overlay->constraints->empty()) {
    out.constraints = std::vector<Constraint>{};
  } else if (base_cs + overlay_cs > 0) {
    std::map<std::string, Constraint> by_name;
    if (overlay->constraints) {
      for (const auto& c : *overlay->constraints) {
        by_name[c.name] = c;
      }
    }
    std::set<std::string> seen;
    std::vector<Constraint> cs;
    if (base->constraints) {
      for (const auto& c : *base->constraints) {
        if (!seen.insert(c.name).second) {
          continue;
        }
        auto it = by_name.find(c.name);
        cs.push_back(it != by_name.end() ? it->second : c);
      }
    }
    if (overlay->constraints) {
      for (const auto& c : *overlay->constraints) {
        if (!seen.insert(c.name).second) {
          continue;
        }
        cs.push_back(by_name[c.name]);
      }
    }
    out.constraints = std::move(cs);
  }

  out.node_selection = overlay->node_selection ? overlay->node_selection : base->node_selection;
  return out;
}

void MergeSpec(RecipeMetadataSpec& dst, const RecipeMetadataSpec& other) {
  std::map<std::string, Constraint> constraints;
  for (const auto& c : dst.constraints) {
    constraints[c.name] = c;
  }
  for (const auto& c : other.constraints) {
    constraints[c.name] = c;
  }
  dst.constraints.clear();
  for (auto& [name, c] : constraints) {
    dst.constraints.push_back(std::move(c));
  }

  std::map<std::string, ComponentRef> refs;
  for (const auto& r : dst.component_refs) {
    refs[r.name] = r;
  }
  for (const auto& r : other.component_refs) {
    auto it = refs.find(r.name);
    if (it != refs.end()) {
      it->second = MergeComponentRef(it->second, r);
    } else {
      refs.emplace(r.name, r);
    }
  }
  dst.component_refs.clear();
  for (auto& [name, r] : refs) {
    dst.component_refs.push_back(std::move(r));
  }

  if (other.validation.has_value()) {
    if (!dst.validation.has_value()) {
      dst.validation = other.validation;
    } else {
      ValidationConfig& v = *dst.validation;
      v.readiness = MergeValidationPhase(v.readiness, other.validation->readiness);
      v.deployment = MergeValidationPhase(v.deployment, other.validation->deployment);
      v.performance = MergeValidationPhase(v.performance, other.validation->performance);
      v.conformance = MergeValidationPhase(v.conformance, other.validation->conformance);
    }
  }

  UnionInto(dst.mixins, other.mixins);
}

Result<Value> ResolveComponentValues(const std::map<std::string, std::string>& values_files,
                                     const ComponentRef& ref) {
  const bool has_overrides = ref.overrides.is_mapping() && !ref.overrides.if_mapping()->empty();
  Value result = Value::EmptyMapping();
  if (ref.values_file.empty() && !has_overrides) {
    return result;
  }
  if (!ref.values_file.empty()) {
    const std::string base_file = "components/" + ref.name + "/values.yaml";
    if (ref.values_file != base_file) {
      if (auto it = values_files.find(base_file); it != values_files.end()) {
        AICR_ASSIGN_OR_RETURN(Value base_values, ParseValuesFile(base_file, it->second));
        MergeValues(result, base_values);
      }
    }
    auto it = values_files.find(ref.values_file);
    if (it == values_files.end()) {
      return NotFoundError("values file not found: " + ref.values_file);
    }
    AICR_ASSIGN_OR_RETURN(Value file_values, ParseValuesFile(ref.values_file, it->second));
    MergeValues(result, file_values);
  }
  if (has_overrides) {
    MergeValues(result, ref.overrides);
  }
  return result;
}

Result<Value> ResolveComponentValues(const Store& store, const ComponentRef& ref) {
  return ResolveComponentValues(store.values_files(), ref);
}

}  // namespace aicr::recipe
