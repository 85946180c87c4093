#pragma once

/// \file
/// The user's bundle-time overrides, parsed once and resolved to canonical
/// components, and per-component value extraction with the full precedence of
/// aicr-bundle §1.3: registry values → ref valuesFile → overlay overrides (the
/// recipe layer) → scalar `--set` → node-scheduling injection and storage
/// classes → typed `--set-json`/`--set-file` → required-selector checks.

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "bundler/bundler.h"
#include "bundler/selection.h"
#include "overrides/scheduling.h"
#include "recipe/model.h"
#include "recipe/registry.h"
#include "recipe/store.h"
#include "serialize/value.h"

namespace aicr::bundler {

struct UserOverrides {
  /// `--set <c>:enabled=<bool>`, by canonical name.
  std::map<std::string, bool> enabled_toggles;
  /// Scalar `--set` chart values, canonical name → path → raw string.
  std::map<std::string, std::map<std::string, std::string>> set_values;
  /// `--set-json` / `--set-file`, canonical name → path → value.
  std::map<std::string, std::map<std::string, serialize::Value>> typed_values;
  /// `--dynamic`, canonical name → sorted paths.
  std::map<std::string, std::vector<std::string>> dynamic_paths;
  /// Parsed scheduling flags (accelerated tolerations defaulted to Exists).
  overrides::SchedulingConfig scheduling;
  /// The accelerated tolerations as rendered mappings (for validations).
  std::vector<serialize::Value> accelerated_tolerations;
  /// `build.settings.nodeScheduling` of bundle-info.yaml (null when nothing is set).
  serialize::Value node_scheduling_record;
  /// `--set deployer:<key>=<value>` (Argo CD options), last wins.
  std::map<std::string, std::string> deployer_set;
  /// Non-blocking notes gathered while extracting values (`Warning: ` prefixed).
  std::vector<std::string> warnings;
};

/// Parses and resolves every override flag of `options`. INVALID_REQUEST for a
/// malformed flag or a key naming no registry component.
Result<UserOverrides> ParseUserOverrides(const BundleOptions& options,
                                         const recipe::ComponentRegistry& registry);

/// Rejects overrides that cannot take effect: any `--set` value, typed override,
/// `--dynamic` path or `enabled=true` aimed at a component that is not in the
/// bundle (INVALID_REQUEST listing the declared components). `enabled=false` on a
/// declared component is the one exemption.
Status CheckOverridesTargetSelected(const UserOverrides& user, const Selection& selection);

/// The final values of `ref` (a mapping). Warnings from scheduling injection are
/// appended to `user->warnings`. `owned_paths` (may be null) are the paths the
/// recipe's selected configuration profile owns for this component: a user
/// override that changes the value at one of them is INVALID_REQUEST naming
/// `profile` (an identical value is accepted).
Result<serialize::Value> ExtractValues(const recipe::ComponentRef& ref, const recipe::Store& store,
                                       UserOverrides* user,
                                       const std::vector<std::string>* owned_paths = nullptr,
                                       const std::string& profile = "");

/// The profile lock on component presence and install-time values: a component
/// whose presence the selected profile owns (`enabled` among its owned paths)
/// must stay in the bundle, and no `--dynamic` path may touch an owned path.
Status CheckProfileLock(const recipe::RecipeResult& recipe, const Selection& selection,
                        const UserOverrides& user);

}  // namespace aicr::bundler
