#pragma once

/// \file
/// Which components a bundle contains (aicr-bundle §1.2 steps 3–5): the recipe's
/// own `enabled` gates, `--set <c>:enabled=false` toggles, the positive
/// `bundlers` filter, the DRA-labeler opt-in, and the dependency graph of what is
/// left (edges to declared-but-disabled components are pruned; an undeclared
/// dependency or a cycle is an error).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "recipe/result.h"

namespace aicr::bundler {

struct SelectionInput {
  /// `--set <canonical>:enabled=<bool>` toggles, by canonical component name.
  std::map<std::string, bool> enabled_toggles;
  /// Positive filter (REST `?bundlers=`); empty means every enabled component.
  std::vector<std::string> bundlers;
  /// `--dra-eviction-node-label` was given (keeps `dra-node-labeler`).
  bool dra_eviction_opt_in = false;
};

struct Selection {
  /// Enabled refs in deployment order, dependencies pruned to enabled ones.
  std::vector<recipe::ComponentRef> refs;
  /// Dependency level of each selected component (0 = no selected dependency).
  std::map<std::string, int> levels;
  /// Every component the recipe declares, enabled or not.
  std::set<std::string> declared;
};

/// Applies the selection rules to `recipe`. INVALID_REQUEST for: no component refs;
/// a duplicate component name; `enabled=true` on a component the recipe disables;
/// a toggle or filter naming an undeclared component; a filter naming a disabled
/// one; nothing left after filtering; a dependency on an undeclared component; a
/// dependency cycle.
Result<Selection> SelectComponents(const recipe::RecipeResult& recipe, const SelectionInput& input);

/// The recipe written into the bundle: component refs restricted to `selection`
/// and sorted by name; the deployment order is the selection's.
recipe::RecipeResult FilteredRecipe(const recipe::RecipeResult& recipe, const Selection& selection);

}  // namespace aicr::bundler
