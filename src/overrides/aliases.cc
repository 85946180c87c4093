#include "overrides/aliases.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/strings.h"
#include "overrides/values.h"
#include "serialize/scalar.h"

namespace aicr::overrides {
namespace {

using serialize::Value;

template <typename V>
using ByKey = std::map<std::string, std::map<std::string, V>>;

// Merges the per-key maps of `keys`, the earlier key winning on a shared path.
template <typename V>
std::map<std::string, V> MergeAcrossKeys(const ByKey<V>& by_key,
                                         const std::vector<std::string>& keys) {
  std::map<std::string, V> merged;
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    auto found = by_key.find(*it);
    if (found == by_key.end()) {
      continue;
    }
    for (const auto& [path, value] : found->second) {
      merged.insert_or_assign(path, value);
    }
  }
  return merged;
}

// Keys of `by_key` that no registry component claims (name or alias).
template <typename V>
std::vector<std::string> UnclaimedKeys(const recipe::ComponentRegistry& registry,
                                       const ByKey<V>& by_key, std::string_view exempt) {
  std::set<std::string> claimed;
  for (const recipe::RegistryComponent& c : registry.components()) {
    for (std::string& key : ComponentOverrideKeys(c)) {
      claimed.insert(std::move(key));
    }
  }
  std::vector<std::string> out;
  for (const auto& entry : by_key) {
    if (entry.first != exempt && claimed.count(entry.first) == 0) {
      out.push_back(entry.first);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> ComponentOverrideKeys(const recipe::RegistryComponent& component) {
  std::vector<std::string> keys;
  keys.reserve(1 + component.value_override_keys.size());
  keys.push_back(component.name);
  for (const std::string& alias : component.value_override_keys) {
    keys.push_back(alias);
  }
  return keys;
}

Result<ResolvedSetOverrides> ResolveSetOverrides(const recipe::ComponentRegistry& registry,
                                                 const std::vector<ComponentPath>& set) {
  ByKey<std::string> by_key;
  for (const ComponentPath& cp : set) {
    by_key[cp.component].insert_or_assign(cp.path, cp.value.value_or(""));
  }
  ResolvedSetOverrides out;
  if (auto deployer = by_key.find(std::string(kDeployerKey)); deployer != by_key.end()) {
    out.deployer = deployer->second;
  }
  for (const recipe::RegistryComponent& c : registry.components()) {
    std::map<std::string, std::string> merged = MergeAcrossKeys(by_key, ComponentOverrideKeys(c));
    if (merged.empty()) {
      continue;
    }
    ComponentSetOverrides overrides;
    if (auto enabled = merged.find(std::string(kEnabledKey)); enabled != merged.end()) {
      std::optional<bool> parsed = ParseGoBool(enabled->second);
      if (!parsed.has_value()) {
        return InvalidRequestError("component " + Quote(c.name) + ": invalid --set enabled value " +
                                   serialize::DoubleQuote(enabled->second) +
                                   ": expected true or false");
      }
      overrides.enabled = parsed;
      merged.erase(enabled);
    }
    if (c.name == kDynamoPlatformComponent) {
      if (auto toggle = merged.find(std::string(kDynamoA4xStorageClassCreatePath));
          toggle != merged.end()) {
        overrides.bundling_toggles.insert(*toggle);
        merged.erase(toggle);
      }
    }
    overrides.values = std::move(merged);
    out.components.emplace(c.name, std::move(overrides));
  }
  out.unknown_keys = UnclaimedKeys(registry, by_key, kDeployerKey);
  return out;
}

Result<ResolvedTypedOverrides> ResolveTypedOverrides(const recipe::ComponentRegistry& registry,
                                                     const std::vector<TypedComponentPath>& typed) {
  ByKey<Value> by_key;
  for (const TypedComponentPath& tp : typed) {
    by_key[tp.component].insert_or_assign(tp.path, tp.value);
  }
  if (by_key.count(std::string(kDeployerKey)) > 0) {
    return InvalidRequestError(
        "deployer options do not support --set-json/--set-file; use --set "
        "deployer:<key>=<value>");
  }
  ResolvedTypedOverrides out;
  for (const recipe::RegistryComponent& c : registry.components()) {
    std::map<std::string, Value> merged = MergeAcrossKeys(by_key, ComponentOverrideKeys(c));
    if (merged.empty()) {
      continue;
    }
    if (merged.count(std::string(kEnabledKey)) > 0) {
      return InvalidRequestError("component " + Quote(c.name) +
                                 ": \"enabled\" is the enable/disable toggle and must be set "
                                 "with --set (e.g. --set " +
                                 c.name + ":enabled=false), not --set-json/--set-file");
    }
    if (c.name == kDynamoPlatformComponent) {
      for (const auto& entry : merged) {
        if (PathsIntersect(entry.first, kDynamoA4xStorageClassCreatePath)) {
          return InvalidRequestError(
              "component " + Quote(c.name) + ": " + Quote(kDynamoA4xStorageClassCreatePath) +
              " is a bundling toggle and must be set with --set (e.g. --set " + c.name + ":" +
              std::string(kDynamoA4xStorageClassCreatePath) +
              "=false), not --set-json/--set-file (got typed path " + Quote(entry.first) + ")");
        }
      }
    }
    out.components.emplace(c.name, std::move(merged));
  }
  out.unknown_keys = UnclaimedKeys(registry, by_key, kDeployerKey);
  return out;
}

ResolvedDynamicPaths ResolveDynamicPaths(const recipe::ComponentRegistry& registry,
                                         const std::vector<ComponentPath>& dynamic) {
  std::map<std::string, std::set<std::string>> paths;
  std::set<std::string> unknown;
  for (const ComponentPath& cp : dynamic) {
    const recipe::RegistryComponent* c = registry.FindByOverrideKey(cp.component);
    if (c == nullptr) {
      unknown.insert(cp.component);
      continue;
    }
    paths[c->name].insert(cp.path);
  }
  ResolvedDynamicPaths out;
  for (auto& [name, set] : paths) {
    out.components.emplace(name, std::vector<std::string>(set.begin(), set.end()));
  }
  out.unknown_keys.assign(unknown.begin(), unknown.end());
  return out;
}

}  // namespace aicr::overrides
