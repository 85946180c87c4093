// Constraint evaluation throughput over a realistic mix of readiness constraints
// (versions with EKS/GKE/kernel extras, exact strings, `!=`, compound `||` ranges,
// a SystemD unit path and the GPU node-set form) against one snapshot, in
// evaluations per second. Baselines measured in the same run: a plain string
// comparison of the same (reading, expression) pairs, and parsing the expressions
// only. Prints each rate and the ratios; asserts nothing about timings.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "constraints/expression.h"
#include "constraints/snapshot_eval.h"
#include "measurement/snapshot.h"

namespace {

namespace m = aicr::measurement;

struct Constraint {
  std::string path;
  std::string expression;
};

m::Subtype Sub(std::string name, std::map<std::string, m::Reading> data) {
  m::Subtype s;
  s.name = std::move(name);
  s.data = std::move(data);
  return s;
}

m::Snapshot BuildSnapshot() {
  using R = m::Reading;
  m::Snapshot s;
  s.measurements.push_back({"K8s",
                            {Sub("server", {{"version", R::Str("v1.33.4-eks-3025e55")}}),
                             Sub("node", {{"provider", R::Str("eks")},
                                          {"kubelet-version", R::Str("v1.33.4")},
                                          {"kernel-version", R::Str("6.8.0-1028-aws")},
                                          {"os-image", R::Str("Ubuntu 24.04.2 LTS")}}),
                             Sub("image", {{"gpu-operator", R::Str("v25.10.1")},
                                           {"k8s-device-plugin", R::Str("v0.17.0")}})}});
  s.measurements.push_back({"GPU",
                            {Sub("hardware", {{"gpu-present", R::Bool(true)},
                                              {"gpu-count", R::Int(8)},
                                              {"model", R::Str("h100")}})}});
  s.measurements.push_back(
      {"OS",
       {Sub("release", {{"ID", R::Str("ubuntu")}, {"VERSION_ID", R::Str("24.04")}}),
        Sub("sysctl", {{"/proc/sys/kernel/osrelease", R::Str("6.8.0-1028-aws")}})}});
  s.measurements.push_back(
      {"SystemD", {Sub("containerd.service", {{"ActiveState", R::Str("active")}})}});
  s.measurements.push_back(
      {"NodeTopology",
       {Sub("label", {{"cloud.google.com/gke-accelerator",
                       R::Str("nvidia-h100-80gb|gpu-node-01,gpu-node-02,gpu-node-03")},
                      {"gke-no-default-nvidia-gpu-device-plugin",
                       R::Str("true|gpu-node-01,gpu-node-02,gpu-node-03")}})}});
  return s;
}

const std::vector<Constraint>& Mix() {
  static const auto* const kMix = new std::vector<Constraint>{
      {"K8s.server.version", ">= 1.32.4"},
      {"K8s.server.version", ">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.33.0 < 1.34"},
      {"K8s.node.kubelet-version", "== v1.33.4"},
      {"K8s.node.kernel-version", ">=6.8"},
      {"K8s.image.gpu-operator", ">= v25.3.0"},
      {"GPU.hardware.gpu-count", ">= 8"},
      {"GPU.hardware.model", "h100"},
      {"OS.release.ID", "ubuntu"},
      {"OS.release.ID", "!= rhel"},
      {"OS.release.VERSION_ID", "24.04"},
      {"OS.sysctl./proc/sys/kernel/osrelease", ">= 6.8"},
      {"SystemD.containerd.service.ActiveState", "active"},
      {"NodeTopology.gpu-nodes.label", "gke-no-default-nvidia-gpu-device-plugin=true"},
  };
  return *kMix;
}

void BM_BaselineStringCompare(benchmark::State& state) {
  const m::Snapshot snap = BuildSnapshot();
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const Constraint& c : Mix()) {
    const aicr::constraints::EvalResult r =
        aicr::constraints::EvaluateConstraint(snap, c.path, c.expression);
    pairs.emplace_back(r.actual, c.expression);
  }
  for (auto _ : state) {
    for (const auto& [actual, expression] : pairs) {
      bool equal = actual == expression;
      benchmark::DoNotOptimize(equal);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * pairs.size()));
}

void BM_ParseOnly(benchmark::State& state) {
  for (auto _ : state) {
    for (const Constraint& c : Mix()) {
      auto parsed = aicr::constraints::ParseCompound(c.expression);
      benchmark::DoNotOptimize(parsed.ok());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Mix().size()));
}

void BM_EvaluatePreparsed(benchmark::State& state) {
  const m::Snapshot snap = BuildSnapshot();
  std::vector<std::pair<std::string, aicr::constraints::CompoundConstraint>> prepared;
  for (const Constraint& c : Mix()) {
    if (c.path == m::kPathGpuNodesLabel) {
      continue;  // not a scalar expression
    }
    prepared.emplace_back(*snap.Extract(c.path), *aicr::constraints::ParseCompound(c.expression));
  }
  for (auto _ : state) {
    for (const auto& [actual, expression] : prepared) {
      auto passed = expression.Evaluate(actual);
      benchmark::DoNotOptimize(passed.ok());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * prepared.size()));
}

void BM_EvaluateAgainstSnapshot(benchmark::State& state) {
  const m::Snapshot snap = BuildSnapshot();
  for (const Constraint& c : Mix()) {
    const aicr::constraints::EvalResult r =
        aicr::constraints::EvaluateConstraint(snap, c.path, c.expression);
    if (!r.ok() || !r.passed) {
      state.SkipWithError(("constraint " + c.path + " " + c.expression +
                           " did not pass: " + r.error.ToString() + " " + r.actual)
                              .c_str());
      return;
    }
  }
  for (auto _ : state) {
    for (const Constraint& c : Mix()) {
      const aicr::constraints::EvalResult r =
          aicr::constraints::EvaluateConstraint(snap, c.path, c.expression);
      benchmark::DoNotOptimize(r.passed);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Mix().size()));
}

// Prints the usual table, then keeps each benchmark's items per second.
class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const auto it = run.counters.find("items_per_second");
      if (it != run.counters.end() && !run.error_occurred) {
        rates_[run.benchmark_name()] = it->second.value;
      }
    }
  }
  double Rate(const std::string& name) const {
    const auto it = rates_.find(name);
    return it == rates_.end() ? 0 : it->second;
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("BM_BaselineStringCompare", BM_BaselineStringCompare);
  benchmark::RegisterBenchmark("BM_ParseOnly", BM_ParseOnly);
  benchmark::RegisterBenchmark("BM_EvaluatePreparsed", BM_EvaluatePreparsed);
  benchmark::RegisterBenchmark("BM_EvaluateAgainstSnapshot", BM_EvaluateAgainstSnapshot);
  benchmark::Initialize(&argc, argv);
  RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const double full = reporter.Rate("BM_EvaluateAgainstSnapshot");
  const double preparsed = reporter.Rate("BM_EvaluatePreparsed");
  const double parse = reporter.Rate("BM_ParseOnly");
  const double strcmp = reporter.Rate("BM_BaselineStringCompare");
  std::printf("\nconstraint evaluation (%zu-constraint mix, path + extract + parse + evaluate)\n",
              Mix().size());
  std::printf("  evaluate against snapshot : %14.0f evaluations/s\n", full);
  std::printf("  evaluate pre-parsed       : %14.0f evaluations/s\n", preparsed);
  std::printf("  baseline: parse only      : %14.0f expressions/s\n", parse);
  std::printf("  baseline: string compare  : %14.0f comparisons/s\n", strcmp);
  if (full > 0 && parse > 0 && strcmp > 0) {
    std::printf(
        "  ratio: full evaluation takes %.1fx the time of parsing alone, %.0fx a plain "
        "string compare\n",
        parse / full, strcmp / full);
  }
  return 0;
}
