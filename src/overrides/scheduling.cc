#include "overrides/scheduling.h"

#include <utility>

#include "base/strings.h"
#include "overrides/values.h"
#include "serialize/scalar.h"

namespace aicr::overrides {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

Status DecodeError(const recipe::RegistryComponent& c, const std::string& where,
                   std::string_view want, const Value& got) {
  return InvalidRequestError("component " + Quote(c.name) + ": " + where + ": expected " +
                             std::string(want) + ", got " +
                             std::string(serialize::ValueTypeName(got.type())));
}

// The mapping at `key` of `m` (nullptr when absent or null).
Result<const Mapping*> SubMapping(const recipe::RegistryComponent& c, const Mapping* m,
                                  std::string_view key, const std::string& where) {
  const Value* v = m == nullptr ? nullptr : m->Find(key);
  if (v == nullptr || v->is_null()) {
    return static_cast<const Mapping*>(nullptr);
  }
  if (const Mapping* sub = v->if_mapping()) {
    return sub;
  }
  return DecodeError(c, where, "mapping", *v);
}

Status DecodeStrings(const recipe::RegistryComponent& c, const Mapping* m, std::string_view key,
                     const std::string& prefix, std::vector<std::string>* out) {
  const Value* v = m == nullptr ? nullptr : m->Find(key);
  if (v == nullptr || v->is_null()) {
    return OkStatus();
  }
  const std::string where = prefix + std::string(key);
  const Sequence* seq = v->if_sequence();
  if (seq == nullptr) {
    return DecodeError(c, where, "sequence of strings", *v);
  }
  for (const Value& item : *seq) {
    const std::string* s = item.if_string();
    if (s == nullptr) {
      return DecodeError(c, where, "sequence of strings", item);
    }
    if (Result<std::vector<std::string>> segments = SplitPath(*s); !segments.ok()) {
      return InvalidRequestError("component " + Quote(c.name) + ": " + where + ": " +
                                 segments.status().message());
    }
    out->push_back(*s);
  }
  return OkStatus();
}

Status DecodeBool(const recipe::RegistryComponent& c, const Mapping* m, std::string_view key,
                  const std::string& prefix, bool* out) {
  const Value* v = m == nullptr ? nullptr : m->Find(key);
  if (v == nullptr || v->is_null()) {
    return OkStatus();
  }
  const bool* b = v->if_bool();
  if (b == nullptr) {
    return DecodeError(c, prefix + std::string(key), "bool", *v);
  }
  *out = *b;
  return OkStatus();
}

Status DecodeGroup(const recipe::RegistryComponent& c, const Mapping* scheduling,
                   std::string_view name, SchedulingGroup* group) {
  const std::string where = "nodeScheduling." + std::string(name);
  Result<const Mapping*> m = SubMapping(c, scheduling, name, where);
  if (!m.ok()) {
    return m.status();
  }
  const std::string prefix = where + ".";
  for (Status s : {DecodeStrings(c, *m, "nodeSelectorPaths", prefix, &group->node_selector_paths),
                   DecodeStrings(c, *m, "tolerationPaths", prefix, &group->toleration_paths),
                   DecodeStrings(c, *m, "taintStrPaths", prefix, &group->taint_str_paths),
                   DecodeBool(c, *m, "requireNodeSelector", prefix, &group->require_node_selector),
                   DecodeBool(c, *m, "requireNodeSelectorIfStorageClassSet", prefix,
                              &group->require_node_selector_if_storage_class_set)}) {
    if (!s.ok()) {
      return s;
    }
  }
  return OkStatus();
}

bool IsEmptyOverlayValue(const Value& v) {
  return v.is_null() || (v.is_sequence() && v.size() == 0) || (v.is_mapping() && v.size() == 0);
}

std::vector<std::string> WithoutOptOut(const std::vector<std::string>& paths,
                                       const SchedulingPolicy& policy) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    if (policy.opt_out.count(p) == 0) {
      out.push_back(p);
    }
  }
  return out;
}

Value SelectorValue(const std::map<std::string, std::string>& selector) {
  Mapping m;
  for (const auto& [k, v] : selector) {
    m.Set(k, Value(v));
  }
  return Value(std::move(m));
}

// Scalar text of a toleration field for identity comparison.
std::string FieldText(const Mapping& m, std::string_view key) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (const std::string* s = v->if_string()) {
    return *s;
  }
  if (const std::int64_t* i = v->if_int()) {
    return std::to_string(*i);
  }
  if (const bool* b = v->if_bool()) {
    return *b ? "true" : "false";
  }
  if (const double* d = v->if_float()) {
    return serialize::FormatYamlFloat(*d);
  }
  return v->DebugString();
}

// key|operator|value|effect|tolerationSeconds; nullopt for a non-mapping entry.
std::optional<std::string> TolerationIdentity(const Value& v) {
  const Mapping* m = v.if_mapping();
  if (m == nullptr) {
    return std::nullopt;
  }
  std::string id;
  for (std::string_view key : {"key", "operator", "value", "effect", "tolerationSeconds"}) {
    id += FieldText(*m, key);
    id += '\x1f';
  }
  return id;
}

Value TolerationList(const std::vector<Toleration>& tolerations) {
  Sequence seq;
  seq.reserve(tolerations.size());
  for (const Toleration& t : tolerations) {
    seq.push_back(t.ToValue());
  }
  return Value(std::move(seq));
}

Status InjectTolerations(Value* values, const std::vector<std::string>& paths,
                         const std::vector<Toleration>& tolerations,
                         const SchedulingPolicy& policy) {
  if (tolerations.empty()) {
    return OkStatus();
  }
  const Value list = TolerationList(tolerations);
  for (const std::string& path : WithoutOptOut(paths, policy)) {
    const Value* existing = GetValueByPath(*values, path);
    if (policy.append.count(path) == 0 || existing == nullptr || !existing->is_sequence()) {
      if (Status s = SetValueByPath(values, path, list); !s.ok()) {
        return s;
      }
      continue;
    }
    Value merged = *existing;
    std::set<std::string> seen;
    for (const Value& item : *merged.if_sequence()) {
      if (std::optional<std::string> id = TolerationIdentity(item)) {
        seen.insert(*std::move(id));
      }
    }
    for (const Value& item : *list.if_sequence()) {
      if (seen.insert(*TolerationIdentity(item)).second) {
        merged.Append(item);
      }
    }
    if (Status s = SetValueByPath(values, path, std::move(merged)); !s.ok()) {
      return s;
    }
  }
  return OkStatus();
}

Status InjectSelector(Value* values, const std::vector<std::string>& paths,
                      const std::map<std::string, std::string>& selector,
                      const SchedulingPolicy& policy) {
  if (selector.empty()) {
    return OkStatus();
  }
  const Value v = SelectorValue(selector);
  for (const std::string& path : WithoutOptOut(paths, policy)) {
    if (Status s = SetValueByPath(values, path, v); !s.ok()) {
      return s;
    }
  }
  return OkStatus();
}

// Writes `value` at each path with strict intermediates; returns the first failure after
// trying every path.
Status SetStrict(Value* values, const std::vector<std::string>& paths, const Value& value) {
  Status first;
  for (const std::string& path : paths) {
    Status s = ApplyTypedOverrides(values, path, value);
    if (!s.ok() && first.ok()) {
      first = s;
    }
  }
  return first;
}

std::vector<std::string> WithoutSet(const std::vector<std::string>& paths,
                                    const std::map<std::string, std::string>& set_overrides) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    if (set_overrides.count(p) == 0) {
      out.push_back(p);
    }
  }
  return out;
}

bool HasConfiguredStorageClass(const Value& values, const SchedulingPaths& paths) {
  for (const std::vector<std::string>* list :
       {&paths.storage_class_paths, &paths.shared_storage_class_paths}) {
    for (const std::string& path : *list) {
      const Value* v = GetValueByPath(values, path);
      if (v == nullptr || v->is_null()) {
        continue;
      }
      if (const std::string* s = v->if_string(); s != nullptr && Trim(*s).empty()) {
        continue;
      }
      return true;
    }
  }
  return false;
}

Status RequireSelectors(const Value& values, std::string_view component,
                        const SchedulingGroup& group, bool storage_class_set,
                        const SchedulingPolicy& policy, std::string_view flag) {
  if (!group.require_node_selector &&
      !(group.require_node_selector_if_storage_class_set && storage_class_set)) {
    return OkStatus();
  }
  std::vector<std::string> empty;
  for (const std::string& path : WithoutOptOut(group.node_selector_paths, policy)) {
    const Value* v = GetValueByPath(values, path);
    if (v == nullptr || !v->is_mapping() || v->size() == 0) {
      empty.push_back(path);
    }
  }
  if (empty.empty()) {
    return OkStatus();
  }
  return InvalidRequestError(
      "component " + Quote(component) + " requires " + std::string(flag) +
      " to be set (paths: " + Join(empty, ", ") +
      "); pass a selector, opt this component's paths out with an explicit empty overlay "
      "override, or check whether a later --set-json/--set-file override cleared it");
}

}  // namespace

Result<SchedulingPaths> DecodeSchedulingPaths(const recipe::RegistryComponent& component) {
  SchedulingPaths out;
  const Mapping* root = component.raw.if_mapping();
  Result<const Mapping*> scheduling =
      SubMapping(component, root, "nodeScheduling", "nodeScheduling");
  if (!scheduling.ok()) {
    return scheduling.status();
  }
  if (Status s = DecodeGroup(component, *scheduling, "system", &out.system); !s.ok()) {
    return s;
  }
  if (Status s = DecodeGroup(component, *scheduling, "accelerated", &out.accelerated); !s.ok()) {
    return s;
  }
  if (Status s = DecodeStrings(component, *scheduling, "nodeCountPaths", "nodeScheduling.",
                               &out.node_count_paths);
      !s.ok()) {
    return s;
  }
  Result<const Mapping*> pod = SubMapping(component, root, "podScheduling", "podScheduling");
  if (!pod.ok()) {
    return pod.status();
  }
  Result<const Mapping*> workload =
      SubMapping(component, *pod, "workload", "podScheduling.workload");
  if (!workload.ok()) {
    return workload.status();
  }
  if (Status s = DecodeStrings(component, *workload, "workloadSelectorPaths",
                               "podScheduling.workload.", &out.workload_selector_paths);
      !s.ok()) {
    return s;
  }
  if (Status s = DecodeStrings(component, root, "storageClassPaths", "", &out.storage_class_paths);
      !s.ok()) {
    return s;
  }
  if (Status s = DecodeStrings(component, root, "sharedStorageClassPaths", "",
                               &out.shared_storage_class_paths);
      !s.ok()) {
    return s;
  }
  return out;
}

SchedulingPolicy ClassifySchedulingPaths(const Value& overlay_overrides,
                                         const std::map<std::string, std::string>& set_overrides,
                                         const std::vector<std::string>& paths) {
  SchedulingPolicy policy;
  for (const std::string& path : paths) {
    const Value* overlay = GetValueByPath(overlay_overrides, path);
    const bool has_set = set_overrides.count(path) > 0;
    if (overlay == nullptr && !has_set) {
      continue;
    }
    if (overlay != nullptr && IsEmptyOverlayValue(*overlay)) {
      policy.opt_out.insert(path);
      continue;
    }
    policy.append.insert(path);
  }
  return policy;
}

Result<SchedulingPolicy> ComputeSchedulingPolicy(
    std::string_view component, const SchedulingPaths& paths, const Value& overlay_overrides,
    const std::map<std::string, std::string>& set_overrides,
    const std::vector<std::string>& dynamic_paths) {
  std::vector<std::string> all;
  for (const std::vector<std::string>* list :
       {&paths.system.node_selector_paths, &paths.system.toleration_paths,
        &paths.accelerated.node_selector_paths, &paths.accelerated.toleration_paths,
        &paths.workload_selector_paths}) {
    all.insert(all.end(), list->begin(), list->end());
  }
  SchedulingPolicy policy = ClassifySchedulingPaths(overlay_overrides, set_overrides, all);
  if (dynamic_paths.empty()) {
    return policy;
  }

  std::vector<std::string> conflicts;
  std::set<std::string> seen;
  auto add_conflicts = [&](const std::vector<std::string>& required) {
    for (const std::string& p : required) {
      for (const std::string& dyn : dynamic_paths) {
        if (PathsIntersect(p, dyn)) {
          if (seen.insert(p).second) {
            conflicts.push_back(p);
          }
          break;
        }
      }
    }
  };
  for (const SchedulingGroup* group : {&paths.system, &paths.accelerated}) {
    if (group->require_node_selector || group->require_node_selector_if_storage_class_set) {
      add_conflicts(group->node_selector_paths);
    }
  }
  if (paths.system.require_node_selector_if_storage_class_set ||
      paths.accelerated.require_node_selector_if_storage_class_set) {
    add_conflicts(paths.storage_class_paths);
    add_conflicts(paths.shared_storage_class_paths);
  }
  if (!conflicts.empty()) {
    return InvalidRequestError(
        "component " + Quote(component) + " cannot use --dynamic on " + Join(conflicts, ", ") +
        ": this component requires a real node selector at bundle time, not one deferred to "
        "install time");
  }
  for (const std::string& dyn : dynamic_paths) {
    policy.opt_out.insert(dyn);
  }
  return policy;
}

Result<std::vector<std::string>> InjectNodeScheduling(
    Value* values, std::string_view component, const SchedulingPaths& paths,
    const SchedulingConfig& config, const SchedulingPolicy& policy,
    const std::map<std::string, std::string>& set_overrides) {
  if (values->is_null()) {
    *values = Value::EmptyMapping();
  }
  if (Status s = InjectSelector(values, paths.system.node_selector_paths,
                                config.system_node_selector, policy);
      !s.ok()) {
    return s;
  }
  if (Status s = InjectTolerations(values, paths.system.toleration_paths, config.system_tolerations,
                                   policy);
      !s.ok()) {
    return s;
  }
  if (Status s = InjectSelector(values, paths.accelerated.node_selector_paths,
                                config.accelerated_node_selector, policy);
      !s.ok()) {
    return s;
  }
  if (Status s = InjectTolerations(values, paths.accelerated.toleration_paths,
                                   config.accelerated_tolerations, policy);
      !s.ok()) {
    return s;
  }
  if (Status s =
          InjectSelector(values, paths.workload_selector_paths, config.workload_selector, policy);
      !s.ok()) {
    return s;
  }

  std::vector<std::string> warnings;
  auto warn = [&](std::string_view what, const Status& s) {
    if (!s.ok()) {
      warnings.push_back("component " + Quote(component) + ": failed to apply " +
                         std::string(what) + ": " + s.message());
    }
  };
  if (config.workload_gate.has_value() && !paths.accelerated.taint_str_paths.empty()) {
    warn("workload-gate taint", SetStrict(values, paths.accelerated.taint_str_paths,
                                          Value(config.workload_gate->ToString())));
  }
  if (config.nodes > 0 && !paths.node_count_paths.empty()) {
    warn("estimated node count", SetStrict(values, paths.node_count_paths, Value(config.nodes)));
  }
  if (!config.storage_class.empty()) {
    warn("storage class", SetStrict(values, WithoutSet(paths.storage_class_paths, set_overrides),
                                    Value(config.storage_class)));
  }
  if (!config.shared_storage_class.empty()) {
    Status s = SetStrict(values, WithoutSet(paths.shared_storage_class_paths, set_overrides),
                         Value(config.shared_storage_class));
    if (!s.ok()) {
      return InvalidRequestError("component " + Quote(component) +
                                 ": failed to apply shared storage class: " + s.message());
    }
  }
  return warnings;
}

Status CheckRequiredNodeSelectors(const Value& values, std::string_view component,
                                  const SchedulingPaths& paths, const SchedulingPolicy& policy) {
  const bool storage_class_set = HasConfiguredStorageClass(values, paths);
  if (Status s = RequireSelectors(values, component, paths.system, storage_class_set, policy,
                                  "--system-node-selector");
      !s.ok()) {
    return s;
  }
  return RequireSelectors(values, component, paths.accelerated, storage_class_set, policy,
                          "--accelerated-node-selector");
}

}  // namespace aicr::overrides
