#pragma once

/// \file
/// Test helper: a ChartPuller that builds a small, real and deterministic chart
/// tarball per pull (Chart.yaml, values.yaml and one ConfigMap template that
/// echoes the values, so `helm template` shows which values reached the subchart)
/// and records every pull: bundle tests exercise `--vendor-charts` without a
/// network. A chart named in `fail` is refused with UNAVAILABLE.

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "archive/tar.h"
#include "bundler/chart_puller.h"

namespace aicr::bundle_testing {

class FakeChartPuller : public bundler::ChartPuller {
 public:
  explicit FakeChartPuller(std::set<std::string> fail = {}) : fail_(std::move(fail)) {}

  Result<bundler::PulledChart> Pull(const bundler::ChartCoordinates& chart) const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      pulls_.push_back(chart.repository + " " + chart.chart + " " + chart.version);
    }
    if (fail_.count(chart.chart) != 0) {
      return UnavailableError("helm pull of " + chart.chart + " failed: connection refused");
    }
    std::string version = chart.version;
    if (!version.empty() && version.front() == 'v') {
      version.erase(0, 1);
    }
    std::vector<archive::TarFile> files;
    files.push_back({"Chart.yaml", "apiVersion: v2\nname: " + chart.chart +
                                       "\nversion: " + version + "\ndescription: fake " +
                                       chart.repository + "\ntype: application\n"});
    files.push_back({"values.yaml", "fake: true\n"});
    files.push_back({"templates/configmap.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-" +
                         chart.chart + "\ndata:\n  values: {{ toJson .Values | quote }}\n"});
    Result<std::string> tgz = archive::WriteTarGz(std::move(files), chart.chart);
    if (!tgz.ok()) {
      return tgz.status();
    }
    bundler::PulledChart out;
    out.tarball_name = chart.chart + "-" + chart.version + ".tgz";
    out.bytes = std::move(tgz).value();
    out.puller_version = "fake-puller v1.0.0";
    return out;
  }

  /// `<repository> <chart> <version>` of every pull, in call order.
  std::vector<std::string> pulls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return pulls_;
  }

 private:
  std::set<std::string> fail_;
  mutable std::mutex mu_;
  mutable std::vector<std::string> pulls_;
};

}  // namespace aicr::bundle_testing
