#pragma once

/// \file
/// The catalogue data model: overlays (RecipeMetadata), mixins, constraints,
/// component references, validation phases and profile declarations, as decoded
/// from `recipes/`. Plain value types: copies are deep, nothing aliases the store.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "recipe/criteria.h"
#include "serialize/value.h"

namespace aicr::recipe {

/// Authoring-track apiVersions (overlays without a profile, mixins, registry).
inline constexpr std::string_view kApiV1Alpha2 = "aicr.run/v1alpha2";
inline constexpr std::string_view kApiV1Beta1 = "aicr.run/v1beta1";
/// Profile-track apiVersions (overlays with spec.profile; profiled results).
inline constexpr std::string_view kApiV1Alpha3 = "aicr.run/v1alpha3";
inline constexpr std::string_view kApiV1Beta2 = "aicr.run/v1beta2";
/// Default RecipeResult apiVersion.
inline constexpr std::string_view kApiV1 = "aicr.run/v1";

struct Constraint {
  std::string name;
  std::string value;
  std::string severity;  ///< "", "error" or "warning"
  std::string remediation;
  std::string unit;
  friend bool operator==(const Constraint&, const Constraint&) = default;
};

struct ExpectedResource {
  std::string kind;
  std::string name;
  std::string namespace_;
  friend bool operator==(const ExpectedResource&, const ExpectedResource&) = default;
};

struct ComponentRef {
  std::string name;
  std::string namespace_;
  std::string chart;
  std::string type;  ///< "Helm" or "Kustomize" once canonicalised; may be empty before defaults
  std::string source;
  std::string version;
  std::string tag;
  std::string values_file;
  /// Inline Helm values (a mapping, or null when absent). YAML nulls inside are kept.
  serialize::Value overrides;
  std::vector<std::string> patches;
  std::vector<std::string> dependency_refs;
  std::vector<std::string> manifest_files;
  std::vector<std::string> pre_manifest_files;
  std::string path;
  bool cleanup = false;
  std::vector<ExpectedResource> expected_resources;
  std::string health_check_asserts;
  bool health_check_skip = false;

  /// False when overrides.enabled or overrides.install is the bool false.
  bool IsEnabled() const;
  friend bool operator==(const ComponentRef&, const ComponentRef&) = default;
};

struct NodeSelection {
  std::map<std::string, std::string> selector;
  int max_nodes = 0;
  std::vector<std::string> exclude_nodes;
  friend bool operator==(const NodeSelection&, const NodeSelection&) = default;
};

/// One validation phase. `constraints` and `checks` distinguish absent (nullopt)
/// from an explicit empty list, which clears inherited entries when merged.
struct ValidationPhase {
  std::string timeout;
  std::optional<std::vector<Constraint>> constraints;
  std::optional<std::vector<std::string>> checks;
  std::optional<NodeSelection> node_selection;
  std::string infrastructure;
  friend bool operator==(const ValidationPhase&, const ValidationPhase&) = default;
};

/// Phases by name; a present phase is enabled.
struct ValidationConfig {
  std::optional<ValidationPhase> readiness;
  std::optional<ValidationPhase> deployment;
  std::optional<ValidationPhase> performance;
  std::optional<ValidationPhase> conformance;
  friend bool operator==(const ValidationConfig&, const ValidationConfig&) = default;
};

struct ProfileComponentFragment {
  std::string name;
  serialize::Value overrides;
  friend bool operator==(const ProfileComponentFragment&,
                         const ProfileComponentFragment&) = default;
};

struct ProfileValue {
  std::string advertiser;  ///< "" or "external"
  std::vector<Constraint> constraints;
  std::vector<Constraint> readiness_constraints;
  std::vector<ProfileComponentFragment> component_refs;
  friend bool operator==(const ProfileValue&, const ProfileValue&) = default;
};

struct ProfileDeclaration {
  std::string name;
  std::string description;
  std::string default_value;
  /// Value names in declaration order with their fragments.
  std::vector<std::pair<std::string, ProfileValue>> values;
  friend bool operator==(const ProfileDeclaration&, const ProfileDeclaration&) = default;
};

struct RecipeMetadataSpec {
  std::string base;
  std::optional<Criteria> criteria;  ///< absent on base.yaml and ancestor-only overlays
  std::vector<std::string> mixins;
  std::vector<Constraint> constraints;
  std::vector<ComponentRef> component_refs;
  std::optional<ValidationConfig> validation;
  std::optional<ProfileDeclaration> profile;
  friend bool operator==(const RecipeMetadataSpec&, const RecipeMetadataSpec&) = default;
};

/// An overlay (or base.yaml): `kind: RecipeMetadata`.
struct RecipeMetadata {
  std::string api_version;
  std::string name;  ///< metadata.name; the overlay key
  std::string path;  ///< data-relative path it was loaded from
  RecipeMetadataSpec spec;
  friend bool operator==(const RecipeMetadata&, const RecipeMetadata&) = default;
};

/// `kind: RecipeMixin`: constraints and component refs only.
struct RecipeMixin {
  std::string api_version;
  std::string name;
  std::string path;
  std::vector<Constraint> constraints;
  std::vector<ComponentRef> component_refs;
  friend bool operator==(const RecipeMixin&, const RecipeMixin&) = default;
};

}  // namespace aicr::recipe
