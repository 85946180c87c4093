// Whole-process benchmark of `aicr validate --no-cluster` (recipe and snapshot
// read, readiness gate, validator catalogue, check resolution, CTRF report) against
// a baseline measured in the same run: `aicr recipe` with the same criteria, which
// produced the recipe. Runs are interleaved so machine noise hits both alike.
// Prints medians and the ratio; asserts nothing.
//
// usage: aicr_bench_validate path/to/aicr [iterations]

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench/spawn.h"

namespace {

using aicr::bench::RunOnce;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

constexpr char kSnapshot[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-03T10:30:00Z"}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4-eks-3025e55}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: "24.04"}
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s path/to/aicr [iterations]\n", argv[0]);
    return 2;
  }
  const std::string aicr = argv[1];
  const int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 30;
  char dir_template[] = "/tmp/aicr-validate-bench-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    std::fprintf(stderr, "bench: cannot create a temporary directory\n");
    return 1;
  }
  const std::string dir = dir_template;
  const std::string recipe_path = dir + "/recipe.yaml";
  const std::string snapshot_path = dir + "/snapshot.yaml";
  std::ofstream(snapshot_path) << kSnapshot;

  const std::vector<std::string> recipe = {aicr,   "recipe",   "--service", "eks", "--accelerator",
                                           "h100", "--intent", "training",  "-o",  recipe_path};
  const std::vector<std::string> validate = {aicr,           "validate", "-r",
                                             recipe_path,    "-s",       snapshot_path,
                                             "--no-cluster", "-o",       dir + "/report.json"};
  // Warm-up; both must succeed (RunOnce stops the benchmark otherwise).
  RunOnce(recipe);
  RunOnce(validate);

  std::vector<double> recipe_us, validate_us;
  long validate_rss = 0;
  for (int i = 0; i < iterations; ++i) {
    recipe_us.push_back(RunOnce(recipe).micros);
    const aicr::bench::Run v = RunOnce(validate);
    validate_us.push_back(v.micros);
    validate_rss = std::max(validate_rss, v.max_rss_kib);
  }
  const double base = Median(recipe_us);
  const double val = Median(validate_us);
  std::printf("aicr recipe (baseline)        median %8.2f ms\n", base / 1000.0);
  std::printf("aicr validate --no-cluster    median %8.2f ms  peak RSS %ld KiB\n", val / 1000.0,
              validate_rss);
  std::printf("ratio validate/recipe         %8.2fx  (%d iterations)\n", val / base, iterations);
  std::remove((dir + "/report.json").c_str());
  std::remove(recipe_path.c_str());
  std::remove(snapshot_path.c_str());
  rmdir(dir.c_str());
  return 0;
}
