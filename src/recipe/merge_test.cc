#include "recipe/merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using serialize::Value;
using ::testing::ElementsAre;

Value Yaml(std::string_view text) { return serialize::ParseYaml(text).value(); }

ComponentRef Ref(std::string name) {
  ComponentRef r;
  r.name = std::move(name);
  return r;
}

std::vector<std::string> Names(const std::vector<ComponentRef>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) {
    out.push_back(r.name);
  }
  return out;
}

TEST(DeepMergeMapTest, RecursesReplacesAndKeepsNulls) {
  Value dst = Yaml("a: {b: 1, c: 2}\nlist: [1, 2]\nscalar: x\nkeep: 1\n");
  DeepMergeMap(dst, Yaml("a: {b: 10}\nlist: [3]\nscalar: {nested: true}\nkeep: null\n"));
  EXPECT_EQ(dst, Yaml("a: {b: 10, c: 2}\nlist: [3]\nscalar: {nested: true}\nkeep: null\n"));
}

TEST(DeepMergeMapTest, EmptyMapReplacesScalarAndNullDstBecomesMapping) {
  Value dst = Yaml("a: 1\n");
  DeepMergeMap(dst, Yaml("a: {}\n"));
  EXPECT_EQ(dst, Yaml("a: {}\n"));
  Value none;
  DeepMergeMap(none, Yaml("x: 1\n"));
  EXPECT_EQ(none, Yaml("x: 1\n"));
}

TEST(MergeValuesTest, NullDeletesKey) {
  Value dst = Yaml("a: {b: 1, c: 2}\nd: 3\n");
  MergeValues(dst, Yaml("a: {b: null}\nd: null\ne: [1]\n"));
  EXPECT_EQ(dst, Yaml("a: {c: 2}\ne: [1]\n"));
}

TEST(MergeComponentRefTest, OverlayWinsOnlyWhenSet) {
  ComponentRef base = Ref("gpu-operator");
  base.namespace_ = "gpu-operator";
  base.chart = "gpu-operator";
  base.version = "v1";
  base.values_file = "components/gpu-operator/values.yaml";
  base.overrides = Yaml("driver: {enabled: true, version: '550'}\n");
  base.dependency_refs = {"cert-manager", "nfd"};
  base.manifest_files = {"a.yaml"};
  base.patches = {"p1"};
  base.expected_resources = {{"Deployment", "x", "ns"}};

  ComponentRef overlay = Ref("gpu-operator");
  overlay.version = "v2";
  overlay.overrides = Yaml("driver: {version: '560', extra: null}\n");
  overlay.dependency_refs = {"nfd", "kube-prometheus-stack"};
  overlay.manifest_files = {"b.yaml", "a.yaml"};
  overlay.pre_manifest_files = {"pre.yaml"};
  overlay.cleanup = true;
  overlay.health_check_skip = true;

  ComponentRef merged = MergeComponentRef(base, overlay);
  EXPECT_EQ(merged.namespace_, "gpu-operator");
  EXPECT_EQ(merged.chart, "gpu-operator");
  EXPECT_EQ(merged.version, "v2");
  EXPECT_EQ(merged.values_file, "components/gpu-operator/values.yaml");
  EXPECT_EQ(merged.overrides, Yaml("driver: {enabled: true, version: '560', extra: null}\n"));
  EXPECT_THAT(merged.dependency_refs, ElementsAre("cert-manager", "nfd", "kube-prometheus-stack"));
  EXPECT_THAT(merged.manifest_files, ElementsAre("a.yaml", "b.yaml"));
  EXPECT_THAT(merged.pre_manifest_files, ElementsAre("pre.yaml"));
  EXPECT_THAT(merged.patches, ElementsAre("p1"));
  EXPECT_EQ(merged.expected_resources.size(), 1u);
  EXPECT_TRUE(merged.cleanup);
  EXPECT_TRUE(merged.health_check_skip);

  // Set-if-true: a later false does not turn them back off.
  ComponentRef again = MergeComponentRef(merged, Ref("gpu-operator"));
  EXPECT_TRUE(again.cleanup);
  EXPECT_TRUE(again.health_check_skip);
}

TEST(MergeComponentRefTest, ListsReplacedWhenOverlayNonEmpty) {
  ComponentRef base = Ref("x");
  base.patches = {"a"};
  base.expected_resources = {{"Deployment", "a", ""}};
  ComponentRef overlay = Ref("x");
  overlay.patches = {"b"};
  overlay.expected_resources = {{"DaemonSet", "b", ""}};
  ComponentRef merged = MergeComponentRef(base, overlay);
  EXPECT_THAT(merged.patches, ElementsAre("b"));
  ASSERT_EQ(merged.expected_resources.size(), 1u);
  EXPECT_EQ(merged.expected_resources[0].kind, "DaemonSet");
}

ValidationPhase Phase(std::optional<std::vector<std::string>> checks,
                      std::optional<std::vector<Constraint>> constraints = std::nullopt) {
  ValidationPhase p;
  p.checks = std::move(checks);
  p.constraints = std::move(constraints);
  return p;
}

TEST(MergeValidationPhaseTest, AbsentInheritsEmptyClearsOtherwiseUnion) {
  ValidationPhase base =
      Phase(std::vector<std::string>{"a", "b"}, std::vector<Constraint>{{"x", "1", "", "", ""}});
  base.timeout = "10m";

  auto inherited = MergeValidationPhase(base, Phase(std::nullopt));
  ASSERT_TRUE(inherited.has_value());
  EXPECT_EQ(inherited->checks, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(inherited->timeout, "10m");

  auto cleared =
      MergeValidationPhase(base, Phase(std::vector<std::string>{}, std::vector<Constraint>{}));
  ASSERT_TRUE(cleared.has_value());
  EXPECT_EQ(cleared->checks, std::vector<std::string>{});
  EXPECT_EQ(cleared->constraints, std::vector<Constraint>{});

  auto unioned = MergeValidationPhase(
      base, Phase(std::vector<std::string>{"c", "a"},
                  std::vector<Constraint>{{"y", "2", "", "", ""}, {"x", "3", "", "", ""}}));
  ASSERT_TRUE(unioned.has_value());
  EXPECT_EQ(unioned->checks, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(unioned->constraints->size(), 2u);
  EXPECT_EQ((*unioned->constraints)[0], (Constraint{"x", "3", "", "", ""}));
  EXPECT_EQ((*unioned->constraints)[1], (Constraint{"y", "2", "", "", ""}));

  EXPECT_EQ(MergeValidationPhase(std::nullopt, base), base);
  EXPECT_EQ(MergeValidationPhase(base, std::nullopt), base);
}

TEST(MergeSpecTest, KeyedByNameSortedAndMixinsAccumulated) {
  RecipeMetadataSpec dst;
  dst.constraints = {{"b", "1", "", "", ""}, {"a", "1", "", "", ""}};
  dst.component_refs = {Ref("zeta"), Ref("alpha")};
  dst.mixins = {"m1"};

  RecipeMetadataSpec other;
  other.constraints = {{"b", "2", "", "", ""}, {"c", "1", "", "", ""}};
  ComponentRef z1 = Ref("zeta");
  z1.namespace_ = "first";
  ComponentRef z2 = Ref("zeta");
  z2.version = "v2";
  other.component_refs = {Ref("mid"), z1, z2};
  other.mixins = {"m2", "m1"};

  MergeSpec(dst, other);
  ASSERT_EQ(dst.constraints.size(), 3u);
  EXPECT_EQ(dst.constraints[0].name, "a");
  EXPECT_EQ(dst.constraints[1], (Constraint{"b", "2", "", "", ""}));
  EXPECT_EQ(dst.constraints[2].name, "c");
  EXPECT_THAT(Names(dst.component_refs), ElementsAre("alpha", "mid", "zeta"));
  // The two same-named refs in `other` collapse: the second merges onto the first.
  EXPECT_EQ(dst.component_refs[2].namespace_, "first");
  EXPECT_EQ(dst.component_refs[2].version, "v2");
  EXPECT_THAT(dst.mixins, ElementsAre("m1", "m2"));
}

TEST(MergeSpecTest, ValidationClonedWhenAbsentAndMergedPerPhase) {
  RecipeMetadataSpec dst;
  RecipeMetadataSpec other;
  other.validation = ValidationConfig{};
  other.validation->deployment = Phase(std::vector<std::string>{"operator-health"});
  MergeSpec(dst, other);
  ASSERT_TRUE(dst.validation.has_value());
  EXPECT_EQ(dst.validation->deployment->checks, std::vector<std::string>{"operator-health"});

  RecipeMetadataSpec more;
  more.validation = ValidationConfig{};
  more.validation->deployment = Phase(std::vector<std::string>{"expected-resources"});
  more.validation->conformance = Phase(std::vector<std::string>{"platform-health"});
  MergeSpec(dst, more);
  EXPECT_EQ(dst.validation->deployment->checks,
            (std::vector<std::string>{"operator-health", "expected-resources"}));
  EXPECT_EQ(dst.validation->conformance->checks, std::vector<std::string>{"platform-health"});
}

TEST(ResolveComponentValuesTest, Layers) {
  std::map<std::string, std::string> files = {
      {"components/gpu-operator/values.yaml", "driver: {enabled: true, version: '550'}\nx: 1\n"},
      {"components/gpu-operator/values-eks.yaml", "driver: {version: '560'}\ny: 2\n"},
  };
  ComponentRef ref = Ref("gpu-operator");
  EXPECT_THAT(ResolveComponentValues(files, ref), IsOkAndHolds(Value::EmptyMapping()));

  ref.values_file = "components/gpu-operator/values-eks.yaml";
  ref.overrides = Yaml("x: null\ndriver: {enabled: false}\n");
  EXPECT_THAT(ResolveComponentValues(files, ref),
              IsOkAndHolds(Yaml("driver: {enabled: false, version: '560'}\ny: 2\n")));

  ref.values_file = "components/gpu-operator/values.yaml";
  ref.overrides = Value();
  EXPECT_THAT(ResolveComponentValues(files, ref),
              IsOkAndHolds(Yaml("driver: {enabled: true, version: '550'}\nx: 1\n")));

  ref.values_file = "components/gpu-operator/missing.yaml";
  EXPECT_THAT(ResolveComponentValues(files, ref),
              StatusIs(ErrorCode::kNotFound,
                       "values file not found: components/gpu-operator/missing.yaml"));
}

}  // namespace
}  // namespace aicr::recipe
