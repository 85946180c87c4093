#pragma once

/// \file
/// The vendored wrapper chart (`--vendor-charts`, aicr-bundle §1.7, §2): an
/// upstream Helm component's primary folder becomes a local chart whose
/// `Chart.yaml` declares the upstream chart as a dependency resolved from the
/// adjacent `charts/<tarball>` (empty repository), with the component's values
/// nested under the subchart name so Helm forwards them to it.

#include <string>

#include "layout/plan.h"
#include "serialize/value.h"

namespace aicr::layout {

/// The subchart a vendored component's wrapper depends on: the chart's last path
/// segment (`oci://r/x/gpu-operator` → `gpu-operator`), the component name when
/// the chart is empty.
std::string VendoredSubchartName(const ComponentPlan& c);

/// The dependency version the wrapper declares: the chart version with a leading
/// `v` removed (Helm matches it against the tarball's SemVer).
std::string VendoredDependencyVersion(const std::string& version);

/// The wrapper `Chart.yaml` (mode 0644): apiVersion v2, the folder's release
/// name, type application, `version` = the generated-chart version,
/// `appVersion` = the component's chart version, the AICR annotations, and one
/// `dependencies` entry `{name: <subchart>, version, repository: ""}`.
std::string RenderWrapperChartYaml(const ComponentPlan& c, const std::string& release,
                                   const std::string& chart_version);

/// `{<subchart>: values}`; an empty mapping (or null) stays an empty mapping, so
/// a values file never carries `<subchart>: {}`.
serialize::Value NestUnderSubchart(const serialize::Value& values, const std::string& subchart);

}  // namespace aicr::layout
