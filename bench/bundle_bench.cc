// Whole-process bundle benchmark: `aicr bundle` of a recipe (the largest
// catalogue recipe, chosen by the Makefile) against `cp -r` of the tree it
// produces, interleaved in the same run so machine noise hits both alike. Prints
// medians, the ratio (target: at most 3x) and aicr's peak RSS. Asserts nothing.

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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s path/to/aicr recipe.yaml [iterations]\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  const int iterations = argc > 3 ? std::atoi(argv[3]) : 30;
  const fs::path work =
      fs::temp_directory_path() / ("aicr-bundle-bench-" + std::to_string(getpid()));
  fs::create_directories(work);
  const std::string out = (work / "bundle").string();
  const std::string copy = (work / "copy").string();
  const std::vector<std::string> bundle = {argv[1],
                                           "bundle",
                                           "-r",
                                           argv[2],
                                           "-o",
                                           out,
                                           "--system-node-selector",
                                           "nodeGroup=system",
                                           "--accelerated-node-selector",
                                           "nvidia.com/gpu.present=true"};
  const std::vector<std::string> cp = {"cp", "-r", out, copy};
  std::vector<double> t_bundle;
  std::vector<double> t_cp;
  long rss = 0;
  for (int i = 0; i < iterations + 3; ++i) {
    fs::remove_all(out);
    const Run b = RunOnce(bundle);
    fs::remove_all(copy);
    const Run c = RunOnce(cp);
    if (i >= 3) {  // the first runs warm the page cache
      t_bundle.push_back(b.micros);
      t_cp.push_back(c.micros);
      rss = std::max(rss, b.max_rss_kib);
    }
  }
  std::size_t files = 0;
  std::uintmax_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.is_regular_file()) {
      ++files;
      bytes += e.file_size();
    }
  }
  fs::remove_all(work);
  const double mb = Median(t_bundle);
  const double mc = Median(t_cp);
  std::printf("bundle tree: %zu files, %ju bytes\n", files, bytes);
  std::printf("aicr bundle   median %8.0f us\n", mb);
  std::printf("cp -r (base)  median %8.0f us\n", mc);
  std::printf("ratio bundle / cp -r: %.2fx (target <= 3x)\n", mb / mc);
  std::printf("aicr bundle peak RSS: %ld KiB\n", rss);
  return 0;
}
