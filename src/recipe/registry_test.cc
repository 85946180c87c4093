#include "recipe/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using ::testing::ElementsAre;

Result<ComponentRegistry> FromYaml(std::string_view text) {
  Result<serialize::Value> doc = serialize::ParseYaml(text);
  if (!doc.ok()) {
    return doc.status();
  }
  return ComponentRegistry::FromValue(*doc);
}

constexpr std::string_view kHeader = "apiVersion: aicr.run/v1beta1\nkind: ComponentRegistry\n";

TEST(ComponentRegistryTest, DecodesEntries) {
  auto reg = FromYaml(std::string(kHeader) + R"(components:
  - name: gpu-operator
    displayName: GPU Operator
    valueOverrideKeys: [gpuoperator]
    healthCheck:
      assertFile: checks/gpu-operator/health-check.yaml
    helm:
      defaultRepository: https://helm.ngc.nvidia.com/nvidia
      defaultChart: nvidia/gpu-operator
      defaultVersion: "v26.7.0"
      defaultNamespace: gpu-operator
    mixinSafeOverridePaths: [driver.version]
    manifestFiles: [components/gpu-operator/manifests/a.yaml]
    nodeScheduling:
      system:
        nodeSelectorPaths: [operator.nodeSelector]
  - name: kustomized
    displayName: Kustomized
    kustomize:
      defaultSource: https://github.com/example/repo
      defaultPath: deploy
      defaultTag: v1.0.0
)");
  ASSERT_THAT(reg, IsOk());
  EXPECT_EQ(reg->api_version(), "aicr.run/v1beta1");
  ASSERT_EQ(reg->components().size(), 2u);
  const RegistryComponent& gpu = reg->components()[0];
  EXPECT_EQ(gpu.name, "gpu-operator");
  EXPECT_EQ(gpu.display_name, "GPU Operator");
  EXPECT_THAT(gpu.value_override_keys, ElementsAre("gpuoperator"));
  ASSERT_TRUE(gpu.helm.has_value());
  EXPECT_EQ(gpu.helm->default_repository, "https://helm.ngc.nvidia.com/nvidia");
  EXPECT_EQ(gpu.helm->default_chart, "nvidia/gpu-operator");
  EXPECT_EQ(gpu.helm->default_version, "v26.7.0");
  EXPECT_EQ(gpu.helm->default_namespace, "gpu-operator");
  EXPECT_FALSE(gpu.kustomize.has_value());
  EXPECT_THAT(gpu.mixin_safe_override_paths, ElementsAre("driver.version"));
  EXPECT_EQ(gpu.health_check_assert_file, "checks/gpu-operator/health-check.yaml");
  EXPECT_THAT(gpu.manifest_files, ElementsAre("components/gpu-operator/manifests/a.yaml"));
  ASSERT_NE(gpu.raw.FindPath("nodeScheduling.system.nodeSelectorPaths.0"), nullptr);
  EXPECT_EQ(gpu.Type(), "Helm");

  const RegistryComponent& k = reg->components()[1];
  ASSERT_TRUE(k.kustomize.has_value());
  EXPECT_EQ(k.kustomize->default_source, "https://github.com/example/repo");
  EXPECT_EQ(k.kustomize->default_path, "deploy");
  EXPECT_EQ(k.kustomize->default_tag, "v1.0.0");
  EXPECT_EQ(k.Type(), "Kustomize");
}

TEST(ComponentRegistryTest, LookupsAndNames) {
  auto reg = FromYaml(std::string(kHeader) + R"(components:
  - name: nfd
    displayName: NFD
    valueOverrideKeys: [nodefeaturediscovery]
  - name: gpu-operator
    displayName: GPU Operator
    valueOverrideKeys: [gpuoperator, gpu]
  - name: cert-manager
    displayName: cert-manager
)");
  ASSERT_THAT(reg, IsOk());
  EXPECT_THAT(reg->Names(), ElementsAre("cert-manager", "gpu-operator", "nfd"));
  ASSERT_NE(reg->Find("nfd"), nullptr);
  EXPECT_EQ(reg->Find("nfd")->display_name, "NFD");
  EXPECT_EQ(reg->Find("gpuoperator"), nullptr);
  ASSERT_NE(reg->FindByOverrideKey("gpu-operator"), nullptr);
  EXPECT_EQ(reg->FindByOverrideKey("gpu-operator")->name, "gpu-operator");
  EXPECT_EQ(reg->FindByOverrideKey("gpu")->name, "gpu-operator");
  EXPECT_EQ(reg->FindByOverrideKey("nodefeaturediscovery")->name, "nfd");
  EXPECT_EQ(reg->FindByOverrideKey("cert-manager")->name, "cert-manager");
  EXPECT_EQ(reg->FindByOverrideKey("unknown"), nullptr);
}

TEST(ComponentRegistryTest, HelmIsTheDefaultType) {
  RegistryComponent c;
  EXPECT_EQ(c.Type(), "Helm");
  c.kustomize = KustomizeDefaults{};
  EXPECT_EQ(c.Type(), "Helm");  // kustomize without defaultSource
  c.kustomize->default_source = "git@example";
  EXPECT_EQ(c.Type(), "Kustomize");
}

TEST(ComponentRegistryTest, EmptyRegistryIsValid) {
  auto reg = FromYaml(std::string(kHeader) + "components: []\n");
  ASSERT_THAT(reg, IsOk());
  EXPECT_TRUE(reg->components().empty());
}

TEST(ComponentRegistryTest, HeaderErrors) {
  EXPECT_THAT(FromYaml("apiVersion: aicr.run/v1beta1\nkind: Registry\ncomponents: []\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "component registry has kind \"Registry\", expected \"ComponentRegistry\""));
  EXPECT_THAT(FromYaml("kind: ComponentRegistry\ncomponents: []\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "component registry has apiVersion \"\", expected \"aicr.run/v1beta1\""));
  EXPECT_THAT(FromYaml("apiVersion: aicr.run/v1beta2\nkind: ComponentRegistry\n"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "component registry has apiVersion \"aicr.run/v1beta2\", expected "
                       "\"aicr.run/v1beta1\""));
  EXPECT_THAT(FromYaml("apiVersion: aicr.run/v1alpha2\nkind: ComponentRegistry\n"), IsOk());
  EXPECT_THAT(FromYaml("- a\n"), StatusIs(ErrorCode::kInvalidRequest,
                                          "component registry: expected mapping, got sequence"));
}

TEST(ComponentRegistryTest, ValidationErrors) {
  struct Case {
    const char* name;
    const char* components;
    const char* want;
  };
  const Case cases[] = {
      {"name required", "  - displayName: X\n", "component[0]: name is required"},
      {"displayName required", "  - name: a\n    displayName: A\n  - name: b\n",
       "component[1] (b): displayName is required"},
      {"duplicate names", "  - {name: a, displayName: A}\n  - {name: a, displayName: B}\n",
       "duplicate component name: a"},
      {"duplicate override keys",
       "  - {name: a, displayName: A, valueOverrideKeys: [x]}\n"
       "  - {name: b, displayName: B, valueOverrideKeys: [x]}\n",
       "duplicate valueOverrideKey \"x\": used by both a and b"},
      {"helm and kustomize",
       "  - name: a\n    displayName: A\n    helm: {defaultChart: c}\n"
       "    kustomize: {defaultSource: s}\n",
       "component[0] (a): cannot have both helm and kustomize configuration"},
      {"deployer name reserved", "  - {name: deployer, displayName: D}\n",
       "component[0] (deployer): name \"deployer\" is reserved for --set deployer:<key> deployer "
       "options"},
      {"deployer alias reserved",
       "  - {name: a, displayName: A}\n  - {name: b, displayName: B, valueOverrideKeys: "
       "[deployer]}\n",
       "component[1] (b): valueOverrideKey \"deployer\" is reserved for --set deployer:<key> "
       "deployer options"},
      {"kustomize with manifestFiles",
       "  - name: a\n    displayName: A\n    kustomize: {defaultSource: s}\n"
       "    manifestFiles: [m.yaml]\n",
       "component[0] (a): manifestFiles is not supported for a kustomize component"},
      {"type mismatch", "  - name: [a]\n",
       "component registry: components[0].name: expected "
       "string, got sequence"},
      {"keys not a list", "  - {name: a, displayName: A, valueOverrideKeys: x}\n",
       "component registry: components[0].valueOverrideKeys: expected sequence, got string"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(FromYaml(std::string(kHeader) + "components:\n" + c.components),
                StatusIs(ErrorCode::kInvalidRequest, c.want))
        << c.name;
  }
}

TEST(ComponentRegistryTest, ManifestOnlyHelmIsNotHelmConfig) {
  // An empty defaultRepository marks a manifest-only component: not "helm" for the XOR.
  auto reg = FromYaml(std::string(kHeader) + R"(components:
  - name: a
    displayName: A
    helm:
      defaultRepository: ""
    kustomize:
      defaultSource: s
)");
  EXPECT_THAT(reg, IsOk());
}

}  // namespace
}  // namespace aicr::recipe
