#include "recipe/defaults.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using ::testing::ElementsAre;

ComponentRegistry Registry(std::string_view yaml) {
  auto doc = serialize::ParseYaml(yaml);
  EXPECT_THAT(doc, IsOk());
  auto reg = ComponentRegistry::FromValue(*doc);
  EXPECT_THAT(reg, IsOk());
  return std::move(reg).value();
}

constexpr std::string_view kRegistry = R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: gpu-operator
    displayName: GPU Operator
    helm:
      defaultRepository: https://helm.ngc.nvidia.com/nvidia
      defaultChart: nvidia/gpu-operator
      defaultVersion: v26.7.0
      defaultNamespace: gpu-operator
    healthCheck:
      assertFile: checks/gpu-operator/health-check.yaml
  - name: kueue
    displayName: Kueue
    helm:
      defaultRepository: oci://registry.k8s.io/kueue/charts
      defaultChart: kueue
      defaultVersion: 0.19.3
      defaultNamespace: kueue-system
    manifestFiles:
      - components/kueue/manifests/cluster-queue.yaml
  - name: app
    displayName: App
    kustomize:
      defaultSource: https://github.com/example/app
      defaultPath: deploy
      defaultTag: v1.0.0
)";

ComponentRef Ref(std::string name) {
  ComponentRef r;
  r.name = std::move(name);
  return r;
}

TEST(ApplyRegistryDefaultsTest, HelmDefaultsWithChartPrefixStripped) {
  ComponentRegistry reg = Registry(kRegistry);
  ComponentRef ref = Ref("gpu-operator");
  ApplyRegistryDefaults(ref, *reg.Find("gpu-operator"));
  EXPECT_EQ(ref.type, "Helm");
  EXPECT_EQ(ref.source, "https://helm.ngc.nvidia.com/nvidia");
  EXPECT_EQ(ref.chart, "gpu-operator");
  EXPECT_EQ(ref.version, "v26.7.0");
  EXPECT_EQ(ref.namespace_, "gpu-operator");

  ComponentRef pinned = Ref("gpu-operator");
  pinned.version = "v1.0.0";
  pinned.namespace_ = "custom";
  ApplyRegistryDefaults(pinned, *reg.Find("gpu-operator"));
  EXPECT_EQ(pinned.version, "v1.0.0");
  EXPECT_EQ(pinned.namespace_, "custom");
}

TEST(ApplyRegistryDefaultsTest, ManifestFilesOnlyWhenRefHasNone) {
  ComponentRegistry reg = Registry(kRegistry);
  ComponentRef ref = Ref("kueue");
  ApplyRegistryDefaults(ref, *reg.Find("kueue"));
  EXPECT_THAT(ref.manifest_files, ElementsAre("components/kueue/manifests/cluster-queue.yaml"));
  ComponentRef own = Ref("kueue");
  own.manifest_files = {"mine.yaml"};
  ApplyRegistryDefaults(own, *reg.Find("kueue"));
  EXPECT_THAT(own.manifest_files, ElementsAre("mine.yaml"));
}

TEST(ApplyRegistryDefaultsTest, KustomizeDefaults) {
  ComponentRegistry reg = Registry(kRegistry);
  ComponentRef ref = Ref("app");
  ApplyRegistryDefaults(ref, *reg.Find("app"));
  EXPECT_EQ(ref.type, "Kustomize");
  EXPECT_EQ(ref.source, "https://github.com/example/app");
  EXPECT_EQ(ref.path, "deploy");
  EXPECT_EQ(ref.tag, "v1.0.0");
}

TEST(ApplyRegistryDefaultsTest, HealthCheckHydration) {
  ComponentRegistry reg = Registry(kRegistry);
  auto provider = catalog::MakeMemoryProvider(
      {{"checks/gpu-operator/health-check.yaml", "apiVersion: v1\nkind: Pod\n"}});
  ComponentRef skipped = Ref("gpu-operator");
  skipped.health_check_skip = true;
  ComponentRef inline_asserts = Ref("gpu-operator");
  inline_asserts.health_check_asserts = "inline";
  ComponentRef disabled = Ref("gpu-operator");
  disabled.overrides = serialize::ParseYaml("enabled: false").value();
  std::vector<ComponentRef> refs = {Ref("gpu-operator"), skipped, inline_asserts, disabled,
                                    Ref("not-in-registry")};
  ASSERT_THAT(ApplyRegistryDefaults(reg, *provider, refs), IsOk());
  EXPECT_EQ(refs[0].health_check_asserts, "apiVersion: v1\nkind: Pod\n");
  EXPECT_EQ(refs[1].health_check_asserts, "");
  EXPECT_EQ(refs[2].health_check_asserts, "inline");
  EXPECT_EQ(refs[3].health_check_asserts, "apiVersion: v1\nkind: Pod\n");
  EXPECT_EQ(refs[4].type, "");

  auto empty = catalog::MakeMemoryProvider({});
  std::vector<ComponentRef> missing = {Ref("gpu-operator")};
  EXPECT_THAT(ApplyRegistryDefaults(reg, *empty, missing),
              StatusIs(ErrorCode::kNotFound,
                       "failed to read healthCheck.assertFile for component \"gpu-operator\" from "
                       "\"checks/gpu-operator/health-check.yaml\": data file "
                       "\"checks/gpu-operator/health-check.yaml\" not found"));
}

TEST(CanonicalizeComponentTypesTest, CaseInsensitive) {
  std::vector<ComponentRef> refs = {Ref("a"), Ref("b"), Ref("c")};
  refs[0].type = "helm";
  refs[1].type = "KUSTOMIZE";
  refs[2].type = "Other";
  CanonicalizeComponentTypes(refs);
  EXPECT_EQ(refs[0].type, "Helm");
  EXPECT_EQ(refs[1].type, "Kustomize");
  EXPECT_EQ(refs[2].type, "Other");
}

TEST(CoherenceTest, Problems) {
  ComponentRef ok = Ref("ok");
  ok.type = "Helm";
  ok.source = "https://charts.example";
  ok.version = "1.0.0";
  EXPECT_EQ(CoherenceProblem(ok), "");

  ComponentRef no_version = ok;
  no_version.version = "";
  EXPECT_EQ(CoherenceProblem(no_version),
            "Helm component \"ok\" has no chart version; set version: on the componentRef — "
            "criteria-resolved recipes may inherit it from helm.defaultVersion in the component "
            "registry (see #1615)");

  ComponentRef bare_v = ok;
  bare_v.version = "v";
  EXPECT_EQ(CoherenceProblem(bare_v),
            "Helm component \"ok\" has chart version \"v\", which Flux/Argo CD normalize to "
            "empty for non-OCI outputs and vendored wrappers replace with a fabricated default; "
            "set a full chart version (see #1615)");

  ComponentRef chart_only = Ref("c");
  chart_only.type = "Helm";
  chart_only.chart = "x";
  EXPECT_EQ(CoherenceProblem(chart_only),
            "Helm component \"c\" has a chart name (\"x\") but no source repository; the "
            "deployers have no repository to pull from — set source:, or remove the chart for a "
            "manifest-only component (see #1615)");

  ComponentRef husk = Ref("h");
  husk.type = "Helm";
  husk.pre_manifest_files = {"pre.yaml"};
  EXPECT_EQ(CoherenceProblem(husk),
            "Helm component \"h\" has no deployable primary (no source, no chart, and no primary "
            "manifestFiles; preManifestFiles alone are auxiliary to a primary release) — add a "
            "chart source or primary manifest files (see #1615)");
  husk.manifest_files = {"m.yaml"};
  EXPECT_EQ(CoherenceProblem(husk), "");

  ComponentRef kust = Ref("k");
  kust.type = "Kustomize";
  EXPECT_EQ(CoherenceProblem(kust),
            "component \"k\" is Kustomize but has no path; a path is required to build from");

  ComponentRef odd = Ref("o");
  odd.type = "Raw";
  EXPECT_EQ(CoherenceProblem(odd),
            "component \"o\" has unsupported type \"Raw\"; expected \"Helm\" or \"Kustomize\"");
}

TEST(CoherenceTest, ValidateCoherenceSortsJoinsAndSkipsDisabled) {
  ComponentRef b = Ref("b");
  b.type = "Raw";
  ComponentRef a = Ref("a");
  a.type = "Kustomize";
  ComponentRef disabled = Ref("z");
  disabled.type = "Raw";
  disabled.overrides = serialize::ParseYaml("enabled: false").value();
  EXPECT_THAT(
      ValidateCoherence({b, a, disabled}),
      StatusIs(ErrorCode::kInvalidRequest,
               "recipe has incoherent component ref(s): component \"a\" is Kustomize but has no "
               "path; a path is required to build from; component \"b\" has unsupported type "
               "\"Raw\"; expected \"Helm\" or \"Kustomize\""));
  EXPECT_THAT(ValidateCoherence({disabled}), IsOk());
}

TEST(ValidateRefNamesTest, Duplicates) {
  EXPECT_THAT(ValidateRefNames({Ref("a"), Ref(""), Ref(""), Ref("b")}), IsOk());
  EXPECT_THAT(ValidateRefNames({Ref("a"), Ref("b"), Ref("a")}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "recipe has duplicate component ref name \"a\" (refs 0 and 2)"));
}

TEST(EffectiveChartTest, FallsBackToName) {
  ComponentRef r = Ref("gpu-operator");
  EXPECT_EQ(EffectiveChart(r), "gpu-operator");
  r.chart = "other";
  EXPECT_EQ(EffectiveChart(r), "other");
  EXPECT_TRUE(IsEffectiveChartVersion("v1"));
  EXPECT_FALSE(IsEffectiveChartVersion(" v "));
  EXPECT_FALSE(IsEffectiveChartVersion(""));
}

}  // namespace
}  // namespace aicr::recipe
