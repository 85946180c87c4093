// Every manifest shipped in the catalogue (recipes/components/*/manifests/*.yaml)
// parses and renders, so any construct the catalogue uses is proven supported.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gotemplate/template.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::gotemplate {
namespace {

namespace fs = std::filesystem;
using serialize::Value;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path& RecipesDir() {
  static const fs::path dir = fs::path(AICR_SOURCE_DIR) / "recipes";
  return dir;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Value ReadYaml(const fs::path& p) {
  auto v = serialize::ParseYaml(ReadFile(p));
  EXPECT_THAT(v, IsOk()) << p;
  return v.ok() && v->is_mapping() ? *v : Value::EmptyMapping();
}

// `over` merged into `base`: mappings merge key by key, anything else replaces.
Value Merge(Value base, const Value& over) {
  if (!base.is_mapping() || !over.is_mapping()) {
    return over;
  }
  for (const auto& [key, value] : *over.if_mapping()) {
    const Value* old = base.Find(key);
    base.Set(key, old != nullptr ? Merge(*old, value) : value);
  }
  return base;
}

// The dot the bundler builds for a component's manifests.
Value DotFor(const std::string& component, const Value& values,
             const std::string& chart_version = "1.0.0") {
  Value dot = Value::EmptyMapping();
  dot.Set("Values", Value::EmptyMapping()).Set(component, values);
  Value& release = dot.Set("Release", Value::EmptyMapping());
  release.Set("Namespace", Value(component));
  release.Set("Service", Value("Helm"));
  Value& chart = dot.Set("Chart", Value::EmptyMapping());
  chart.Set("Name", Value(component));
  chart.Set("Version", Value(chart_version));
  return dot;
}

struct Manifest {
  std::string component;
  fs::path path;
  // Relative to recipes/, as a --data directory names it.
  std::string name;
};

std::vector<Manifest> CatalogManifests() {
  std::vector<Manifest> out;
  for (const auto& dir : fs::directory_iterator(RecipesDir() / "components")) {
    const fs::path manifests = dir.path() / "manifests";
    if (!fs::is_directory(manifests)) {
      continue;
    }
    for (const auto& file : fs::directory_iterator(manifests)) {
      if (file.path().extension() == ".yaml") {
        out.push_back({dir.path().filename().string(), file.path(),
                       fs::relative(file.path(), RecipesDir()).generic_string()});
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Manifest& a, const Manifest& b) { return a.name < b.name; });
  return out;
}

// The component's values.yaml, and each values-*.yaml variant merged over it.
std::vector<Value> ValueSets(const std::string& component) {
  const fs::path dir = RecipesDir() / "components" / component;
  const Value base =
      fs::exists(dir / "values.yaml") ? ReadYaml(dir / "values.yaml") : Value::EmptyMapping();
  std::vector<Value> sets = {base};
  std::vector<fs::path> variants;
  for (const auto& file : fs::directory_iterator(dir)) {
    const std::string name = file.path().filename().string();
    if (name.rfind("values-", 0) == 0 && file.path().extension() == ".yaml") {
      variants.push_back(file.path());
    }
  }
  std::sort(variants.begin(), variants.end());
  for (const fs::path& p : variants) {
    sets.push_back(Merge(base, ReadYaml(p)));
  }
  return sets;
}

TEST(CatalogTest, EveryManifestRendersWithItsComponentValues) {
  const std::vector<Manifest> manifests = CatalogManifests();
  ASSERT_FALSE(manifests.empty());
  int templated = 0;
  for (const Manifest& m : manifests) {
    SCOPED_TRACE(m.name);
    const std::string text = ReadFile(m.path);
    const bool is_template = text.find("{{") != std::string::npos;
    templated += is_template ? 1 : 0;
    auto parsed = Template::Parse(m.name, text);
    ASSERT_THAT(parsed, IsOk());
    for (const Value& values : ValueSets(m.component)) {
      auto out = parsed->Execute(DotFor(m.component, values));
      ASSERT_THAT(out, IsOk());
      if (!is_template) {
        EXPECT_EQ(*out, text);
      }
      // Output that still holds `{{` is itself a chart template for Helm (escaped
      // actions such as `{{ "{{" }}`); everything else must be YAML already.
      if (out->find("{{") == std::string::npos) {
        EXPECT_THAT(serialize::ParseYamlDocuments(*out), IsOk()) << *out;
      }
    }
  }
  // The catalogue's templated manifests (gpu-operator, network-operator,
  // nodewright-customizations, slinky-slurm) were all seen.
  EXPECT_GE(templated, 8);
}

Result<std::string> RenderManifest(const std::string& relative, const Value& dot) {
  return Render(relative, ReadFile(RecipesDir() / relative), dot);
}

Value Yaml(const char* text) {
  auto v = serialize::ParseYaml(text);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

TEST(CatalogTest, NvidiaDriverCustomResource) {
  const std::string name = "components/gpu-operator/manifests/nvidia-driver.yaml";
  const Value base = ReadYaml(RecipesDir() / "components/gpu-operator/values.yaml");

  // Without driver.nvidiaDriverCRD the CR is not rendered (a field of a missing key is
  // missing, not an error).
  auto off = RenderManifest(name, DotFor("gpu-operator", base));
  ASSERT_THAT(off, IsOk());
  EXPECT_THAT(*off, Not(HasSubstr("kind: NVIDIADriver")));

  const Value on = Merge(base, Yaml(R"(
driver:
  nvidiaDriverCRD: {enabled: true, deployDefaultCR: false}
  kernelModuleConfig: {name: kernel-module-params}
  repoConfig: {configMapName: repo-cm}
  startupProbe: {initialDelaySeconds: 60}
  resources: {limits: {memory: 1Gi}}
  env: [{name: A, value: "1"}]
  args: ["--x"]
daemonsets:
  tolerations: [{operator: Exists}]
nvidiaDriver:
  repository: nvcr.io/nvidia
  image: driver
  version: "580.1"
  manager: {image: k8s-driver-manager}
  upgradePolicy:
    autoUpgrade: true
    maxParallelUpgrades: 2
    maxUnavailable: 25%
    waitForCompletion: {timeoutSeconds: 0}
    gpuPodDeletion: {force: false}
    drain: {enable: false, force: false, podSelector: "", timeoutSeconds: 300,
            deleteEmptyDir: false}
)"));
  auto out = RenderManifest(name, DotFor("gpu-operator", on));
  ASSERT_THAT(out, IsOk());
  for (const char* want : {
           "kind: NVIDIADriver\n",
           "  repository: nvcr.io/nvidia\n  image: driver\n",
           "  version: '{{ default \"580.1\" .Values.nvidiaDriver.version }}'\n",
           "  driverType: gpu\n  kernelModuleType: auto\n  usePrecompiled: false\n",
           "  useOpenKernelModules: true\n",
           "  manager:\n    image: k8s-driver-manager\n",
           "  startupProbe:\n    initialDelaySeconds: 60\n",
           "    maxUnavailable: 25%\n",
           "    waitForCompletion:\n      timeoutSeconds: 0\n",
           "      podSelector: \"\"\n",
           "  repoConfig:\n    name: repo-cm\n",
           "  kernelModuleConfig:\n    name: kernel-module-params\n",
           "  resources:\n    limits:\n      memory: 1Gi\n",
           "  env:\n    - name: A\n      value: \"1\"\n",
           "  args:\n    - --x\n",
           "  tolerations:\n    - operator: Exists\n",
       }) {
    EXPECT_THAT(*out, HasSubstr(want));
  }
  // Escaped actions stay for Helm to render later.
  const std::string escaped =
      "    maxParallelUpgrades: !!int '{{ if hasKey .Values.nvidiaDriver.upgradePolicy "
      "\"maxParallelUpgrades\" }}{{ .Values.nvidiaDriver.upgradePolicy.maxParallelUpgrades "
      "}}{{ else }}2{{ end }}'\n";
  EXPECT_THAT(*out, HasSubstr(escaped));
}

TEST(CatalogTest, KernelModuleParamsConfigMap) {
  const std::string name = "components/gpu-operator/manifests/kernel-module-params-efa.yaml";
  const Value base = ReadYaml(RecipesDir() / "components/gpu-operator/values.yaml");
  auto off = RenderManifest(name, DotFor("gpu-operator", base));
  ASSERT_THAT(off, IsOk());
  EXPECT_THAT(*off, Not(HasSubstr("kind: ConfigMap")));

  const Value on = Merge(base, Yaml("driver: {kernelModuleConfig: {name: kmp}}"));
  auto out = RenderManifest(name, DotFor("gpu-operator", on));
  ASSERT_THAT(out, IsOk());
  auto docs = serialize::ParseYamlDocuments(*out);
  ASSERT_THAT(docs, IsOk());
  ASSERT_EQ(docs->size(), 1U);
  const Value& cm = docs->front();
  EXPECT_EQ(*cm.FindPath("metadata.name"), Value("kmp"));
  EXPECT_EQ(*cm.FindPath("metadata.namespace"), Value("gpu-operator"));
  const Value* labels = cm.FindPath("metadata.labels");
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(*labels->Find("app.kubernetes.io/managed-by"), Value("Helm"));
  const Value* data = cm.Find("data");
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(*data->Find("nvidia.conf"),
            Value("options nvidia NVreg_GrdmaPciTopoCheckOverride=1\n"));
}

TEST(CatalogTest, HelmChartLabel) {
  auto out = RenderManifest("components/network-operator/manifests/nfd-network-rule-aks.yaml",
                            DotFor("network-operator", Value::EmptyMapping(), "26.4.1+g1234"));
  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(*out, HasSubstr("    app.kubernetes.io/managed-by: Helm\n"
                              "    helm.sh/chart: network-operator-26.4.1_g1234\n"));
}

TEST(CatalogTest, NodewrightTuningTakesOverrides) {
  const Value values = Yaml("{intent: training, accelerator: h100, service: eks}");
  auto out = RenderManifest("components/nodewright-customizations/manifests/tuning.yaml",
                            DotFor("nodewright-customizations", values));
  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(*out, HasSubstr("        intent: 'training'\n        accelerator: 'h100'\n"
                              "        service: 'eks'\n"));
  // Unset overrides render as empty strings, not `<no value>`.
  auto empty = RenderManifest("components/nodewright-customizations/manifests/tuning-gke.yaml",
                              DotFor("nodewright-customizations", Value::EmptyMapping()));
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, HasSubstr("        intent: ''\n        accelerator: ''\n"));
}

}  // namespace
}  // namespace aicr::gotemplate
