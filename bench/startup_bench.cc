// Whole-process benchmarks, measured in the same run and interleaved so machine
// noise hits all alike: `aicr --version` against `/bin/true` (start-up cost), and
// `aicr recipe` for the EKS training journey against `aicr --version` (the cost of
// loading the catalogue and resolving). Prints medians and ratios; asserts nothing.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/spawn.h"

namespace {

using aicr::bench::RunOnce;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s path/to/aicr [iterations]\n", argv[0]);
    return 2;
  }
  const int iterations = argc > 2 ? std::atoi(argv[2]) : 200;
  const std::vector<std::string> aicr = {argv[1], "--version"};
  const std::vector<std::string> baseline = {"/bin/true"};
  const std::vector<std::string> recipe = {argv[1],         "recipe",   "--service",  "eks",
                                           "--accelerator", "h100",     "--os",       "ubuntu",
                                           "--intent",      "training", "--platform", "kubeflow"};
  std::vector<double> t_aicr;
  std::vector<double> t_base;
  std::vector<double> t_recipe;
  for (int i = 0; i < 10; ++i) {  // warm the page cache
    RunOnce(aicr);
    RunOnce(baseline);
    RunOnce(recipe);
  }
  for (int i = 0; i < iterations; ++i) {
    t_aicr.push_back(RunOnce(aicr).micros);
    t_base.push_back(RunOnce(baseline).micros);
    t_recipe.push_back(RunOnce(recipe).micros);
  }
  const double a = Median(t_aicr);
  const double b = Median(t_base);
  const double r = Median(t_recipe);
  std::printf(
      "recipe: aicr recipe (eks h100 ubuntu training kubeflow) median %.0f us, "
      "aicr --version median %.0f us, ratio %.2fx\n",
      r, a, r / a);
  std::printf(
      "startup: aicr --version median %.0f us, /bin/true median %.0f us, ratio %.2fx (%d runs "
      "each)\n",
      a, b, a / b, iterations);
  return 0;
}
