#pragma once

/// \file
/// Resolution of the component key the user typed (`gpuoperator` in
/// `--set gpuoperator:driver.version=...`) to canonical registry components, merging
/// the overrides given under a component's name and under each of its aliases.
///
/// A component's candidate keys are its name, then its registry valueOverrideKeys in
/// registry order. When the same path appears under several candidate keys, the
/// earlier key wins: the exact name beats every alias, and an earlier alias beats a
/// later one. Within one key, the last flag for a path wins.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "overrides/flags.h"
#include "recipe/registry.h"
#include "serialize/value.h"

namespace aicr::overrides {

/// The dynamo-platform path that is a bundling toggle (whether AICR emits its A4X
/// StorageClass manifest), never a chart value.
inline constexpr std::string_view kDynamoPlatformComponent = "dynamo-platform";
inline constexpr std::string_view kDynamoA4xStorageClassCreatePath = "a4xStorageClass.create";

/// The candidate override keys of `component`: its name, then its valueOverrideKeys.
std::vector<std::string> ComponentOverrideKeys(const recipe::RegistryComponent& component);

/// One component's scalar `--set` overrides after alias merging.
struct ComponentSetOverrides {
  /// Chart value overrides (path -> raw string) for ApplyMapOverrides; `enabled` and the
  /// bundling-only paths are not here.
  std::map<std::string, std::string> values;
  /// `--set <c>:enabled=<bool>` (Go ParseBool spellings), when given.
  std::optional<bool> enabled;
  /// Bundling-only toggles stripped from `values` (today only
  /// `dynamo-platform:a4xStorageClass.create`), path -> raw string.
  std::map<std::string, std::string> bundling_toggles;
};

/// Every `--set` entry, resolved.
struct ResolvedSetOverrides {
  /// By canonical component name; only components with at least one entry.
  std::map<std::string, ComponentSetOverrides> components;
  /// `--set deployer:<key>=<value>` (deployer options), last wins.
  std::map<std::string, std::string> deployer;
  /// Keys that are neither a registry name or alias nor `deployer`, sorted.
  std::vector<std::string> unknown_keys;
};

/// Groups `set` by typed key (last wins per path) and merges each registry component's
/// candidate keys. INVALID_REQUEST `component "<c>": invalid --set enabled value "<v>":
/// expected true or false` when the merged `enabled` does not parse as a Go bool.
Result<ResolvedSetOverrides> ResolveSetOverrides(const recipe::ComponentRegistry& registry,
                                                 const std::vector<ComponentPath>& set);

/// Every `--set-json` / `--set-file` entry, resolved.
struct ResolvedTypedOverrides {
  /// By canonical component name: path -> value for ApplyTypedOverrides.
  std::map<std::string, std::map<std::string, serialize::Value>> components;
  /// Keys that are neither a registry name nor an alias, sorted.
  std::vector<std::string> unknown_keys;
};

/// Groups `typed` (in order, so a later entry wins per key and path) and merges aliases
/// as ResolveSetOverrides does. INVALID_REQUEST for what the typed path may not carry,
/// checked after merging so SDK callers that skip the flag parser are covered too:
///  - the `deployer` key (`deployer options do not support --set-json/--set-file; use
///    --set deployer:<key>=<value>`);
///  - the path `enabled` (`component "<c>": "enabled" is the enable/disable toggle and
///    must be set with --set (e.g. --set <c>:enabled=false), not --set-json/--set-file`);
///  - on dynamo-platform, any path that equals, contains or lies below
///    `a4xStorageClass.create`.
Result<ResolvedTypedOverrides> ResolveTypedOverrides(const recipe::ComponentRegistry& registry,
                                                     const std::vector<TypedComponentPath>& typed);

/// Every `--dynamic` declaration, resolved.
struct ResolvedDynamicPaths {
  /// By canonical component name: sorted, unique paths.
  std::map<std::string, std::vector<std::string>> components;
  /// Keys that name no registry component (`deployer` included), sorted.
  std::vector<std::string> unknown_keys;
};

/// Resolves each `--dynamic` key with ComponentRegistry::FindByOverrideKey.
ResolvedDynamicPaths ResolveDynamicPaths(const recipe::ComponentRegistry& registry,
                                         const std::vector<ComponentPath>& dynamic);

}  // namespace aicr::overrides
