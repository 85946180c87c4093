#include "recipe/query.h"

#include <algorithm>
#include <vector>

#include "base/status_macros.h"
#include "recipe/defaults.h"
#include "recipe/merge.h"
#include "recipe/store.h"

namespace aicr::recipe {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

Value Strings(const std::vector<std::string>& items) {
  Sequence seq;
  for (const auto& s : items) {
    seq.emplace_back(s);
  }
  return Value(std::move(seq));
}

}  // namespace

Result<Value> HydrateResult(const RecipeResult& result,
                            const std::map<std::string, std::string>& values_files) {
  Mapping metadata;
  metadata.Set("version", Value(result.metadata.version));
  metadata.Set("appliedOverlays", Strings(result.metadata.applied_overlays));
  {
    Sequence seq;
    for (const auto& e : result.metadata.excluded_overlays) {
      seq.push_back(ToValue(e));
    }
    metadata.Set("excludedOverlays", Value(std::move(seq)));
  }
  {
    Sequence seq;
    for (const auto& w : result.metadata.constraint_warnings) {
      seq.push_back(ToValue(w));
    }
    metadata.Set("constraintWarnings", Value(std::move(seq)));
  }
  if (!result.metadata.gpu_driver_state.empty()) {
    metadata.Set("gpuDriverState", Value(result.metadata.gpu_driver_state));
  }
  if (result.metadata.selected_profile.has_value()) {
    metadata.Set("selectedProfile", ToValue(*result.metadata.selected_profile));
  }
  if (!result.metadata.mariadb_operator_state.empty()) {
    metadata.Set("mariaDBOperatorState", Value(result.metadata.mariadb_operator_state));
  }

  Mapping out;
  out.Set("kind", Value(result.kind));
  out.Set("apiVersion", Value(result.api_version));
  out.Set("metadata", Value(std::move(metadata)));
  out.Set("deploymentOrder", Strings(result.deployment_order));

  if (result.criteria.has_value()) {
    const Criteria& c = *result.criteria;
    Mapping criteria;
    for (Dimension d : kDimensions) {
      criteria.Set(std::string(DimensionName(d)), Value(c.Get(d)));
    }
    criteria.Set("nodes", Value(c.nodes));
    out.Set("criteria", Value(std::move(criteria)));
  }
  if (!result.configuration.is_null()) {
    out.Set("configuration", result.configuration);
  }
  if (!result.constraints.empty()) {
    Sequence seq;
    for (const auto& c : result.constraints) {
      seq.push_back(ToValue(c));
    }
    out.Set("constraints", Value(std::move(seq)));
  }

  Mapping components;
  for (const auto& ref : result.component_refs) {
    Mapping comp;
    comp.Set("name", Value(ref.name));
    comp.Set("type", Value(ref.type));
    comp.Set("source", Value(ref.source));
    if (!ref.namespace_.empty()) {
      comp.Set("namespace", Value(ref.namespace_));
    }
    if (HasExternalChart(ref)) {
      comp.Set("chart", Value(EffectiveChart(ref)));
    } else if (!ref.chart.empty()) {
      comp.Set("chart", Value(ref.chart));
    }
    if (!ref.version.empty()) {
      comp.Set("version", Value(ref.version));
    }
    if (!ref.tag.empty()) {
      comp.Set("tag", Value(ref.tag));
    }
    if (!ref.path.empty()) {
      comp.Set("path", Value(ref.path));
    }
    if (!ref.dependency_refs.empty()) {
      comp.Set("dependencyRefs", Strings(ref.dependency_refs));
    }
    auto values = ResolveComponentValues(values_files, ref);
    if (!values.ok()) {
      return InternalError("failed to hydrate values for component " + Quoted(ref.name) + ": " +
                           values.status().message());
    }
    if (values->size() > 0) {
      comp.Set("values", std::move(values).value());
    }
    components.Set(ref.name, Value(std::move(comp)));
  }
  out.Set("components", Value(std::move(components)));
  return Value(std::move(out));
}

Result<Value> HydrateResult(const Store& store, const RecipeResult& result) {
  return HydrateResult(result, store.values_files());
}

Result<Value> Select(const Value& hydrated, std::string_view selector) {
  if (!selector.empty() && selector.front() == '.') {
    selector.remove_prefix(1);
  }
  if (selector.empty()) {
    return hydrated;
  }
  const std::string sel(selector);
  const Value* current = &hydrated;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = sel.find('.', start);
    const std::string part =
        sel.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const Mapping* m = current->if_mapping();
    if (m == nullptr) {
      return NotFoundError("selector " + Quoted(sel) + ": cannot descend into non-map value at " +
                           Quoted(part));
    }
    const Value* next = m->Find(part);
    if (next == nullptr) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : *m) {
        keys.push_back(k);
      }
      std::sort(keys.begin(), keys.end());
      std::string available;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i > 0) {
          available += ", ";
        }
        available += keys[i];
      }
      return NotFoundError("selector " + Quoted(sel) + ": key " + Quoted(part) +
                           " not found, available keys: " + available);
    }
    current = next;
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return *current;
}

}  // namespace aicr::recipe
