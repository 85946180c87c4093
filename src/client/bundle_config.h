#pragma once

/// \file
/// `spec.bundle` of the `--config` file (aicr-cli-and-api §4): bundle inputs,
/// output, deployment and scheduling settings. A CLI flag always wins; a list or
/// map flag replaces the config value. Attestation settings feed the same signing
/// rules as the flags (client/bundle_attest.h); the OIDC token is never read from
/// the file.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::client {

struct BundleConfig {
  std::string input_recipe;                         ///< input.recipe
  std::string output_target;                        ///< output.target
  std::string deployer;                             ///< deployment.deployer
  std::string repo;                                 ///< deployment.repo
  std::string app_name;                             ///< deployment.appName
  std::optional<std::vector<std::string>> set;      ///< deployment.set[]
  std::optional<std::vector<std::string>> dynamic;  ///< deployment.dynamic[]
  std::optional<bool> vendor_charts;                ///< deployment.vendorCharts
  /// scheduling.*: selectors as `k=v` (keys sorted), tolerations as given.
  std::optional<std::vector<std::string>> system_node_selector;
  std::optional<std::vector<std::string>> system_node_tolerations;
  std::optional<std::vector<std::string>> accelerated_node_selector;
  std::optional<std::vector<std::string>> accelerated_node_tolerations;
  std::optional<std::vector<std::string>> workload_selector;
  std::string dra_eviction_node_label;
  std::string workload_gate;
  std::optional<std::int64_t> nodes;
  std::string storage_class;
  std::string shared_storage_class;
  std::string output_image_refs;  ///< output.imageRefs
  /// attestation.*
  std::optional<bool> attestation_enabled;
  std::string certificate_identity_regexp;
  std::optional<bool> oidc_device_flow;
  std::string fulcio_url;
  std::string rekor_url;
  std::string signing_key;
  /// registry.*
  std::optional<bool> insecure_tls;
  std::optional<bool> plain_http;
};

/// Decodes `spec.bundle` (null → empty). INVALID_REQUEST naming the spec path for
/// an unknown field, a wrong type, or `output.imageRefs` without an `oci://`
/// output target.
Result<BundleConfig> DecodeBundleConfig(const serialize::Value& bundle);

}  // namespace aicr::client
