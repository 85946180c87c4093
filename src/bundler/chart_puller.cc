#include "bundler/chart_puller.h"

#include <algorithm>
#include <regex>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "checksum/sha256.h"
#include "layout/vendored.h"
#include "serialize/yaml_writer.h"

namespace aicr::bundler {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

Status ValidateChartCoordinates(const ChartCoordinates& chart) {
  static const std::regex kName("^[A-Za-z0-9][A-Za-z0-9._-]*$");
  static const std::regex kVersion("^[A-Za-z0-9][A-Za-z0-9._+-]*$");
  const std::string& repo = chart.repository;
  if (repo.rfind("https://", 0) != 0 && repo.rfind("http://", 0) != 0 &&
      repo.rfind("oci://", 0) != 0) {
    return InvalidRequestError("--vendor-charts: repository " + Quote(repo) + " of chart " +
                               Quote(chart.chart) + " is not an http(s):// or oci:// URL");
  }
  if (repo.find_first_of(" \t\r\n") != std::string::npos) {
    return InvalidRequestError("--vendor-charts: repository " + Quote(repo) +
                               " contains whitespace");
  }
  if (!std::regex_match(chart.chart, kName)) {
    return InvalidRequestError("--vendor-charts: chart name " + Quote(chart.chart) +
                               " must match [A-Za-z0-9][A-Za-z0-9._-]*");
  }
  if (!std::regex_match(chart.version, kVersion)) {
    return InvalidRequestError("--vendor-charts: chart " + Quote(chart.chart) + " version " +
                               Quote(chart.version) +
                               " must be an exact version matching [A-Za-z0-9][A-Za-z0-9._+-]*");
  }
  return OkStatus();
}

Status VendorCharts(const ChartPuller& puller, layout::Plan* plan) {
  for (auto& c : plan->components) {
    if (!c.IsUpstreamHelm()) {
      continue;
    }
    ChartCoordinates coords{c.repository, layout::VendoredSubchartName(c), c.version};
    AICR_RETURN_IF_ERROR(
        ValidateChartCoordinates(coords).WithContext("component " + Quote(c.name)));
    Result<PulledChart> pulled = puller.Pull(coords);
    if (!pulled.ok()) {
      return pulled.status().WithContext("vendor chart of component " + Quote(c.name));
    }
    layout::VendoredChart v;
    v.tarball_name = pulled->tarball_name;
    v.sha256 = checksum::Sha256Hex(pulled->bytes);
    v.bytes = std::move(pulled->bytes);
    v.puller_version = std::move(pulled->puller_version);
    c.vendored = std::move(v);
  }
  return OkStatus();
}

std::string RenderProvenance(const layout::Plan& plan) {
  std::vector<const layout::ComponentPlan*> vendored;
  for (const auto& c : plan.components) {
    if (c.IsVendored()) {
      vendored.push_back(&c);
    }
  }
  if (vendored.empty()) {
    return "";
  }
  std::sort(vendored.begin(), vendored.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });
  Sequence charts;
  for (const auto* c : vendored) {
    Mapping entry;
    entry.Set("name", c->name);
    entry.Set("chart", layout::VendoredSubchartName(*c));
    entry.Set("version", c->version);
    entry.Set("repository", c->repository);
    entry.Set("sha256", c->vendored->sha256);
    entry.Set("tarballName", c->vendored->tarball_name);
    if (!c->vendored->puller_version.empty()) {
      entry.Set("pullerVersion", c->vendored->puller_version);
    }
    charts.push_back(Value(std::move(entry)));
  }
  Mapping doc;
  doc.Set("apiVersion", "aicr.run/v1");
  doc.Set("kind", "BundleProvenance");
  doc.Set("vendoredCharts", Value(std::move(charts)));
  return serialize::WriteYaml(Value(std::move(doc)));
}

}  // namespace aicr::bundler
