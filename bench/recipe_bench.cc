// Recipe engine hot paths over the embedded catalogue: loading the store (parse and
// check every file) and resolving each leaf. The baseline in the same run is
// parsing the registry alone, so catalogue load reads as a multiple of one file.

#include <benchmark/benchmark.h>

#include <set>
#include <string>
#include <vector>

#include "catalog/data_provider.h"
#include "recipe/resolver.h"
#include "recipe/store.h"
#include "serialize/yaml_reader.h"

namespace {

void BM_BaselineParseRegistry(benchmark::State& state) {
  const std::string registry = *aicr::catalog::EmbeddedProvider().Read("registry.yaml");
  for (auto _ : state) {
    auto v = aicr::serialize::ParseYaml(registry);
    benchmark::DoNotOptimize(v.ok());
  }
}

void BM_LoadCatalogue(benchmark::State& state) {
  for (auto _ : state) {
    auto store = aicr::recipe::LoadStore(aicr::catalog::EmbeddedProvider());
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(store->get());
  }
}

void BM_ResolveLeaf(benchmark::State& state, std::string leaf) {
  auto store = aicr::recipe::GetStore(aicr::catalog::EmbeddedProvider());
  const aicr::recipe::Criteria q = *(*store)->Find(leaf)->spec.criteria;
  for (auto _ : state) {
    auto r = aicr::recipe::Resolve(**store, q, {});
    benchmark::DoNotOptimize(r.ok());
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("BM_BaselineParseRegistry", BM_BaselineParseRegistry);
  benchmark::RegisterBenchmark("BM_LoadCatalogue", BM_LoadCatalogue);
  auto store = aicr::recipe::GetStore(aicr::catalog::EmbeddedProvider());
  if (store.ok()) {
    for (const std::string& name : (*store)->LeafNames()) {
      benchmark::RegisterBenchmark(("BM_ResolveLeaf/" + name).c_str(), BM_ResolveLeaf, name);
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
