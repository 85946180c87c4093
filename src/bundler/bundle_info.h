#pragma once

/// \file
/// `bundle-info.yaml` (aicr-bundle §2): the bundle-root build record — which
/// deployer and aicr build produced the bundle, the digest of the `recipe.yaml`
/// beside it, the settings whose effect shows in the bundle's files, and the
/// releases in deployment order. No timestamps, sorted keys.

#include <string>
#include <vector>

#include "serialize/value.h"

namespace aicr::bundler {

struct BundleRelease {
  std::string name;
  std::string component;
  std::string namespace_;  ///< omitted when empty
  std::string path;
  std::string manifest;  ///< omitted when empty
};

struct BundleInfo {
  std::string aicr_version;    ///< metadata.version (omitted when empty)
  std::string deployer;        ///< build.deployer
  std::string recipe_digest;   ///< `sha256:<hex>` of recipe.yaml
  std::string recipe_version;  ///< the recipe's metadata.version (omitted when empty)
  bool checksums = true;
  bool attested = false;
  bool vendor_charts = false;
  bool readiness_hooks = false;
  bool serial = false;
  std::vector<std::string> components;  ///< positive filter, omitted when empty
  std::string repo_url;
  std::string target_revision;
  std::string app_name;
  std::string storage_class;
  std::string shared_storage_class;
  /// `{system|accelerated: {selector, tolerations}}`; null or empty → omitted.
  serialize::Value node_scheduling;
  std::string entrypoint;
  std::string provenance;
  std::vector<BundleRelease> releases;
};

/// The document, keys sorted.
std::string RenderBundleInfo(const BundleInfo& info);

}  // namespace aicr::bundler
