// Whole-process bundle benchmark: `aicr bundle` of a recipe (the largest
// catalogue recipe, chosen by the Makefile) with every deployer, each against
// `cp -r` of the tree it produces, interleaved in the same run so machine noise
// hits both alike. Prints medians, the ratio (target: at most 3x) and aicr's peak
// RSS. Asserts nothing.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/spawn.h"

namespace {

using aicr::bench::Run;
using aicr::bench::RunOnce;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median bundle time of one deployer, with the median `cp -r` of its own output
// measured in the same loop; returns {bundle us, cp us, peak RSS KiB, files, bytes}.
struct Measured {
  double bundle_us = 0;
  double cp_us = 0;
  long rss_kib = 0;
  std::size_t files = 0;
  std::uintmax_t bytes = 0;
};

Measured Measure(const std::string& aicr, const std::string& recipe, const std::string& deployer,
                 const std::filesystem::path& work, int iterations) {
  namespace fs = std::filesystem;
  const std::string out = (work / ("bundle-" + deployer)).string();
  const std::string copy = (work / ("copy-" + deployer)).string();
  const std::vector<std::string> bundle = {aicr,
                                           "bundle",
                                           "-r",
                                           recipe,
                                           "-o",
                                           out,
                                           "-d",
                                           deployer,
                                           "--system-node-selector",
                                           "nodeGroup=system",
                                           "--accelerated-node-selector",
                                           "nvidia.com/gpu.present=true"};
  const std::vector<std::string> cp = {"cp", "-r", out, copy};
  std::vector<double> t_bundle;
  std::vector<double> t_cp;
  Measured m;
  for (int i = 0; i < iterations + 3; ++i) {
    fs::remove_all(out);
    const Run b = RunOnce(bundle);
    fs::remove_all(copy);
    const Run c = RunOnce(cp);
    if (i >= 3) {  // the first runs warm the page cache
      t_bundle.push_back(b.micros);
      t_cp.push_back(c.micros);
      m.rss_kib = std::max(m.rss_kib, b.max_rss_kib);
    }
  }
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.is_regular_file()) {
      ++m.files;
      m.bytes += e.file_size();
    }
  }
  m.bundle_us = Median(t_bundle);
  m.cp_us = Median(t_cp);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s path/to/aicr recipe.yaml [iterations]\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  const int iterations = argc > 3 ? std::atoi(argv[3]) : 20;
  const fs::path work =
      fs::temp_directory_path() / ("aicr-bundle-bench-" + std::to_string(getpid()));
  fs::create_directories(work);
  std::printf("%-12s %6s %9s %12s %12s %8s %10s\n", "deployer", "files", "bytes", "bundle us",
              "cp -r us", "ratio", "peak RSS");
  for (const char* deployer : {"helm", "helmfile", "argocd", "argocd-helm", "flux"}) {
    const Measured m = Measure(argv[1], argv[2], deployer, work, iterations);
    std::printf("%-12s %6zu %9ju %12.0f %12.0f %7.2fx %7ld KiB\n", deployer, m.files, m.bytes,
                m.bundle_us, m.cp_us, m.bundle_us / m.cp_us, m.rss_kib);
  }
  std::printf("ratio = aicr bundle / cp -r of the same tree (target <= 3x)\n");
  fs::remove_all(work);
  return 0;
}
