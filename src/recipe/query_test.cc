#include "recipe/query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using serialize::Value;

Value Yaml(std::string_view text) { return serialize::ParseYaml(text).value(); }

RecipeResult Sample() {
  RecipeResult r;
  r.metadata.version = "v1";
  r.metadata.applied_overlays = {"base", "eks"};
  Criteria c;
  c.service = "eks";
  r.criteria = c;
  r.constraints = {{"K8s.server.version", ">= 1.32", "error", "", ""}};
  ComponentRef gpu;
  gpu.name = "gpu-operator";
  gpu.type = "Helm";
  gpu.source = "https://helm.ngc.nvidia.com/nvidia";
  gpu.version = "v26.7.0";
  gpu.namespace_ = "gpu-operator";
  gpu.values_file = "components/gpu-operator/values.yaml";
  gpu.overrides = Yaml("driver: {version: '580'}");
  gpu.dependency_refs = {"cert-manager"};
  ComponentRef cm;
  cm.name = "cert-manager";
  cm.type = "Helm";
  cm.source = "https://charts.jetstack.io";
  cm.chart = "cert-manager";
  cm.version = "v1.20.2";
  r.component_refs = {cm, gpu};
  r.deployment_order = {"cert-manager", "gpu-operator"};
  return r;
}

TEST(HydrateResultTest, Shape) {
  std::map<std::string, std::string> files = {
      {"components/gpu-operator/values.yaml", "driver:\n  enabled: true\n  version: '570'\n"}};
  auto hydrated = HydrateResult(Sample(), files);
  ASSERT_THAT(hydrated, IsOk());
  EXPECT_EQ(
      *hydrated->FindPath("criteria"),
      Yaml("{service: eks, accelerator: any, intent: any, os: any, platform: any, nodes: 0}"));
  EXPECT_EQ(*hydrated->FindPath("components.gpu-operator"), Yaml(R"(name: gpu-operator
type: Helm
source: https://helm.ngc.nvidia.com/nvidia
namespace: gpu-operator
chart: gpu-operator
version: v26.7.0
dependencyRefs: [cert-manager]
values: {driver: {enabled: true, version: '580'}}
)"));
  // No values: the key is omitted.
  EXPECT_EQ(hydrated->FindPath("components.cert-manager.values"), nullptr);
  EXPECT_EQ(*hydrated->FindPath("constraints"),
            Yaml("[{name: K8s.server.version, value: '>= 1.32', severity: error}]"));
  EXPECT_EQ(*hydrated->FindPath("metadata.appliedOverlays"), Yaml("[base, eks]"));
}

TEST(SelectTest, PathsAndErrors) {
  auto hydrated = HydrateResult(Sample(), {{"components/gpu-operator/values.yaml", "a: 1\n"}});
  ASSERT_THAT(hydrated, IsOk());
  EXPECT_THAT(Select(*hydrated, ".components.gpu-operator.values.driver.version"),
              IsOkAndHolds(Value("580")));
  EXPECT_THAT(Select(*hydrated, "criteria.service"), IsOkAndHolds(Value("eks")));
  EXPECT_THAT(Select(*hydrated, ""), IsOkAndHolds(*hydrated));
  EXPECT_THAT(Select(*hydrated, "criteria.nope"),
              StatusIs(ErrorCode::kNotFound,
                       "selector \"criteria.nope\": key \"nope\" not found, available keys: "
                       "accelerator, intent, nodes, os, platform, service"));
  EXPECT_THAT(Select(*hydrated, ".deploymentOrder.0"),
              StatusIs(ErrorCode::kNotFound,
                       "selector \"deploymentOrder.0\": cannot descend into non-map value at "
                       "\"0\""));
}

TEST(HydrateResultTest, MissingValuesFileIsInternal) {
  EXPECT_THAT(HydrateResult(Sample(), {}),
              StatusIs(ErrorCode::kInternal,
                       "failed to hydrate values for component \"gpu-operator\": values file not "
                       "found: components/gpu-operator/values.yaml"));
}

}  // namespace
}  // namespace aicr::recipe
