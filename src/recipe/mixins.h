#pragma once

/// \file
/// Mixin composition (after the whole chain is merged): each name in spec.mixins, in
/// accumulation order, contributes its constraints and component refs under the
/// safety rules that keep a mixin from silently overriding the chain: no constraint
/// name collisions, only additive fields on an existing component, overrides only at
/// registry-allowlisted paths (mixinSafeOverridePaths) that no existing raw layer
/// already configures.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "catalog/data_provider.h"
#include "recipe/model.h"
#include "recipe/registry.h"
#include "serialize/value.h"

namespace aicr::recipe {

/// What a mixin composition needs from the catalogue.
struct MixinSources {
  const std::map<std::string, RecipeMixin>* mixins = nullptr;
  const ComponentRegistry* registry = nullptr;
  /// Values files for the collision check (base values.yaml, valuesFile) are read
  /// through it; may be null when no component carries a valuesFile.
  const catalog::DataProvider* provider = nullptr;
};

/// Merges every mixin named in `spec.mixins` into `spec`, then clears
/// `spec.mixins`. Returns the constraint names the mixins contributed. Errors:
/// NOT_FOUND `mixin "x" not found in recipes/mixins/`; INVALID_REQUEST for a
/// constraint collision, a component repeated inside one mixin, an identity/sourcing
/// field on an existing component, a valuesFile on an allowlisted new component, or
/// an unsafe override (empty map, dotted/empty key, path not allowlisted, collision
/// with a path already configured).
Result<std::set<std::string>> MergeMixins(const MixinSources& sources, RecipeMetadataSpec& spec);

/// The first identity/sourcing field a mixin ref sets (in the order chart, type,
/// source, version, tag, path, valuesFile, patches, cleanup, expectedResources,
/// healthCheckAsserts, healthCheckSkip), or "" when it only sets safe fields.
std::string MixinUnsafeField(const ComponentRef& ref);

/// Sorted dotted leaf paths of an overrides mapping (an empty nested map is a leaf).
/// INVALID_REQUEST `<context>: override key "k" must be nonempty and may not contain
/// a literal dot`.
Result<std::vector<std::string>> OverrideLeafPaths(const serialize::Value& overrides,
                                                   const std::string& context);

}  // namespace aicr::recipe
