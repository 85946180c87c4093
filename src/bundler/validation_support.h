#pragma once

/// \file
/// Shared helpers of the bundle-time registry validations (validations.h): the
/// check signature (CheckInput/CheckOutput), condition matching, recipe and
/// ValidationContext lookups, enable toggles, dotted value paths, `--dynamic`
/// guards, and the GPU Operator facts more than one check family reads. The
/// checks themselves are declared in checks.h; validations.cc dispatches to them.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "bundler/validations.h"
#include "recipe/criteria.h"
#include "recipe/result.h"
#include "serialize/value.h"

namespace aicr::bundler::validation {

// ---------------------------------------------------------------------------
// Chart facts shared by several check families.

/// The GPU Operator chart's driver install root when the operator manages the driver.
inline constexpr std::string_view kOperatorDriverRoot = "/run/nvidia/driver";
/// The driver root of GKE's managed driver install.
inline constexpr std::string_view kGkeManagedDriverRoot = "/home/kubernetes/bin/nvidia";
/// The GPU Operator's default RuntimeClass (also NVSentinel's chart default).
inline constexpr std::string_view kDefaultRuntimeClass = "nvidia";
/// NVSentinel's metadata-collector subchart toggle.
inline constexpr std::string_view kCollectorEnabledPath = "global.metadataCollector.enabled";

/// The GPU Operator component variants, in the order checks prefer them.
const std::vector<std::string>& GpuOperatorNames();

// ---------------------------------------------------------------------------
// The check signature.

/// A registry entry's `conditions`: dimension name -> accepted values.
using Conditions = std::vector<std::pair<std::string, std::vector<std::string>>>;

/// What a check runs on: the context, the component the entry is registered on,
/// and the entry's conditions.
struct CheckInput {
  const ValidationContext& ctx;
  const std::string& component;
  const Conditions& conditions;
};

/// What a check reports. Findings follow the registry severity; errors always
/// block (except under info).
struct CheckOutput {
  std::vector<std::string> findings;
  std::vector<Status> errors;
};

/// A registry validation function.
using CheckFn = CheckOutput (*)(const CheckInput&);

// ---------------------------------------------------------------------------
// Conditions and recipe lookups.

/// The recipe dimension called `name`, if any.
std::optional<recipe::Dimension> DimensionByName(std::string_view name);

/// Whether the recipe criteria satisfy `conditions` (AND across keys, OR within
/// a list, recipe::MatchesField per value; unknown keys are ignored).
bool ConditionsMatch(const recipe::RecipeResult& r, const Conditions& conditions);

/// The recipe's criteria value for `d`; "" without criteria.
std::string CriteriaValue(const recipe::RecipeResult& r, recipe::Dimension d);

/// The component ref called `name` in `r`, or nullptr.
const recipe::ComponentRef* FindRef(const recipe::RecipeResult& r, std::string_view name);

/// The declared union: ctx.declared_recipe when set, else ctx.recipe.
const recipe::RecipeResult& DeclaredRecipe(const ValidationContext& ctx);

/// Whether `--set <name>:enabled=false` turns the component off.
bool ToggledOff(const ValidationContext& ctx, std::string_view name);

/// A disabled component renders nothing: the recipe gates it off, or --set does.
bool Disabled(const ValidationContext& ctx, const recipe::ComponentRef* ref, std::string_view name);

/// A component of the declared union: its ref when known (the name alone when
/// only `declared` lists it).
struct DeclaredComponent {
  std::string name;
  bool declared = false;
  const recipe::ComponentRef* ref = nullptr;
};

/// Looks `name` up in the declared union (declared recipe, then the filtered one).
DeclaredComponent Declared(const ValidationContext& ctx, std::string_view name);

/// Whether `name` is in the bundle.
bool IsSelected(const ValidationContext& ctx, std::string_view name);

/// The caller-supplied values of `name`, or nullptr.
const serialize::Value* ValuesOf(const ValidationContext& ctx, std::string_view name);

/// The INTERNAL error for a component whose values were not resolved.
Status MissingValues(std::string_view component, std::string_view purpose);

/// The bundle-rendered values of `name`, or an INTERNAL error (appended to
/// `out->errors`) when a component in the bundle has none.
const serialize::Value* RenderedValues(const ValidationContext& ctx, std::string_view name,
                                       std::string_view purpose, CheckOutput* out);

/// Evidence values of another component; nullptr (logged) when the caller
/// supplied none for a component outside the bundle.
const serialize::Value* EvidenceValues(const ValidationContext& ctx, std::string_view name,
                                       std::string_view purpose, CheckOutput* out);

/// The namespace `name` deploys to: its ref's, else the registry's Helm default,
/// else "".
std::string NamespaceOf(const ValidationContext& ctx, const std::string& name,
                        const recipe::ComponentRef* ref);

/// The last registry override key of `component` (the `--set` prefix remedies
/// name), or the component name.
std::string LastOverrideKey(const ValidationContext& ctx, const std::string& component);

/// The selected component the check is registered on, unless disabled.
const recipe::ComponentRef* OwnRef(const CheckInput& in);

// ---------------------------------------------------------------------------
// Value paths and toggles.

/// Splits a dotted path into its keys.
std::vector<std::string> SplitDots(std::string_view path);

/// Walks a dotted path through mappings only; nullptr when any step is missing
/// or not a mapping.
const serialize::Value* Lookup(const serialize::Value& root, std::string_view path);

/// A string leaf: absent (present=false, valid=true, including a non-mapping
/// step), a string (present, valid) or another type (present=false, valid=false).
struct StringLeaf {
  std::string value;
  bool present = false;
  bool valid = true;
};

/// Resolves the string leaf at a dotted path.
StringLeaf ResolvedString(const serialize::Value& root, std::string_view path);

/// Helm's (Go text/template's) truth rule; an absent value is false.
bool HelmTruthy(const serialize::Value* v);

/// A value and its type, for messages.
std::string Describe(const serialize::Value& v);

/// `values[section].enabled`: absent (no value, no problem), a bool, or a
/// problem (explicit null section, non-mapping section, non-bool toggle).
struct Toggle {
  std::optional<bool> value;
  std::string problem;
};

/// Reads `values[section].enabled` as a Toggle.
Toggle OwnershipToggle(const serialize::Value& values, std::string_view section);

/// Whether NVSentinel's `global.<key>.enabled` is a literal false.
bool ConsumerDisabled(const serialize::Value& values, std::string_view key);

/// A Chart.yaml dependency condition at global.<key>.enabled: only a literal
/// false turns the subchart off; a non-bool value or a non-mapping section
/// renders it. Absent leaves the chart default (present=false).
struct Subchart {
  bool renders = false;
  bool present = false;
};

/// Reads the dependency condition of the subchart toggled at global.<key>.enabled.
Subchart SubchartCondition(const serialize::Value& values, std::string_view key);

/// Go's path.Clean: lexical normalisation of a slash-separated path.
std::string CleanPath(std::string_view p);

/// A host path a chart value resolves to, or the problem that stops it.
struct ResolvedPath {
  std::string path;
  bool declared = false;
  std::string problem;
};

/// gpu-operator hostPaths.driverInstallDir: absent or "" means the chart default.
ResolvedPath ResolveInstallDir(const serialize::Value& values, const std::string& component);

// ---------------------------------------------------------------------------
// `--dynamic` guards.

/// A `--dynamic` path and the guarded path it intersects.
struct DynamicHit {
  std::string path;
  std::string guard;
};

/// `--dynamic` declarations of `component` that equal, contain or sit under a
/// guarded path.
std::vector<DynamicHit> DynamicHits(const ValidationContext& ctx, std::string_view component,
                                    const std::vector<std::string>& guarded);

/// Whether any `--dynamic` declaration of `component` intersects `guarded`.
bool HasDynamic(const ValidationContext& ctx, std::string_view component,
                const std::vector<std::string>& guarded);

/// One finding per dynamic declaration intersecting a path a gate verifies.
std::vector<std::string> DynamicGuardFindings(const ValidationContext& ctx,
                                              const std::string& reporter,
                                              std::string_view component,
                                              const std::vector<std::string>& guarded,
                                              std::string_view why);

}  // namespace aicr::bundler::validation
