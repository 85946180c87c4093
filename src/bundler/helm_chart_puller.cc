#include "bundler/helm_chart_puller.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/subprocess.h"
#include "base/temp_dir.h"

namespace aicr::bundler {
namespace {

namespace fs = std::filesystem;

std::string Describe(const ChartCoordinates& c) {
  return "chart " + Quote(c.chart) + " version " + Quote(c.version) + " from " +
         Quote(c.repository);
}

// helm's diagnostic, trimmed and kept short.
std::string HelmMessage(const SubprocessResult& r) {
  std::string text(Trim(r.err.empty() ? r.out : r.err));
  constexpr std::size_t kMax = 2000;
  if (text.size() > kMax) {
    text = text.substr(0, kMax) + " ...";
  }
  return text;
}

Result<SubprocessResult> RunHelm(const std::string& helm, std::vector<std::string> args,
                                 std::chrono::milliseconds timeout) {
  SubprocessOptions run;
  run.argv = {helm};
  run.argv.insert(run.argv.end(), args.begin(), args.end());
  run.timeout = timeout;
  Result<SubprocessResult> r = RunSubprocess(run);
  if (!r.ok() && r.status().code() == ErrorCode::kNotFound) {
    return UnavailableError("--vendor-charts needs the helm CLI: " + Quote(helm) +
                            " was not found on PATH; install helm or drop --vendor-charts");
  }
  return r;
}

}  // namespace

Result<PulledChart> HelmChartPuller::Pull(const ChartCoordinates& chart) const {
  AICR_RETURN_IF_ERROR(ValidateChartCoordinates(chart));
  AICR_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("aicr-vendor-"));
  std::vector<std::string> args = {"pull"};
  if (chart.repository.rfind("oci://", 0) == 0) {
    std::string base = chart.repository;
    while (!base.empty() && base.back() == '/') {
      base.pop_back();
    }
    args.push_back(base + "/" + chart.chart);
  } else {
    args.insert(args.end(), {chart.chart, "--repo", chart.repository});
  }
  args.insert(args.end(), {"--version", chart.version, "--destination", dir.path()});
  AICR_ASSIGN_OR_RETURN(SubprocessResult r, RunHelm(helm_, args, timeout_));
  if (r.timed_out) {
    return TimeoutError("--vendor-charts: helm pull of " + Describe(chart) + " did not finish in " +
                        std::to_string(timeout_.count() / 1000) + "s");
  }
  if (!r.success()) {
    const std::string msg = HelmMessage(r);
    const std::string what = "--vendor-charts: helm pull of " + Describe(chart) + " failed: " + msg;
    if (msg.find("not found") != std::string::npos && msg.find("connect") == std::string::npos &&
        msg.find("no such host") == std::string::npos) {
      return NotFoundError(what);
    }
    return UnavailableError(what);
  }

  std::vector<fs::path> tarballs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir.path(), ec)) {
    tarballs.push_back(entry.path());
  }
  if (ec || tarballs.size() != 1 || tarballs[0].extension() != ".tgz" ||
      !fs::is_regular_file(fs::symlink_status(tarballs[0]))) {
    return InternalError("--vendor-charts: helm pull of " + Describe(chart) +
                         " did not leave exactly one .tgz file (found " +
                         std::to_string(tarballs.size()) + " entries)");
  }
  const auto size = fs::file_size(tarballs[0], ec);
  if (ec) {
    return InternalError("--vendor-charts: cannot stat the pulled chart: " + ec.message());
  }
  if (size > kMaxVendoredChartBytes) {
    return InvalidRequestError("--vendor-charts: " + Describe(chart) + " is " +
                               std::to_string(size) + " bytes, over the limit of " +
                               std::to_string(kMaxVendoredChartBytes));
  }
  std::ifstream in(tarballs[0], std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return InternalError("--vendor-charts: cannot read the pulled chart " +
                         Quote(tarballs[0].filename().string()));
  }

  PulledChart out;
  out.tarball_name = tarballs[0].filename().string();
  out.bytes = std::move(bytes).str();
  if (out.bytes.size() != size) {
    return InternalError("--vendor-charts: the pulled chart changed while it was read");
  }
  // Audit only: a helm that cannot report its version leaves the field empty.
  Result<SubprocessResult> version =
      RunHelm(helm_, {"version", "--short"}, std::chrono::seconds(30));
  if (version.ok() && version->success()) {
    const std::string v(Trim(version->out));
    if (!v.empty()) {
      out.puller_version = "helm-cli " + v;
    }
  }
  return out;
}

}  // namespace aicr::bundler
