#include "overrides/aliases.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::overrides {
namespace {

using serialize::Value;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

Value Yaml(std::string_view text) {
  Result<Value> v = serialize::ParseYaml(text);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

// Shaped like recipes/registry.yaml: aliases in registry order.
recipe::ComponentRegistry Registry() {
  Result<recipe::ComponentRegistry> r = recipe::ComponentRegistry::FromValue(Yaml(R"(
apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: gpu-operator
    displayName: gpu-operator
    valueOverrideKeys: [gpuoperator]
    helm: {defaultRepository: https://helm.ngc.nvidia.com/nvidia, defaultChart: nvidia/gpu-operator}
  - name: nodewright-operator
    displayName: nodewright
    valueOverrideKeys: [nodewright, skyhook]
    helm: {defaultRepository: oci://ghcr.io/nvidia/nodewright/charts, defaultChart: nodewright}
  - name: dynamo-platform
    displayName: dynamo-platform
    valueOverrideKeys: [dynamoplatform, dynamo]
    helm: {defaultRepository: https://helm.ngc.nvidia.com/nvidia/ai-dynamo, defaultChart: dynamo-platform}
  - name: nfd
    displayName: Node Feature Discovery
    valueOverrideKeys: [nfd]
    helm: {defaultRepository: https://kubernetes-sigs.github.io/node-feature-discovery/charts, defaultChart: node-feature-discovery}
)"));
  EXPECT_THAT(r, IsOk());
  return r.ok() ? *r : recipe::ComponentRegistry();
}

std::vector<ComponentPath> Set(std::initializer_list<std::string> specs) {
  Result<std::vector<ComponentPath>> parsed = ParseSetFlags(specs);
  EXPECT_THAT(parsed, IsOk());
  return parsed.ok() ? *parsed : std::vector<ComponentPath>{};
}

TEST(ComponentOverrideKeysTest, NameThenAliases) {
  const recipe::ComponentRegistry reg = Registry();
  EXPECT_THAT(ComponentOverrideKeys(*reg.Find("nodewright-operator")),
              ElementsAre("nodewright-operator", "nodewright", "skyhook"));
  EXPECT_THAT(ComponentOverrideKeys(*reg.Find("nfd")), ElementsAre("nfd", "nfd"));
}

TEST(ResolveSetOverridesTest, CanonicalBeatsAliasOnSamePath) {
  auto resolved = ResolveSetOverrides(
      Registry(), Set({"gpu-operator:driver.version=580", "gpuoperator:driver.version=570",
                       "gpuoperator:gds.enabled=true"}));
  ASSERT_THAT(resolved, IsOk());
  EXPECT_THAT(resolved->components.at("gpu-operator").values,
              ElementsAre(Pair("driver.version", "580"), Pair("gds.enabled", "true")));
  // Order of the flags does not matter for precedence between keys.
  auto reversed = ResolveSetOverrides(
      Registry(), Set({"gpuoperator:driver.version=570", "gpu-operator:driver.version=580"}));
  ASSERT_THAT(reversed, IsOk());
  EXPECT_THAT(reversed->components.at("gpu-operator").values,
              ElementsAre(Pair("driver.version", "580")));
}

TEST(ResolveSetOverridesTest, EarlierAliasBeatsLaterAliasAndLastFlagWinsPerKey) {
  auto resolved =
      ResolveSetOverrides(Registry(), Set({"skyhook:a=from-skyhook", "nodewright:a=from-nodewright",
                                           "skyhook:b=1", "skyhook:b=2"}));
  ASSERT_THAT(resolved, IsOk());
  EXPECT_THAT(resolved->components.at("nodewright-operator").values,
              ElementsAre(Pair("a", "from-nodewright"), Pair("b", "2")));
}

TEST(ResolveSetOverridesTest, EnabledIsStrippedAndParsed) {
  auto resolved = ResolveSetOverrides(
      Registry(), Set({"gpuoperator:enabled=F", "gpu-operator:x=1", "nfd:enabled=true"}));
  ASSERT_THAT(resolved, IsOk());
  const ComponentSetOverrides& gpu = resolved->components.at("gpu-operator");
  EXPECT_EQ(gpu.enabled, false);
  EXPECT_THAT(gpu.values, ElementsAre(Pair("x", "1")));
  const ComponentSetOverrides& nfd = resolved->components.at("nfd");
  EXPECT_EQ(nfd.enabled, true);
  EXPECT_THAT(nfd.values, IsEmpty());
  // The canonical name's enabled beats the alias's.
  auto both = ResolveSetOverrides(Registry(),
                                  Set({"gpu-operator:enabled=true", "gpuoperator:enabled=false"}));
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(both->components.at("gpu-operator").enabled, true);
}

TEST(ResolveSetOverridesTest, NonBoolEnabledIsAnError) {
  EXPECT_THAT(ResolveSetOverrides(Registry(), Set({"skyhook:enabled=maybe"})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "component \"nodewright-operator\": invalid --set enabled value "
                       "\"maybe\": expected true or false"));
  // A non-bool alias value hidden behind a valid canonical one is not an error.
  EXPECT_THAT(ResolveSetOverrides(
                  Registry(), Set({"nodewright-operator:enabled=false", "skyhook:enabled=maybe"})),
              IsOk());
}

TEST(ResolveSetOverridesTest, DynamoBundlingToggleIsStripped) {
  auto resolved = ResolveSetOverrides(
      Registry(), Set({"dynamo:a4xStorageClass.create=false", "dynamo:a4xStorageClass.name=x",
                       "gpuoperator:a4xStorageClass.create=true"}));
  ASSERT_THAT(resolved, IsOk());
  const ComponentSetOverrides& dynamo = resolved->components.at("dynamo-platform");
  EXPECT_THAT(dynamo.values, ElementsAre(Pair("a4xStorageClass.name", "x")));
  EXPECT_THAT(dynamo.bundling_toggles, ElementsAre(Pair("a4xStorageClass.create", "false")));
  // Only on dynamo-platform.
  EXPECT_THAT(resolved->components.at("gpu-operator").values,
              ElementsAre(Pair("a4xStorageClass.create", "true")));
}

TEST(ResolveSetOverridesTest, DeployerAndUnknownKeys) {
  auto resolved = ResolveSetOverrides(
      Registry(), Set({"deployer:syncWave=1", "deployer:syncWave=2", "deployer:project=p",
                       "typo:a=1", "another:b=2", "typo:c=3"}));
  ASSERT_THAT(resolved, IsOk());
  EXPECT_THAT(resolved->deployer, ElementsAre(Pair("project", "p"), Pair("syncWave", "2")));
  EXPECT_THAT(resolved->unknown_keys, ElementsAre("another", "typo"));
  EXPECT_THAT(resolved->components, IsEmpty());
}

TEST(ResolveTypedOverridesTest, MergesAliasesCanonicalWins) {
  std::vector<TypedComponentPath> typed = {
      {"gpuoperator", "driver.env", Yaml("{A: alias}")},
      {"gpu-operator", "driver.env", Yaml("{A: canonical}")},
      {"gpuoperator", "other", Yaml("[1]")},
      {"gpuoperator", "other", Yaml("[2]")},
      {"unknown", "x", Value(1)},
  };
  auto resolved = ResolveTypedOverrides(Registry(), typed);
  ASSERT_THAT(resolved, IsOk());
  const auto& gpu = resolved->components.at("gpu-operator");
  EXPECT_EQ(gpu.at("driver.env"), Yaml("{A: canonical}"));
  EXPECT_EQ(gpu.at("other"), Yaml("[2]"));
  EXPECT_THAT(resolved->unknown_keys, ElementsAre("unknown"));
}

TEST(ResolveTypedOverridesTest, RejectsScalarOnlyKeys) {
  EXPECT_THAT(ResolveTypedOverrides(Registry(), {{"skyhook", "enabled", Value(false)}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "component \"nodewright-operator\": \"enabled\" is the enable/disable "
                       "toggle and must be set with --set (e.g. --set "
                       "nodewright-operator:enabled=false), not --set-json/--set-file"));
  EXPECT_THAT(ResolveTypedOverrides(Registry(), {{"deployer", "syncWave", Value(1)}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "deployer options do not support --set-json/--set-file; use --set "
                       "deployer:<key>=<value>"));
}

TEST(ResolveTypedOverridesTest, RejectsDynamoToggleParentExactAndChild) {
  for (const std::string path :
       {"a4xStorageClass", "a4xStorageClass.create", "a4xStorageClass.create.x"}) {
    EXPECT_THAT(ResolveTypedOverrides(Registry(), {{"dynamo", path, Yaml("{create: false}")}}),
                StatusIs(ErrorCode::kInvalidRequest,
                         "component \"dynamo-platform\": \"a4xStorageClass.create\" is a "
                         "bundling toggle and must be set with --set (e.g. --set "
                         "dynamo-platform:a4xStorageClass.create=false), not "
                         "--set-json/--set-file (got typed path \"" +
                             path + "\")"))
        << path;
  }
  EXPECT_THAT(ResolveTypedOverrides(Registry(), {{"dynamo", "a4xStorageClassX", Value(1)},
                                                 {"dynamo", "a4xStorageClass.name", Value("n")}}),
              IsOk());
}

TEST(ResolveDynamicPathsTest, ResolvesAliasesSortsAndDedups) {
  ResolvedDynamicPaths resolved =
      ResolveDynamicPaths(Registry(), {{"skyhook", "b", std::nullopt},
                                       {"nodewright-operator", "a", std::nullopt},
                                       {"nodewright", "b", std::nullopt},
                                       {"deployer", "x", std::nullopt},
                                       {"nope", "y", std::nullopt}});
  EXPECT_THAT(resolved.components,
              UnorderedElementsAre(Pair("nodewright-operator", ElementsAre("a", "b"))));
  EXPECT_THAT(resolved.unknown_keys, ElementsAre("deployer", "nope"));
}

}  // namespace
}  // namespace aicr::overrides
