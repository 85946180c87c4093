#pragma once

// The catalogue lint rules, one function per rule. Each lints the catalogue served
// by a DataProvider (the embedded one in CI, a small in-memory one in the tests
// that prove a rule fires) and returns its findings, each naming the offending
// file, overlay or component; an empty list means the rule holds. Rules that need
// the decoded catalogue load it first and report a load failure as their only
// finding.

#include <cstddef>
#include <string>
#include <vector>

#include "catalog/data_provider.h"

namespace aicr::lint {

using Problems = std::vector<std::string>;

/// valuesFile, manifestFiles and preManifestFiles of every base, overlay and mixin
/// ref, and every registry default manifestFile, exist.
Problems ReferencedFilesExist(const catalog::DataProvider& data);

/// Every component an overlay, base or mixin names is in the registry.
Problems ComponentsAreRegistered(const catalog::DataProvider& data);

/// No overlay, base or mixin ref pins a version or tag (the registry does).
Problems NoVersionPinsOutsideTheRegistry(const catalog::DataProvider& data);

/// Every registry component names a health check file that exists.
Problems EveryComponentHasAHealthCheck(const catalog::DataProvider& data);

/// No two overlays declare identical criteria.
Problems NoTwoOverlaysShareCriteria(const catalog::DataProvider& data);

/// Every overlay's base chain resolves within 10 levels; an overlay with a base
/// other than `base` has criteria.
Problems ChainsResolveAndStayShallow(const catalog::DataProvider& data);

/// Each overlay with criteria resolves for its own criteria and is applied.
Problems EveryOverlayMergesWithBase(const catalog::DataProvider& data);

/// Resolved enabled Helm components carry the registry's version.
Problems ResolvedHelmComponentsArePinned(const catalog::DataProvider& data);

/// Every declared validation check names exactly one validator of that phase in
/// validators/catalog.yaml; validator names are unique.
Problems DeclaredChecksResolveToOneValidator(const catalog::DataProvider& data);

/// Number of validators in validators/catalog.yaml (0 when unreadable).
std::size_t ValidatorCount(const catalog::DataProvider& data);

/// Overlay criteria values are canonical built-in values (exact spelling, no
/// alias), or one of the few data-driven values this catalogue admits on purpose
/// (service generic/k0s/rke2/togetherai, accelerator vr200, platform kueue).
Problems CriteriaValuesAreKnown(const catalog::DataProvider& data);

/// A raw manifest document (components/*/manifests/*) with a custom (non-core)
/// apiVersion declares a `helm.sh/hook` annotation, or opts out with
/// `aicr/skip-hook-validation: "true"`.
Problems CustomResourceManifestsDeclareHooks(const catalog::DataProvider& data);

/// A manifest document that opts out with `aicr/skip-hook-validation: "true"`
/// carries no `helm.sh/hook*` annotation.
Problems HookOptOutManifestsCarryNoHooks(const catalog::DataProvider& data);

/// Every mixin, appended to the mixins of some leaf overlay that does not already
/// compose it, resolves for that leaf's criteria: its component overrides pass the
/// mixin-safe-path check, the leaf is applied and every component of the mixin is
/// in the result. `used_leaves`, when given, receives "mixin -> leaf" per mixin.
Problems EveryMixinComposesOntoALeaf(const catalog::DataProvider& data,
                                     std::vector<std::string>* used_leaves = nullptr);

/// `mixin` composes onto every leaf overlay (that does not already compose it)
/// whose resolved recipe deploys an enabled `component`.
Problems MixinComposesOntoEveryLeafWith(const catalog::DataProvider& data, const std::string& mixin,
                                        const std::string& component);

}  // namespace aicr::lint
