#pragma once

/// \file
/// The merge rules of resolution: overlay specs onto the accumulated spec
/// (constraints and component refs keyed by name, validation phases field by
/// field, mixin names accumulated), component refs field by field, override maps
/// (nulls kept) and Helm values (nulls delete), and a component's fully merged
/// values.

#include <map>
#include <optional>
#include <string>

#include "base/result.h"
#include "recipe/model.h"
#include "serialize/value.h"

namespace aicr::recipe {

class Store;

/// Deep-merges mapping `src` into `dst` (a null `dst` becomes an empty mapping):
/// mapping onto mapping recurses; a mapping onto anything else replaces it with a
/// copy (even an empty mapping); every other value (lists, scalars, null) replaces.
/// YAML nulls are stored, not deleted. A non-mapping `src` is ignored.
void DeepMergeMap(serialize::Value& dst, const serialize::Value& src);

/// The Helm values merge: like DeepMergeMap, except that a null in `src` deletes
/// the key from `dst`.
void MergeValues(serialize::Value& dst, const serialize::Value& src);

/// `overlay` merged onto `base`; the overlay wins only where it is set: scalar
/// strings when non-empty, overrides deep-merged (nulls kept), patches and
/// expectedResources replaced when non-empty, dependencyRefs / manifestFiles /
/// preManifestFiles unioned (base order, then new items), cleanup and
/// healthCheckSkip set-if-true.
ComponentRef MergeComponentRef(const ComponentRef& base, const ComponentRef& overlay);

/// Merges one validation phase: an absent overlay keeps `base`, an absent base takes
/// the overlay; timeout/infrastructure overlay-wins-if-set; checks and constraints
/// cleared by an explicit empty overlay list, otherwise unioned (constraints by
/// name, overlay value substituted in base position, overlay-only names appended,
/// last duplicate wins); nodeSelection replaced when the overlay has one.
std::optional<ValidationPhase> MergeValidationPhase(const std::optional<ValidationPhase>& base,
                                                    const std::optional<ValidationPhase>& overlay);

/// Merges `other` into `dst`: constraints by name (other wins) and component refs by
/// name (MergeComponentRef; two same-named refs in `other` collapse onto the first),
/// both re-sorted by name; validation per phase (or cloned when `dst` has none);
/// mixin names appended without duplicates. base/criteria/profile are not merged.
void MergeSpec(RecipeMetadataSpec& dst, const RecipeMetadataSpec& other);

/// The effective Helm values of `ref`: `{}` without valuesFile and overrides; else
/// `components/<name>/values.yaml` (when valuesFile names another file and the base
/// file exists) merged with valuesFile, then the overrides, via MergeValues. Files
/// are looked up in `values_files` (data-relative path -> bytes). NOT_FOUND
/// `values file not found: <path>` for a missing valuesFile; INVALID_REQUEST when a
/// file is not a YAML mapping.
Result<serialize::Value> ResolveComponentValues(
    const std::map<std::string, std::string>& values_files, const ComponentRef& ref);

/// ResolveComponentValues over the store's values files.
Result<serialize::Value> ResolveComponentValues(const Store& store, const ComponentRef& ref);

}  // namespace aicr::recipe
