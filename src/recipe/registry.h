#pragma once

/// \file
/// The component registry (`recipes/registry.yaml`, `kind: ComponentRegistry`): one
/// entry per deployable component with its chart defaults, override-key aliases,
/// scheduling paths, mixin allowlist and health check.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::recipe {

struct HelmDefaults {
  std::string default_repository;  ///< "" means manifest-only
  std::string default_chart;       ///< may carry a repo prefix (`nvidia/gpu-operator`)
  std::string default_version;
  std::string default_namespace;
};

struct KustomizeDefaults {
  std::string default_source;
  std::string default_path;
  std::string default_tag;
};

struct RegistryComponent {
  std::string name;
  std::string display_name;
  std::vector<std::string> value_override_keys;
  std::optional<HelmDefaults> helm;
  std::optional<KustomizeDefaults> kustomize;
  /// Dotted leaf paths a mixin may set in overrides of an existing component.
  std::vector<std::string> mixin_safe_override_paths;
  std::string health_check_assert_file;     ///< healthCheck.assertFile
  std::vector<std::string> manifest_files;  ///< default manifestFiles (Helm only)
  /// The whole entry as decoded, for bundle-time consumers (nodeScheduling,
  /// podScheduling, storageClassPaths, validations, flags, upgrades, testTier).
  serialize::Value raw;

  /// "Kustomize" when kustomize.defaultSource is set, else "Helm".
  std::string Type() const;
};

class ComponentRegistry {
 public:
  ComponentRegistry() = default;

  /// Decodes and validates a registry document: header (kind ComponentRegistry,
  /// authoring-track apiVersion), name and displayName required, unique names,
  /// unique valueOverrideKeys, `deployer` reserved, helm XOR kustomize, no
  /// manifestFiles with kustomize. INVALID_REQUEST with the offending entry named.
  static Result<ComponentRegistry> FromValue(const serialize::Value& doc);

  const std::string& api_version() const { return api_version_; }
  /// Entries in file order.
  const std::vector<RegistryComponent>& components() const { return components_; }
  /// The entry named `name`, or nullptr.
  const RegistryComponent* Find(std::string_view name) const;
  /// By name, then by valueOverrideKeys alias, in registry order; nullptr when none.
  const RegistryComponent* FindByOverrideKey(std::string_view key) const;
  /// Sorted names.
  std::vector<std::string> Names() const;

 private:
  std::string api_version_;
  std::vector<RegistryComponent> components_;
};

}  // namespace aicr::recipe
