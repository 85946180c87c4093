// Serializer hot paths: YAML and JSON read and canonical write of a Helm-values-like
// document. The baseline in the same run is a plain byte copy of the same text, so
// the printed per-byte rates can be read as ratios against memcpy-speed work.

#include <benchmark/benchmark.h>

#include <string>

#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace {

// A values file of roughly `components` chart sections, each with nested maps,
// lists and the scalar kinds a catalogue carries.
std::string MakeYaml(int components) {
  std::string out;
  for (int i = 0; i < components; ++i) {
    const std::string n = std::to_string(i);
    out += "component-" + n + ":\n";
    out += "  enabled: true\n";
    out += "  version: \"24.04\"\n";
    out += "  replicas: " + n + "\n";
    out += "  ratio: 0.75\n";
    out += "  image:\n    repository: nvcr.io/nvidia/cloud-native/app-" + n + "\n    tag: v1.2." +
           n + "\n";
    out += "  nodeSelector:\n    nvidia.com/gpu.present: \"true\"\n";
    out += "  tolerations:\n";
    out += "    - key: nvidia.com/gpu\n      operator: Exists\n      effect: NoSchedule\n";
    out += "    - key: dedicated\n      operator: Equal\n      value: gpu\n";
    out += "  args: [--metrics, --port=9400, --log-level=info]\n";
    out += "  script: |\n    #!/bin/sh\n    echo component " + n + "\n";
  }
  return out;
}

const std::string& Doc() {
  static const std::string kDoc = MakeYaml(400);
  return kDoc;
}

void BM_BaselineCopy(benchmark::State& state) {
  for (auto _ : state) {
    std::string copy = Doc();
    benchmark::DoNotOptimize(copy.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Doc().size()));
}

void BM_ParseYaml(benchmark::State& state) {
  for (auto _ : state) {
    auto v = aicr::serialize::ParseYaml(Doc());
    benchmark::DoNotOptimize(v.ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Doc().size()));
}

void BM_WriteYaml(benchmark::State& state) {
  const auto v = aicr::serialize::ParseYaml(Doc());
  for (auto _ : state) {
    std::string s = aicr::serialize::WriteYaml(*v);
    benchmark::DoNotOptimize(s.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Doc().size()));
}

void BM_ParseJson(benchmark::State& state) {
  const auto v = aicr::serialize::ParseYaml(Doc());
  const std::string json = *aicr::serialize::WriteJson(*v);
  for (auto _ : state) {
    auto parsed = aicr::serialize::ParseJson(json);
    benchmark::DoNotOptimize(parsed.ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}

void BM_WriteJson(benchmark::State& state) {
  const auto v = aicr::serialize::ParseYaml(Doc());
  for (auto _ : state) {
    auto s = aicr::serialize::WriteJson(*v);
    benchmark::DoNotOptimize(s.ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Doc().size()));
}

BENCHMARK(BM_BaselineCopy);
BENCHMARK(BM_ParseYaml);
BENCHMARK(BM_WriteYaml);
BENCHMARK(BM_ParseJson);
BENCHMARK(BM_WriteJson);

}  // namespace

BENCHMARK_MAIN();
