#pragma once

/// \file
/// Node-scheduling injection: writes the bundle's node selectors, tolerations,
/// workload selector, workload-gate taint, node count and storage classes into a
/// component's values at the paths its registry entry declares, and checks the
/// registry's `requireNodeSelector` contracts on the final values.
///
/// Registry keys read (from RegistryComponent::raw):
///   nodeScheduling.{system,accelerated}.{nodeSelectorPaths, tolerationPaths,
///     taintStrPaths, requireNodeSelector, requireNodeSelectorIfStorageClassSet}
///   nodeScheduling.nodeCountPaths
///   podScheduling.workload.workloadSelectorPaths
///   storageClassPaths, sharedStorageClassPaths
/// Other keys are ignored.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "overrides/flags.h"
#include "recipe/registry.h"
#include "serialize/value.h"

namespace aicr::overrides {

/// One node class (`system` or `accelerated`) of a registry entry's nodeScheduling.
struct SchedulingGroup {
  std::vector<std::string> node_selector_paths;
  std::vector<std::string> toleration_paths;
  std::vector<std::string> taint_str_paths;
  bool require_node_selector = false;
  bool require_node_selector_if_storage_class_set = false;
};

/// A registry entry's injection paths.
struct SchedulingPaths {
  SchedulingGroup system;
  SchedulingGroup accelerated;
  std::vector<std::string> node_count_paths;
  std::vector<std::string> workload_selector_paths;
  std::vector<std::string> storage_class_paths;
  std::vector<std::string> shared_storage_class_paths;
};

/// Decodes the keys listed in the file comment; absent or null keys are empty/false. Every
/// path must be a valid dot path (see SplitPath).
/// INVALID_REQUEST `component "<c>": nodeScheduling.system.tolerationPaths: expected
/// sequence of strings, got <type>` (or `expected bool`, `expected mapping`) on a wrong type.
Result<SchedulingPaths> DecodeSchedulingPaths(const recipe::RegistryComponent& component);

/// The bundle-wide scheduling inputs (parsed flags).
struct SchedulingConfig {
  std::map<std::string, std::string> system_node_selector;
  std::vector<Toleration> system_tolerations;
  std::map<std::string, std::string> accelerated_node_selector;
  /// The CLI passes DefaultTolerations() when no accelerated toleration was given.
  std::vector<Toleration> accelerated_tolerations;
  std::map<std::string, std::string> workload_selector;
  std::optional<Taint> workload_gate;
  /// `--nodes`; injected only when > 0.
  std::int64_t nodes = 0;
  std::string storage_class;
  std::string shared_storage_class;
};

/// Per-path injection policy (upstream `schedulingPathPolicy`).
struct SchedulingPolicy {
  /// No injection, and a required selector there counts as satisfied.
  std::set<std::string> opt_out;
  /// Tolerations are appended to the list already there instead of replacing it.
  std::set<std::string> append;
};

/// Classifies `paths`: a path the recipe overlay's inline overrides resolve to null, an
/// empty sequence or an empty mapping is opted out; otherwise a path the overlay sets
/// (to anything else) or `set_overrides` names exactly is append-mode; other paths are
/// left to replace. Only the overlay can opt out: a `--set` string is never empty.
SchedulingPolicy ClassifySchedulingPaths(const serialize::Value& overlay_overrides,
                                         const std::map<std::string, std::string>& set_overrides,
                                         const std::vector<std::string>& paths);

/// The component's full policy: ClassifySchedulingPaths over its selector, toleration and
/// workload-selector paths, then every `--dynamic` path joins the opt-out set. A dynamic
/// path that equals, contains or lies below a node-selector path of a group with
/// requireNodeSelector or requireNodeSelectorIfStorageClassSet (or, for the latter, a
/// storage-class path) is INVALID_REQUEST `component "<c>" cannot use --dynamic on <paths>:
/// this component requires a real node selector at bundle time, not one deferred to
/// install time`.
Result<SchedulingPolicy> ComputeSchedulingPolicy(
    std::string_view component, const SchedulingPaths& paths,
    const serialize::Value& overlay_overrides,
    const std::map<std::string, std::string>& set_overrides,
    const std::vector<std::string>& dynamic_paths);

/// Injects `config` into `values` (a component's values after `--set`), in order:
///  1. system selector: replaces the mapping at each system selector path;
///  2. system tolerations: append-mode paths get the tolerations appended to the list
///     there, skipping any already present (same key, operator, value, effect and
///     tolerationSeconds); other paths are replaced by the list;
///  3. and 4. the same for the accelerated selector and tolerations;
///  5. workload selector: replaces the mapping at each workload selector path;
///  6. workload gate: the string `key=value:Effect` at each accelerated taintStrPaths path;
///  7. `nodes` > 0: the int at each node-count path;
///  8. storage class: the string at each storage-class path `set_overrides` does not name;
///  9. shared storage class: the same at each shared storage-class path.
/// Steps 1-5 skip opted-out paths and replace non-mapping intermediates; 6-9 keep
/// existing non-mapping intermediates, and such a path is not written. For 6-8 that is
/// a warning (returned, in order: `component "<c>": failed to apply <what>: <reason>`), as
/// upstream only logs it; for 9 it is INVALID_REQUEST `component "<c>": failed to apply
/// shared storage class: <reason>`.
Result<std::vector<std::string>> InjectNodeScheduling(
    serialize::Value* values, std::string_view component, const SchedulingPaths& paths,
    const SchedulingConfig& config, const SchedulingPolicy& policy,
    const std::map<std::string, std::string>& set_overrides);

/// Checks the registry's selector contracts on the final values (after typed overrides).
/// A group is checked when it has requireNodeSelector, or requireNodeSelectorIfStorageClassSet
/// and some storage-class or shared storage-class path holds a value that is neither null
/// nor a blank string. Every non-opted-out selector path of a checked group must hold a
/// non-empty mapping; otherwise INVALID_REQUEST `component "<c>" requires
/// --system-node-selector to be set (paths: a, b); pass a selector, opt this component's
/// paths out with an explicit empty overlay override, or check whether a later
/// --set-json/--set-file override cleared it` (`--accelerated-node-selector` for the
/// accelerated group, which is checked second).
Status CheckRequiredNodeSelectors(const serialize::Value& values, std::string_view component,
                                  const SchedulingPaths& paths, const SchedulingPolicy& policy);

}  // namespace aicr::overrides
