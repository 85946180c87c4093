#pragma once

/// \file
/// Offline rendering of one component's chart with `helm template` (a subprocess,
/// `helm` looked up on PATH), for image discovery. Nothing is installed.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/result.h"
#include "recipe/model.h"

namespace aicr::mirror {

/// `helm template --kube-version` when the recipe states no Kubernetes version: a
/// render-safe floor at or above what bundled charts declare as their minimum.
inline constexpr std::string_view kDefaultKubeVersion = "1.33.0";
/// Per-component bound on one `helm template` run.
inline constexpr std::chrono::seconds kHelmTemplateTimeout{90};
/// Rendered output beyond this is an error (charts are untrusted input).
inline constexpr std::size_t kHelmTemplateOutputLimit = std::size_t{100} * 1024 * 1024;
/// The recipe constraint naming the Kubernetes server version.
inline constexpr std::string_view kK8sVersionConstraint = "K8s.server.version";

/// The version for `--kube-version`: the first version in the recipe's
/// `K8s.server.version` constraint (`>= 1.32.4` → `1.32.4`, `v1.33` → `1.33`),
/// else kDefaultKubeVersion (also when the value holds no `major.minor[.patch]`).
std::string KubeVersionFromConstraints(const std::vector<recipe::Constraint>& constraints);

/// What `helm template` needs for one component.
struct ChartInput {
  std::string release;     ///< the component name
  std::string repository;  ///< https:// repository or oci:// location
  std::string chart;
  std::string version;
  std::string namespace_;
  std::string values_yaml;  ///< the merged values, passed on stdin
};

struct HelmRenderOptions {
  std::string helm = "helm";  ///< the program (PATH lookup unless it has a `/`)
  std::string kube_version = std::string(kDefaultKubeVersion);
  /// `--api-versions` for charts gated on `.Capabilities.APIVersions`.
  std::vector<std::string> api_versions = {"resource.k8s.io/v1", "resource.k8s.io/v1beta1"};
  std::chrono::milliseconds timeout = kHelmTemplateTimeout;
  std::size_t max_output_bytes = kHelmTemplateOutputLimit;
};

/// The `helm template` argument vector for `input` (values read from stdin).
std::vector<std::string> HelmTemplateArgs(const ChartInput& input,
                                          const HelmRenderOptions& options);

/// Renders `input`. Errors: CANCELED when `cancel` fires; NOT_FOUND when helm is not
/// installed; TIMEOUT past the timeout; UNAVAILABLE with helm's last error line when
/// helm fails (unreachable repository, missing chart or version, template error);
/// INVALID_REQUEST when the output exceeds the limit.
Result<std::string> RenderHelmChart(const ChartInput& input, const HelmRenderOptions& options,
                                    const CancelToken& cancel);

/// The renderer discovery calls; tests substitute canned output.
using HelmRenderer =
    std::function<Result<std::string>(const ChartInput& input, const CancelToken& cancel)>;

}  // namespace aicr::mirror
