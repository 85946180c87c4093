#pragma once

/// \file
/// The resolved recipe (`kind: RecipeResult`): what resolution produces and what
/// bundle/validate consume. ToValue renders it with upstream's keys and omitempty
/// rules (written through the canonical, sorted-key YAML/JSON writers);
/// RecipeResultFromValue reads one back, accepting the legacy kinds and the
/// apiVersions of both the stable and the profile tracks.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "recipe/criteria.h"
#include "recipe/model.h"
#include "serialize/value.h"

namespace aicr::recipe {

inline constexpr std::string_view kRecipeResultKind = "RecipeResult";
/// Legacy kind accepted (and normalised) by readers.
inline constexpr std::string_view kLegacyRecipeKind = "Recipe";

/// Exclusion reasons.
inline constexpr std::string_view kReasonConstraintFailed = "constraint-failed";
inline constexpr std::string_view kReasonMixinConstraintFailed = "mixin-constraint-failed";

/// A criteria-matched overlay dropped by snapshot constraint evaluation.
struct ExcludedOverlay {
  std::string name;
  std::string reason;  ///< kReasonConstraintFailed, kReasonMixinConstraintFailed or ""
  friend bool operator==(const ExcludedOverlay&, const ExcludedOverlay&) = default;
};

/// Why one constraint excluded an overlay.
struct ConstraintWarning {
  std::string overlay;
  std::string constraint;
  std::string expected;
  std::string actual;
  std::string reason;
  friend bool operator==(const ConstraintWarning&, const ConstraintWarning&) = default;
};

/// The applied profile choice with its declaration-wide lock surface: per component
/// (canonical name), the sorted override paths the declaration owns plus the
/// synthetic `enabled` presence path.
struct SelectedProfile {
  std::string name;
  std::string value;
  std::string advertiser;  ///< "" or "external"
  std::map<std::string, std::vector<std::string>> owned_paths;
  friend bool operator==(const SelectedProfile&, const SelectedProfile&) = default;
};

struct RecipeResultMetadata {
  std::string version;
  std::vector<std::string> applied_overlays;
  std::vector<ExcludedOverlay> excluded_overlays;
  std::vector<ConstraintWarning> constraint_warnings;
  std::string gpu_driver_state;  ///< "", "preinstalled" or "absent"
  std::optional<SelectedProfile> selected_profile;
  std::string mariadb_operator_state;
  friend bool operator==(const RecipeResultMetadata&, const RecipeResultMetadata&) = default;
};

struct RecipeResult {
  std::string kind = std::string(kRecipeResultKind);
  std::string api_version = std::string(kApiV1);
  RecipeResultMetadata metadata;
  std::optional<Criteria> criteria;
  /// Typed desired state (`configuration`), carried through as a document; null
  /// when absent.
  serialize::Value configuration;
  std::vector<Constraint> constraints;
  std::vector<ComponentRef> component_refs;
  std::vector<std::string> deployment_order;
  std::optional<ValidationConfig> validation;
  friend bool operator==(const RecipeResult&, const RecipeResult&) = default;
};

/// Renders `result` with upstream's keys: kind, apiVersion, metadata, criteria,
/// componentRefs and deploymentOrder always; configuration, constraints and
/// validation only when set; every other field omitted when empty (except a
/// component ref's `type` and `source`, which are always written).
serialize::Value ToValue(const RecipeResult& result);

/// Rendering helpers shared with query hydration and error details.
serialize::Value ToValue(const Constraint& constraint);
serialize::Value ToValue(const ComponentRef& ref);
serialize::Value ToValue(const ValidationConfig& validation);
serialize::Value ToValue(const Criteria& criteria);
serialize::Value ToValue(const ExcludedOverlay& excluded);
serialize::Value ToValue(const ConstraintWarning& warning);
serialize::Value ToValue(const SelectedProfile& selected);

/// Reads a RecipeResult document. `kind` may be absent, `Recipe` or `RecipeResult`
/// (normalised to RecipeResult); `apiVersion` may be absent or one of aicr.run/v1,
/// aicr.run/v1beta2, aicr.run/v1alpha2, aicr.run/v1alpha3. `excludedOverlays`
/// entries may be plain strings. Unknown fields are ignored. INVALID_REQUEST on a
/// wrong kind, an unsupported apiVersion or a mistyped field (the field named).
Result<RecipeResult> RecipeResultFromValue(const serialize::Value& doc);

/// Whether `api_version` is one a RecipeResult may carry.
bool IsSupportedRecipeResultApiVersion(std::string_view api_version);

/// `s` quoted the way error messages quote names (`"x"`).
std::string Quoted(std::string_view s);

}  // namespace aicr::recipe
