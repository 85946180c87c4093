#pragma once

/// \file
/// Chart pulling for `aicr bundle --vendor-charts` (aicr-bundle §3.6). The bundler
/// only sees this interface: the CLI plugs in the helm-backed puller
/// (helm_chart_puller.h), tests plug in a fake. VendorCharts pulls every upstream
/// Helm component of a plan into memory; RenderProvenance writes the audit record
/// `provenance.yaml` of what was pulled.

#include <string>

#include "base/result.h"
#include "base/status.h"
#include "layout/plan.h"

namespace aicr::bundler {

/// What to pull: a chart at an exact version from an http(s) or `oci://`
/// repository.
struct ChartCoordinates {
  std::string repository;
  std::string chart;
  std::string version;
};

/// One pulled chart.
struct PulledChart {
  std::string tarball_name;    ///< basename of the `.tgz`, e.g. `cert-manager-v1.17.2.tgz`
  std::string bytes;           ///< the tarball
  std::string puller_version;  ///< identifies the puller (e.g. `helm-cli v3.17.0`); may be ""
};

class ChartPuller {
 public:
  virtual ~ChartPuller() = default;
  /// Pulls one chart. Errors carry their code (UNAVAILABLE, NOT_FOUND, ...) and
  /// say what failed.
  virtual Result<PulledChart> Pull(const ChartCoordinates& chart) const = 0;
};

/// INVALID_REQUEST unless the repository is http(s):// or oci:// and the chart
/// name and version are single tokens that cannot be read as options
/// (`[A-Za-z0-9][A-Za-z0-9._-]*`, the version also allowing `+`).
Status ValidateChartCoordinates(const ChartCoordinates& chart);

/// Pulls the chart of every upstream Helm component of `plan` (in plan order) and
/// records it in `ComponentPlan::vendored`. The first failure is returned with the
/// component named; the plan is then left unchanged in part only, and nothing has
/// been written anywhere.
Status VendorCharts(const ChartPuller& puller, layout::Plan* plan);

/// `provenance.yaml` (mode 0644): `apiVersion: aicr.run/v1`, `kind:
/// BundleProvenance`, `vendoredCharts[]` {name, chart, version, repository,
/// sha256, tarballName, pullerVersion (omitted when empty)} sorted by name. ""
/// when no component is vendored.
std::string RenderProvenance(const layout::Plan& plan);

/// The bundle-root file name of RenderProvenance's document.
inline constexpr char kProvenanceFile[] = "provenance.yaml";

}  // namespace aicr::bundler
