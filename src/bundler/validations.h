#pragma once

/// \file
/// Registry-driven bundle-time validations (aicr-bundle §6.1, §1.2 step 8). Each
/// registry entry may declare `validations: [{function, severity, conditions,
/// message}]`; RunComponentValidations runs them for every component in the
/// bundle against exactly the values the bundle will render.
///
/// Severity: `error` turns every finding into a blocking INVALID_REQUEST
/// (`<finding>. <message>`); `warning` (the default, also for an unrecognised
/// spelling) turns findings into notes prefixed `Warning: `; `info` only logs.
/// A check may also report a hard error, which blocks under `warning` and
/// `error` (its own code kept when the entry has no message, INVALID_REQUEST
/// `<error>. <message>` otherwise) and is only logged under `info`. An unknown
/// function name is a blocking INVALID_REQUEST. All validations of one
/// component run; the first blocking error of the first failing component stops
/// the run, and every warning gathered up to there is kept.
///
/// Conditions (`intent|service|accelerator|os|platform: [values]`) AND across keys
/// and OR within a list, matched with the recipe's asymmetric field rule: a
/// recipe dimension left `any`/empty matches every listed value, a listed `any`
/// matches only a generic recipe value; an unknown key is ignored; a recipe
/// without criteria matches no non-empty condition set.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "recipe/registry.h"
#include "recipe/result.h"
#include "serialize/value.h"

namespace aicr::bundler {

struct ValidationContext {
  /// The filtered recipe (criteria, metadata, configuration, the bundle's refs).
  /// Validations run for its component_refs, in that order, that are in `selected`.
  const recipe::RecipeResult* recipe = nullptr;
  /// The recipe before filtering: the declared union that cross-component checks
  /// read platform evidence from (a gpu-operator left out by `bundlers=` still
  /// describes the cluster). nullptr means `recipe` is the whole declaration.
  const recipe::RecipeResult* declared_recipe = nullptr;
  const recipe::ComponentRegistry* registry = nullptr;
  /// Final values by canonical component name: every selected component, plus
  /// optionally declared-but-unselected components whose values serve as
  /// cross-component evidence (checks needing absent evidence skip that part).
  std::map<std::string, serialize::Value> values;
  /// Components in the bundle.
  std::set<std::string> selected;
  /// Components the recipe declares (enabled or not).
  std::set<std::string> declared;
  /// `--set <canonical>:enabled=<bool>`.
  std::map<std::string, bool> enabled_toggles;
  /// `--set` scalars: canonical component -> path -> raw string (aliases merged,
  /// `enabled` stripped).
  std::map<std::string, std::map<std::string, std::string>> set_values;
  /// `--dynamic`: canonical component -> paths.
  std::map<std::string, std::vector<std::string>> dynamic_paths;
  std::vector<std::string> workload_selectors;          ///< raw `k=v`
  std::vector<std::string> accelerated_node_selectors;  ///< raw `k=v`
  /// Rendered toleration mappings {key, operator, value, effect, tolerationSeconds}.
  std::vector<serialize::Value> accelerated_tolerations;
};

struct ValidationOutcome {
  /// Non-blocking notes, each starting with `Warning: `.
  std::vector<std::string> warnings;
};

/// Runs every registry validation of every selected component whose conditions
/// match the recipe criteria (see the file comment for severities and ordering).
/// INVALID_REQUEST for the first blocking finding, an unknown function (named
/// with its component) or a malformed `validations` entry; a check's hard error
/// keeps its code (e.g. CONFLICT for existing MariaDB resources); INTERNAL when
/// `recipe` or `registry` is missing or a selected component has no values.
/// On an error the warnings gathered before it are logged (log::Warn), since the
/// Result carries only the error; use the overload below to receive them.
Result<ValidationOutcome> RunComponentValidations(const ValidationContext& ctx);

/// The same run, appending to `outcome->warnings` whether or not it fails: the
/// warnings gathered before a blocking error are kept there.
Status RunComponentValidations(const ValidationContext& ctx, ValidationOutcome* outcome);

/// Whether `function` names a check RunComponentValidations knows.
bool IsKnownValidationFunction(std::string_view function);

/// The known check names, sorted.
std::vector<std::string> KnownValidationFunctions();

}  // namespace aicr::bundler
