#pragma once

/// \file
/// The immutable catalogue store: every overlay, mixin, values file and the
/// component registry of one DataProvider, loaded and checked once (see
/// LoadStore for the load rules). Resolution reads it and never mutates it.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "catalog/data_provider.h"
#include "recipe/criteria_registry.h"
#include "recipe/model.h"
#include "recipe/registry.h"

namespace aicr::recipe {

class Store {
 public:
  /// base.yaml (`overlays/base.yaml`).
  const RecipeMetadata& base() const { return base_; }
  /// Overlays by metadata.name (base excluded).
  const std::map<std::string, RecipeMetadata>& overlays() const { return overlays_; }
  /// Mixins by metadata.name.
  const std::map<std::string, RecipeMixin>& mixins() const { return mixins_; }
  /// Raw bytes of every file under a `components/` path, by data-relative path.
  const std::map<std::string, std::string>& values_files() const { return values_files_; }
  const ComponentRegistry& registry() const { return registry_; }
  /// Values seen in overlay criteria, with their origin (embedded/external).
  const CriteriaRegistry& criteria_registry() const { return criteria_registry_; }
  /// Source of each overlay: catalog::kSourceEmbedded / kSourceExternal / kSourceMerged.
  std::string_view OverlaySource(std::string_view name) const;
  /// The provider the store was loaded from (for health-check asserts and files).
  const catalog::DataProvider& provider() const { return *provider_; }

  /// Leaves: overlays with criteria that no other overlay names as its base, by name.
  std::vector<std::string> LeafNames() const;
  bool IsLeaf(std::string_view name) const;

  /// The overlay named `name` (base included under "base"), or nullptr.
  const RecipeMetadata* Find(std::string_view name) const;

  /// Root-to-leaf chain of `name`, base excluded: [root-most ancestor, ..., name].
  /// NOT_FOUND `recipe "x" not found (referenced in inheritance chain)`;
  /// INVALID_REQUEST `circular inheritance detected: recipe "x" references itself in
  /// inheritance chain`.
  Result<std::vector<const RecipeMetadata*>> Chain(std::string_view name) const;

 private:
  friend class StoreBuilder;
  RecipeMetadata base_;
  std::map<std::string, RecipeMetadata> overlays_;
  std::map<std::string, RecipeMixin> mixins_;
  std::map<std::string, std::string> values_files_;
  std::map<std::string, std::string> overlay_sources_;
  ComponentRegistry registry_;
  CriteriaRegistry criteria_registry_;
  const catalog::DataProvider* provider_ = nullptr;
};

/// Loads the store of `provider` (which must outlive it), applying every load check:
/// headers per track, strict decoding of mixins and profile-track overlays, duplicate
/// mixin names, constraint-path syntax, registry validation, base.yaml present and
/// its dependencies valid, external overlays with criteria.nodes != 0 rejected,
/// criteria values registered with their origin.
Result<std::shared_ptr<const Store>> LoadStore(const catalog::DataProvider& provider);

/// LoadStore memoised by provider identity (thread-safe; errors are not cached).
Result<std::shared_ptr<const Store>> GetStore(const catalog::DataProvider& provider);

}  // namespace aicr::recipe
