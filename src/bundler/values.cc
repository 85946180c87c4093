#include "bundler/values.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "overrides/aliases.h"
#include "overrides/flags.h"
#include "overrides/values.h"
#include "recipe/merge.h"

namespace aicr::bundler {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

Value SelectorValue(const std::map<std::string, std::string>& selector) {
  Mapping m;
  for (const auto& [k, v] : selector) {
    m.Set(k, v);
  }
  return Value(std::move(m));
}

Value TolerationsValue(const std::vector<overrides::Toleration>& tolerations) {
  Sequence seq;
  for (const auto& t : tolerations) {
    seq.push_back(t.ToValue());
  }
  return Value(std::move(seq));
}

Value SchedulingRecord(const std::map<std::string, std::string>& selector,
                       const std::vector<overrides::Toleration>& tolerations) {
  Mapping m;
  if (!selector.empty()) {
    m.Set("selector", SelectorValue(selector));
  }
  if (!tolerations.empty()) {
    m.Set("tolerations", TolerationsValue(tolerations));
  }
  return Value(std::move(m));
}

Status UnknownKeys(const std::vector<std::string>& keys, const char* flag) {
  if (keys.empty()) {
    return OkStatus();
  }
  return InvalidRequestError(std::string(flag) + " names unknown component(s) " + Join(keys, ", ") +
                             ": use a component name or one of its registered aliases");
}

std::string Declared(const Selection& selection) {
  return Join(std::vector<std::string>(selection.declared.begin(), selection.declared.end()), ", ");
}

}  // namespace

Result<UserOverrides> ParseUserOverrides(const BundleOptions& options,
                                         const recipe::ComponentRegistry& registry) {
  UserOverrides out;
  AICR_ASSIGN_OR_RETURN(auto set, overrides::ParseSetFlags(options.set));
  AICR_ASSIGN_OR_RETURN(auto resolved_set, overrides::ResolveSetOverrides(registry, set));
  out.deployer_set = resolved_set.deployer;
  AICR_RETURN_IF_ERROR(UnknownKeys(resolved_set.unknown_keys, "--set"));
  for (auto& [name, comp] : resolved_set.components) {
    if (comp.enabled.has_value()) {
      out.enabled_toggles[name] = *comp.enabled;
    }
    if (!comp.values.empty()) {
      out.set_values[name] = std::move(comp.values);
    }
  }

  AICR_ASSIGN_OR_RETURN(auto typed, overrides::ParseTypedFlags(options.set_file, options.set_json));
  AICR_ASSIGN_OR_RETURN(auto resolved_typed, overrides::ResolveTypedOverrides(registry, typed));
  AICR_RETURN_IF_ERROR(UnknownKeys(resolved_typed.unknown_keys, "--set-json/--set-file"));
  out.typed_values = std::move(resolved_typed.components);

  AICR_ASSIGN_OR_RETURN(auto dynamic, overrides::ParseDynamicFlags(options.dynamic));
  auto resolved_dynamic = overrides::ResolveDynamicPaths(registry, dynamic);
  AICR_RETURN_IF_ERROR(UnknownKeys(resolved_dynamic.unknown_keys, "--dynamic"));
  out.dynamic_paths = std::move(resolved_dynamic.components);

  overrides::SchedulingConfig& s = out.scheduling;
  AICR_ASSIGN_OR_RETURN(
      s.system_node_selector,
      overrides::ParseNodeSelectors(options.system_node_selectors, "--system-node-selector"));
  AICR_ASSIGN_OR_RETURN(
      s.system_tolerations,
      overrides::ParseTolerations(options.system_node_tolerations, "--system-node-toleration"));
  AICR_ASSIGN_OR_RETURN(s.accelerated_node_selector,
                        overrides::ParseNodeSelectors(options.accelerated_node_selectors,
                                                      "--accelerated-node-selector"));
  AICR_ASSIGN_OR_RETURN(s.accelerated_tolerations,
                        overrides::ParseTolerations(options.accelerated_node_tolerations,
                                                    "--accelerated-node-toleration"));
  if (s.accelerated_tolerations.empty()) {
    s.accelerated_tolerations = overrides::DefaultTolerations();
  }
  AICR_ASSIGN_OR_RETURN(
      s.workload_selector,
      overrides::ParseNodeSelectors(options.workload_selectors, "--workload-selector"));
  if (!options.workload_gate.empty()) {
    AICR_ASSIGN_OR_RETURN(s.workload_gate, overrides::ParseTaint(options.workload_gate));
  }
  if (!options.dra_eviction_node_label.empty()) {
    AICR_RETURN_IF_ERROR(overrides::ParseNodeLabel(options.dra_eviction_node_label).status());
  }
  s.nodes = options.nodes;
  s.storage_class = options.storage_class;
  s.shared_storage_class = options.shared_storage_class;
  for (const auto& t : s.accelerated_tolerations) {
    out.accelerated_tolerations.push_back(t.ToValue());
  }

  Mapping record;
  const Value system = SchedulingRecord(s.system_node_selector, s.system_tolerations);
  if (system.size() > 0) {
    record.Set("system", system);
  }
  const Value accelerated =
      SchedulingRecord(s.accelerated_node_selector, s.accelerated_tolerations);
  if (accelerated.size() > 0) {
    record.Set("accelerated", accelerated);
  }
  out.node_scheduling_record = Value(std::move(record));
  return out;
}

Status CheckOverridesTargetSelected(const UserOverrides& user, const Selection& selection) {
  std::set<std::string> selected;
  for (const auto& ref : selection.refs) {
    selected.insert(ref.name);
  }
  std::set<std::string> absent;
  const auto note = [&](const std::string& name) {
    if (selected.count(name) == 0) {
      absent.insert(name);
    }
  };
  for (const auto& [name, unused] : user.set_values) {
    note(name);
  }
  for (const auto& [name, unused] : user.typed_values) {
    note(name);
  }
  for (const auto& [name, unused] : user.dynamic_paths) {
    note(name);
  }
  for (const auto& [name, enabled] : user.enabled_toggles) {
    if (enabled || selection.declared.count(name) == 0) {
      note(name);
    }
  }
  if (absent.empty()) {
    return OkStatus();
  }
  return InvalidRequestError("overrides target component(s) not in the bundle: " +
                             Join(std::vector<std::string>(absent.begin(), absent.end()), ", ") +
                             " (disabled, filtered out or not declared; declared components: " +
                             Declared(selection) + ")");
}

Result<Value> ExtractValues(const recipe::ComponentRef& ref, const recipe::Store& store,
                            UserOverrides* user, const std::vector<std::string>* owned_paths,
                            const std::string& profile) {
  const std::string context = "component " + Quote(ref.name);
  AICR_ASSIGN_OR_RETURN(Value values, recipe::ResolveComponentValues(store, ref));
  if (values.is_null()) {
    values = Value::EmptyMapping();
  }
  const Value recipe_values = values;
  static const std::map<std::string, std::string> kNoSet;
  const auto set_it = user->set_values.find(ref.name);
  const auto& set = set_it == user->set_values.end() ? kNoSet : set_it->second;
  if (Status st = overrides::ApplyMapOverrides(&values, set); !st.ok()) {
    return st.WithContext(context + ": --set");
  }

  const recipe::RegistryComponent* reg = store.registry().Find(ref.name);
  overrides::SchedulingPaths paths;
  overrides::SchedulingPolicy policy;
  if (reg != nullptr) {
    AICR_ASSIGN_OR_RETURN(paths, overrides::DecodeSchedulingPaths(*reg));
    static const std::vector<std::string> kNoPaths;
    const auto dyn_it = user->dynamic_paths.find(ref.name);
    const auto& dynamic = dyn_it == user->dynamic_paths.end() ? kNoPaths : dyn_it->second;
    AICR_ASSIGN_OR_RETURN(
        policy, overrides::ComputeSchedulingPolicy(ref.name, paths, ref.overrides, set, dynamic));
    AICR_ASSIGN_OR_RETURN(auto notes, overrides::InjectNodeScheduling(
                                          &values, ref.name, paths, user->scheduling, policy, set));
    for (auto& n : notes) {
      user->warnings.push_back("Warning: " + n);
    }
  }

  if (const auto it = user->typed_values.find(ref.name); it != user->typed_values.end()) {
    if (Status st = overrides::ApplyTypedOverrides(&values, it->second); !st.ok()) {
      return st.WithContext(context + ": --set-json/--set-file");
    }
  }
  if (owned_paths != nullptr) {
    for (const auto& path : *owned_paths) {
      if (path == "enabled") {
        continue;
      }
      const Value* before = overrides::GetValueByPath(recipe_values, path);
      const Value* after = overrides::GetValueByPath(values, path);
      const bool same = (before == nullptr && after == nullptr) ||
                        (before != nullptr && after != nullptr && *before == *after);
      if (!same) {
        return InvalidRequestError(
            context + ": " + path + " is owned by the configuration profile " + profile +
            " and a bundle-time override changes it; regenerate the recipe with aicr recipe "
            "--profile to choose another value");
      }
    }
  }
  if (reg != nullptr) {
    AICR_RETURN_IF_ERROR(overrides::CheckRequiredNodeSelectors(values, ref.name, paths, policy));
  }
  return values;
}

Status CheckProfileLock(const recipe::RecipeResult& recipe, const Selection& selection,
                        const UserOverrides& user) {
  if (!recipe.metadata.selected_profile.has_value()) {
    return OkStatus();
  }
  const recipe::SelectedProfile& profile = *recipe.metadata.selected_profile;
  const std::string label = profile.name + "=" + profile.value;
  std::set<std::string> selected;
  for (const auto& ref : selection.refs) {
    selected.insert(ref.name);
  }
  for (const auto& owned_entry : profile.owned_paths) {
    const std::string& component = owned_entry.first;
    const std::vector<std::string>& paths = owned_entry.second;
    const bool owns_presence = std::find(paths.begin(), paths.end(), "enabled") != paths.end();
    const bool recipe_enabled = std::any_of(
        recipe.component_refs.begin(), recipe.component_refs.end(),
        [&](const recipe::ComponentRef& r) { return r.name == component && r.IsEnabled(); });
    if (owns_presence && recipe_enabled && selected.count(component) == 0) {
      return InvalidRequestError("component " + Quote(component) +
                                 " is required by the configuration profile " + label +
                                 " and cannot be removed from the bundle");
    }
    const auto dyn = user.dynamic_paths.find(component);
    if (dyn == user.dynamic_paths.end()) {
      continue;
    }
    for (const auto& d : dyn->second) {
      for (const auto& owned : paths) {
        if (owned != "enabled" && overrides::PathsIntersect(d, owned)) {
          return InvalidRequestError("--dynamic " + component + ":" + d + " touches " + owned +
                                     ", owned by the configuration "
                                     "profile " +
                                     label + ", which cannot change at install time");
        }
      }
    }
  }
  return OkStatus();
}

}  // namespace aicr::bundler
