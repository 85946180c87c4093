#pragma once

/// \file
/// The ChartPuller behind `aicr bundle --vendor-charts`: runs `helm pull <chart>
/// --repo <url> --version <v> --destination <tmp>` (or `helm pull
/// oci://<repo>/<chart> ...` for an OCI repository) and reads back the one `.tgz`
/// it wrote. The puller version is `helm-cli ` + `helm version --short`.

#include <chrono>
#include <string>

#include "bundler/chart_puller.h"

namespace aicr::bundler {

/// The largest chart tarball accepted.
inline constexpr std::size_t kMaxVendoredChartBytes = std::size_t{64} * 1024 * 1024;

class HelmChartPuller : public ChartPuller {
 public:
  /// `helm` is the program to run ("helm": looked up in PATH).
  explicit HelmChartPuller(std::string helm = "helm",
                           std::chrono::milliseconds timeout = std::chrono::minutes(5))
      : helm_(std::move(helm)), timeout_(timeout) {}

  /// UNAVAILABLE naming `--vendor-charts` when helm is not installed or the pull
  /// fails (helm's own message included), NOT_FOUND when helm says the chart or
  /// version does not exist, TIMEOUT when it runs past the limit,
  /// INVALID_REQUEST for bad coordinates or an oversized tarball, INTERNAL when
  /// helm leaves anything but exactly one `.tgz`.
  Result<PulledChart> Pull(const ChartCoordinates& chart) const override;

 private:
  std::string helm_;
  std::chrono::milliseconds timeout_;
};

}  // namespace aicr::bundler
