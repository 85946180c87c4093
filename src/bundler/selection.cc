#include "bundler/selection.h"

#include <algorithm>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "recipe/order.h"

namespace aicr::bundler {
namespace {

constexpr std::string_view kDraNodeLabeler = "dra-node-labeler";

std::string DeclaredList(const std::set<std::string>& declared) {
  return Join(std::vector<std::string>(declared.begin(), declared.end()), ", ");
}

}  // namespace

Result<Selection> SelectComponents(const recipe::RecipeResult& recipe,
                                   const SelectionInput& input) {
  if (recipe.component_refs.empty()) {
    return InvalidRequestError("recipe has no component references");
  }
  Selection out;
  std::set<std::string> recipe_disabled;
  for (const auto& ref : recipe.component_refs) {
    if (ref.name.empty()) {
      return InvalidRequestError("recipe has a component reference without a name");
    }
    if (!out.declared.insert(ref.name).second) {
      return InvalidRequestError("component " + Quote(ref.name) +
                                 " is declared twice in the recipe");
    }
    if (!ref.IsEnabled()) {
      recipe_disabled.insert(ref.name);
    }
  }
  std::set<std::string> disabled = recipe_disabled;
  for (const auto& [name, enabled] : input.enabled_toggles) {
    if (out.declared.count(name) == 0) {
      return InvalidRequestError("--set " + name + ":enabled names a component the recipe " +
                                 "does not declare (declared: " + DeclaredList(out.declared) + ")");
    }
    if (enabled && recipe_disabled.count(name) != 0) {
      return InvalidRequestError("component " + Quote(name) +
                                 " is disabled by the recipe and cannot be re-enabled at bundle "
                                 "time; edit the recipe or overlay instead");
    }
    if (!enabled) {
      disabled.insert(name);
    }
  }
  if (!input.bundlers.empty()) {
    std::set<std::string> wanted;
    for (const auto& name : input.bundlers) {
      if (out.declared.count(name) == 0) {
        return InvalidRequestError("bundlers filter names unknown component " + Quote(name) +
                                   " (declared: " + DeclaredList(out.declared) + ")");
      }
      if (disabled.count(name) != 0) {
        return InvalidRequestError("bundlers filter names disabled component " + Quote(name));
      }
      wanted.insert(name);
    }
    for (const auto& name : out.declared) {
      if (wanted.count(name) == 0) {
        disabled.insert(name);
      }
    }
  }
  if (!input.dra_eviction_opt_in) {
    disabled.insert(std::string(kDraNodeLabeler));
  }

  // Enabled refs with dependency edges to disabled components pruned.
  std::vector<recipe::ComponentRef> enabled;
  for (const auto& ref : recipe.component_refs) {
    if (disabled.count(ref.name) != 0) {
      continue;
    }
    recipe::ComponentRef copy = ref;
    copy.dependency_refs.clear();
    for (const auto& dep : ref.dependency_refs) {
      if (out.declared.count(dep) == 0) {
        return InvalidRequestError("component " + Quote(ref.name) +
                                   " depends on undeclared component " + Quote(dep));
      }
      if (disabled.count(dep) == 0 &&
          std::find(copy.dependency_refs.begin(), copy.dependency_refs.end(), dep) ==
              copy.dependency_refs.end()) {
        copy.dependency_refs.push_back(dep);
      }
    }
    enabled.push_back(std::move(copy));
  }
  if (enabled.empty()) {
    return InvalidRequestError("recipe has no enabled components after filtering");
  }
  AICR_ASSIGN_OR_RETURN(auto topo, recipe::TopologicalSort(enabled));
  AICR_ASSIGN_OR_RETURN(auto tiers, recipe::TopologicalLevels(enabled));
  for (std::size_t level = 0; level < tiers.size(); ++level) {
    for (const auto& name : tiers[level]) {
      out.levels[name] = static_cast<int>(level);
    }
  }

  // Deployment order: the recipe's authored order when it covers every selected
  // component and respects every dependency; otherwise the topological order.
  std::vector<std::string> order;
  for (const auto& name : recipe.deployment_order) {
    if (disabled.count(name) == 0 && out.declared.count(name) != 0 &&
        std::find(order.begin(), order.end(), name) == order.end()) {
      order.push_back(name);
    }
  }
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < order.size(); ++i) {
    position[order[i]] = i;
  }
  bool usable = order.size() == enabled.size();
  for (const auto& ref : enabled) {
    if (!usable) {
      break;
    }
    for (const auto& dep : ref.dependency_refs) {
      if (position.count(ref.name) == 0 || position.count(dep) == 0 ||
          position[dep] > position[ref.name]) {
        usable = false;
        break;
      }
    }
  }
  if (!usable) {
    order = std::move(topo);
  }
  std::map<std::string, const recipe::ComponentRef*> by_name;
  for (const auto& ref : enabled) {
    by_name[ref.name] = &ref;
  }
  for (const auto& name : order) {
    out.refs.push_back(*by_name.at(name));
  }
  return out;
}

recipe::RecipeResult FilteredRecipe(const recipe::RecipeResult& recipe,
                                    const Selection& selection) {
  recipe::RecipeResult out = recipe;
  std::set<std::string> kept;
  for (const auto& ref : selection.refs) {
    kept.insert(ref.name);
  }
  out.component_refs.clear();
  for (const auto& ref : recipe.component_refs) {
    if (kept.count(ref.name) != 0) {
      out.component_refs.push_back(ref);
    }
  }
  // Sorted by name, as the resolver writes them, so the bytes of recipe.yaml do
  // not depend on the order refs arrived in.
  std::sort(
      out.component_refs.begin(), out.component_refs.end(),
      [](const recipe::ComponentRef& a, const recipe::ComponentRef& b) { return a.name < b.name; });
  out.deployment_order.clear();
  for (const auto& ref : selection.refs) {
    out.deployment_order.push_back(ref.name);
  }
  return out;
}

}  // namespace aicr::bundler
