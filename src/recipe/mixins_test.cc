#include "recipe/mixins.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using serialize::Value;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Value Yaml(std::string_view text) { return serialize::ParseYaml(text).value(); }

ComponentRef Ref(std::string name) {
  ComponentRef r;
  r.name = std::move(name);
  return r;
}

class MixinsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto reg = ComponentRegistry::FromValue(Yaml(R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: nvsentinel
    displayName: NVSentinel
    helm: {defaultRepository: oci://ghcr.io/nvidia, defaultChart: nvsentinel}
    mixinSafeOverridePaths: [global.observability.enabled, global.preflight.enabled]
  - name: gpu-operator
    displayName: GPU Operator
    helm: {defaultRepository: https://helm.ngc.nvidia.com/nvidia, defaultChart: gpu-operator}
)"));
    ASSERT_THAT(reg, IsOk());
    registry_ = std::move(reg).value();
    provider_ = catalog::MakeMemoryProvider({
        {"components/nvsentinel/values.yaml", "global:\n  preflight:\n    enabled: false\n"},
    });
    sources_ = MixinSources{&mixins_, &registry_, provider_.get()};
  }

  void AddMixin(std::string name, std::vector<Constraint> constraints,
                std::vector<ComponentRef> refs) {
    RecipeMixin m;
    m.name = name;
    m.constraints = std::move(constraints);
    m.component_refs = std::move(refs);
    mixins_[name] = std::move(m);
  }

  RecipeMetadataSpec Spec(std::vector<std::string> mixins) {
    RecipeMetadataSpec spec;
    spec.constraints = {{"K8s.server.version", ">= 1.32", "", "", ""}};
    ComponentRef gpu = Ref("gpu-operator");
    gpu.overrides = Yaml("driver: {enabled: true}");
    ComponentRef nvs = Ref("nvsentinel");
    nvs.values_file = "components/nvsentinel/values.yaml";
    spec.component_refs = {gpu, nvs};
    spec.mixins = std::move(mixins);
    return spec;
  }

  std::map<std::string, RecipeMixin> mixins_;
  ComponentRegistry registry_;
  std::unique_ptr<catalog::DataProvider> provider_;
  MixinSources sources_;
};

TEST_F(MixinsTest, MergesConstraintsAndNewComponentAndClearsMixins) {
  ComponentRef npd = Ref("node-problem-detector");
  npd.source = "oci://example/npd";
  npd.version = "1.0.0";
  npd.values_file = "components/node-problem-detector/values.yaml";
  AddMixin("npd", {{"OS.release.ID", "ubuntu", "", "", ""}}, {npd});
  ComponentRef ns = Ref("gpu-operator");
  ns.namespace_ = "privileged-gpu-operator";
  ns.pre_manifest_files = {"components/gpu-operator/manifests/talos-namespace.yaml"};
  AddMixin("os-talos", {}, {ns});
  RecipeMetadataSpec spec = Spec({"npd", "os-talos"});
  auto names = MergeMixins(sources_, spec);
  ASSERT_THAT(names, IsOk());
  EXPECT_THAT(*names, ElementsAre("OS.release.ID"));
  EXPECT_THAT(spec.mixins, IsEmpty());
  ASSERT_EQ(spec.constraints.size(), 2u);
  EXPECT_EQ(spec.constraints[1].name, "OS.release.ID");
  ASSERT_EQ(spec.component_refs.size(), 3u);
  EXPECT_EQ(spec.component_refs[0].namespace_, "privileged-gpu-operator");
  EXPECT_EQ(spec.component_refs[1].name, "node-problem-detector");
}

TEST_F(MixinsTest, UnknownMixin) {
  RecipeMetadataSpec spec = Spec({"nope"});
  EXPECT_THAT(MergeMixins(sources_, spec),
              StatusIs(ErrorCode::kNotFound, "mixin \"nope\" not found in recipes/mixins/"));
}

TEST_F(MixinsTest, ConstraintCollision) {
  AddMixin("m", {{"K8s.server.version", ">= 1.30", "", "", ""}}, {});
  RecipeMetadataSpec spec = Spec({"m"});
  EXPECT_THAT(MergeMixins(sources_, spec),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixin \"m\" constraint \"K8s.server.version\" conflicts with inheritance "
                       "chain or another mixin"));
}

TEST_F(MixinsTest, DuplicateComponentInsideOneMixin) {
  AddMixin("m", {}, {Ref("x"), Ref("x")});
  RecipeMetadataSpec spec = Spec({"m"});
  EXPECT_THAT(MergeMixins(sources_, spec),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixin \"m\" declares component \"x\" more than once in its own "
                       "componentRefs list"));
}

TEST_F(MixinsTest, IdentityFieldOnExistingComponentRejected) {
  ComponentRef c = Ref("gpu-operator");
  c.version = "v9";
  AddMixin("m", {}, {c});
  RecipeMetadataSpec spec = Spec({"m"});
  EXPECT_THAT(MergeMixins(sources_, spec),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixin \"m\" component \"gpu-operator\" sets identity/sourcing field "
                       "\"version\" which conflicts with the inheritance chain; mixins may only "
                       "contribute Namespace, ManifestFiles, PreManifestFiles, DependencyRefs, or "
                       "registry-allowlisted Overrides paths to an existing component"));
}

TEST_F(MixinsTest, NonAllowlistedOverridePathRejected) {
  ComponentRef c = Ref("gpu-operator");
  c.overrides = Yaml("driver: {enabled: false}");
  AddMixin("gpu-operator-driver", {}, {c});
  RecipeMetadataSpec spec = Spec({"gpu-operator-driver"});
  EXPECT_THAT(MergeMixins(sources_, spec),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixin \"gpu-operator-driver\" component \"gpu-operator\" sets overrides "
                       "path \"driver.enabled\", which is not in the component's "
                       "registry-declared mixinSafeOverridePaths allowlist [] — a mixin may only "
                       "set paths its target component has explicitly opted in for mixin use"));
}

TEST_F(MixinsTest, AllowlistedPathAcceptedAndCollisionRejected) {
  ComponentRef ok = Ref("nvsentinel");
  ok.overrides = Yaml("global: {observability: {enabled: true}}");
  AddMixin("nvsentinel-observability", {}, {ok});
  RecipeMetadataSpec spec = Spec({"nvsentinel-observability"});
  ASSERT_THAT(MergeMixins(sources_, spec), IsOk());
  EXPECT_EQ(spec.component_refs[1].overrides, Yaml("global: {observability: {enabled: true}}"));

  // global.preflight.enabled is already set by the values file.
  ComponentRef clash = Ref("nvsentinel");
  clash.overrides = Yaml("global: {preflight: {enabled: true}}");
  AddMixin("nvsentinel-preflight", {}, {clash});
  RecipeMetadataSpec spec2 = Spec({"nvsentinel-preflight"});
  EXPECT_THAT(MergeMixins(sources_, spec2),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixin \"nvsentinel-preflight\" component \"nvsentinel\" overrides path "
                       "\"global.preflight.enabled\" collides with path "
                       "\"global.preflight.enabled\" already set by the leaf's own chain or "
                       "another mixin — mixins may not silently overwrite a value the chain "
                       "already configured"));

  // A second mixin setting what an earlier one set collides too.
  AddMixin("again", {}, {ok});
  RecipeMetadataSpec spec3 = Spec({"nvsentinel-observability", "again"});
  EXPECT_THAT(MergeMixins(sources_, spec3),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixin \"again\" component \"nvsentinel\" overrides path "
                       "\"global.observability.enabled\" collides with path "
                       "\"global.observability.enabled\" already set by the leaf's own chain or "
                       "another mixin — mixins may not silently overwrite a value the chain "
                       "already configured"));
}

TEST_F(MixinsTest, EmptyMapRejected) {
  ComponentRef c = Ref("nvsentinel");
  c.overrides = Yaml("global: {observability: {}}");
  AddMixin("m", {}, {c});
  RecipeMetadataSpec spec = Spec({"m"});
  EXPECT_THAT(
      MergeMixins(sources_, spec),
      StatusIs(ErrorCode::kInvalidRequest,
               "mixin \"m\" component \"nvsentinel\" overrides: path \"global.observability\" is "
               "an empty map ({}); a mixin override must set a real scalar or non-empty map, "
               "never an empty one -- an empty map can silently blank an existing value at an "
               "ancestor path, or pass an allowlist check on the leaf path itself and write a map "
               "where the chart expects a scalar"));
}

TEST_F(MixinsTest, NewAllowlistedComponentMayNotUseValuesFile) {
  RecipeMetadataSpec spec = Spec({"m"});
  spec.component_refs.pop_back();  // nvsentinel becomes new
  ComponentRef c = Ref("nvsentinel");
  c.values_file = "components/nvsentinel/values-x.yaml";
  AddMixin("m", {}, {c});
  EXPECT_THAT(MergeMixins(sources_, spec),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixin \"m\" component \"nvsentinel\" sets valuesFile "
                       "\"components/nvsentinel/values-x.yaml\" while introducing an allowlisted "
                       "component; a mixin may only supply such a component's values via "
                       "registry-allowlisted inline overrides, never a values file"));
}

TEST(OverrideLeafPathsTest, SortedAndDottedKeysRejected) {
  EXPECT_THAT(OverrideLeafPaths(Yaml("b: {c: 1, a: {}}\na: [1]"), "ctx"),
              IsOkAndHolds(ElementsAre("a", "b.a", "b.c")));
  EXPECT_THAT(OverrideLeafPaths(Yaml("a: {b.c: 1}"), "ctx"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "ctx: override key \"b.c\" must be nonempty and may not contain a literal "
                       "dot"));
}

}  // namespace
}  // namespace aicr::recipe
