#pragma once

/// \file
/// Post-merge normalisation of component refs: canonical types, registry defaults
/// (chart coordinates, manifestFiles, health-check asserts) and the coherence and
/// duplicate-name checks every produced recipe must pass.

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/data_provider.h"
#include "recipe/model.h"
#include "recipe/registry.h"

namespace aicr::recipe {

inline constexpr std::string_view kTypeHelm = "Helm";
inline constexpr std::string_view kTypeKustomize = "Kustomize";
/// The reserved override key that may not name a component.
inline constexpr std::string_view kReservedDeployerKey = "deployer";

/// `helm`/`HELM` -> `Helm`, `kustomize` -> `Kustomize`; other types untouched.
void CanonicalizeComponentTypes(std::vector<ComponentRef>& refs);

/// Fills unset fields of `ref` from `config`: type; for Helm source, version,
/// namespace and chart (the last `/` segment of defaultChart); for Kustomize source,
/// tag and path; manifestFiles when the ref has none. Health asserts are not read.
void ApplyRegistryDefaults(ComponentRef& ref, const RegistryComponent& config);

/// ApplyRegistryDefaults for every ref the registry knows, then health-check
/// hydration: unless healthCheckSkip or inline healthCheckAsserts, the registry's
/// healthCheck.assertFile is read through `provider` into healthCheckAsserts
/// (disabled refs included). A read failure keeps its code, with the message
/// `failed to read healthCheck.assertFile for component "x" from "path": <cause>`.
Status ApplyRegistryDefaults(const ComponentRegistry& registry,
                             const catalog::DataProvider& provider,
                             std::vector<ComponentRef>& refs);

/// Non-empty after trimming and not a bare `v`.
bool IsEffectiveChartVersion(std::string_view version);
/// The explicit chart, else the component name.
std::string EffectiveChart(const ComponentRef& ref);
/// A Helm ref (case-insensitive type) with a source.
bool HasExternalChart(const ComponentRef& ref);

/// Why `ref`'s deployment-shape fields are inconsistent, or "" when coherent.
std::string CoherenceProblem(const ComponentRef& ref);

/// Every enabled ref's coherence problem, sorted, as one INVALID_REQUEST
/// `recipe has incoherent component ref(s): <p1>; <p2>`.
Status ValidateCoherence(const std::vector<ComponentRef>& refs);

/// INVALID_REQUEST `recipe has duplicate component ref name "x" (refs i and j)` for
/// a repeated non-empty name (enabled or not).
Status ValidateRefNames(const std::vector<ComponentRef>& refs);

}  // namespace aicr::recipe
