#pragma once

/// \file
/// Test helper: the bundle golden scenarios under tests/bundle/scenarios. Each
/// scenario is a RecipeResult (`recipe.yaml`) and the bundle options
/// (`options.yaml`) run against the small catalogue in tests/bundle/catalog.

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bundler/bundler.h"
#include "catalog/data_provider.h"
#include "recipe/result.h"
#include "recipe/store.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"
#include "tests/bundle/fake_chart_puller.h"

namespace aicr::bundle_testing {

namespace fs = std::filesystem;

inline fs::path BundleTestDir() { return fs::path(AICR_SOURCE_DIR) / "tests" / "bundle"; }

inline std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Every file under `dir`, keyed by its slash-separated relative path.
inline std::map<std::string, std::string> ReadTree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      files[fs::relative(e.path(), dir).generic_string()] = ReadFile(e.path());
    }
  }
  return files;
}

/// The store of tests/bundle/catalog (loaded once; the provider lives as long).
inline std::shared_ptr<const recipe::Store> TestCatalogue() {
  static const auto provider = catalog::MakeMemoryProvider(ReadTree(BundleTestDir() / "catalog"));
  static const auto store = recipe::LoadStore(*provider);
  return store.ok() ? *store : nullptr;
}

inline std::vector<std::string> Strings(const serialize::Value& doc, const char* key) {
  std::vector<std::string> out;
  if (const serialize::Value* v = doc.Find(key); v != nullptr && v->is_sequence()) {
    for (const auto& item : *v->if_sequence()) {
      out.push_back(*item.if_string());
    }
  }
  return out;
}

/// Options from a scenario's options.yaml (keys named like the config file's).
inline bundler::BundleOptions OptionsFromYaml(const serialize::Value& doc) {
  bundler::BundleOptions o;
  if (const auto* d = doc.Find("deployer")) {
    o.deployer = *d->if_string();
  }
  o.set = Strings(doc, "set");
  o.set_json = Strings(doc, "setJson");
  o.dynamic = Strings(doc, "dynamic");
  o.system_node_selectors = Strings(doc, "systemNodeSelectors");
  o.system_node_tolerations = Strings(doc, "systemNodeTolerations");
  o.accelerated_node_selectors = Strings(doc, "acceleratedNodeSelectors");
  o.accelerated_node_tolerations = Strings(doc, "acceleratedNodeTolerations");
  o.workload_selectors = Strings(doc, "workloadSelectors");
  if (const auto* g = doc.Find("workloadGate")) {
    o.workload_gate = *g->if_string();
  }
  if (const auto* n = doc.Find("nodes")) {
    o.nodes = static_cast<int>(*n->if_int());
  }
  if (const auto* s = doc.Find("storageClass")) {
    o.storage_class = *s->if_string();
  }
  if (const auto* r = doc.Find("readinessHooks")) {
    o.readiness_hooks = *r->if_bool();
  }
  if (const auto* s = doc.Find("serial")) {
    o.serial = *s->if_bool();
  }
  if (const auto* r = doc.Find("repo")) {
    o.repo = *r->if_string();
  }
  if (const auto* a = doc.Find("appName")) {
    o.app_name = *a->if_string();
  }
  if (const auto* v = doc.Find("vendorCharts"); v != nullptr && *v->if_bool()) {
    o.vendor_charts = true;
    o.chart_puller = std::make_shared<FakeChartPuller>();
  }
  o.aicr_version = "v0.22.0";
  return o;
}

struct Scenario {
  std::string name;
  recipe::RecipeResult recipe;
  bundler::BundleOptions options;
};

/// Every scenario, sorted by name.
inline std::vector<Scenario> LoadScenarios() {
  std::vector<Scenario> out;
  for (const auto& e : fs::directory_iterator(BundleTestDir() / "scenarios")) {
    Scenario s;
    s.name = e.path().filename().string();
    s.recipe = recipe::RecipeResultFromValue(
                   serialize::ParseYaml(ReadFile(e.path() / "recipe.yaml")).value())
                   .value();
    s.options = OptionsFromYaml(serialize::ParseYaml(ReadFile(e.path() / "options.yaml")).value());
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(),
            [](const Scenario& a, const Scenario& b) { return a.name < b.name; });
  return out;
}

}  // namespace aicr::bundle_testing
