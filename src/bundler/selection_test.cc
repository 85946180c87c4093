#include "bundler/selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::bundler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

recipe::ComponentRef Ref(std::string name, std::vector<std::string> deps = {},
                         bool enabled = true) {
  recipe::ComponentRef r;
  r.name = std::move(name);
  r.type = "Helm";
  r.dependency_refs = std::move(deps);
  if (!enabled) {
    r.overrides = serialize::ParseYaml("enabled: false").value();
  }
  return r;
}

recipe::RecipeResult Recipe(std::vector<recipe::ComponentRef> refs,
                            std::vector<std::string> order) {
  recipe::RecipeResult r;
  r.component_refs = std::move(refs);
  r.deployment_order = std::move(order);
  return r;
}

std::vector<std::string> Names(const Selection& s) {
  std::vector<std::string> out;
  for (const auto& r : s.refs) {
    out.push_back(r.name);
  }
  return out;
}

TEST(SelectComponentsTest, KeepsAuthoredOrderAndLevels) {
  auto sel = SelectComponents(
      Recipe({Ref("gpu-operator", {"cert-manager"}), Ref("cert-manager"), Ref("nfd")},
             {"nfd", "cert-manager", "gpu-operator"}),
      {});
  ASSERT_THAT(sel, IsOk());
  EXPECT_THAT(Names(*sel), ElementsAre("nfd", "cert-manager", "gpu-operator"));
  EXPECT_EQ(sel->levels.at("cert-manager"), 0);
  EXPECT_EQ(sel->levels.at("gpu-operator"), 1);
  EXPECT_EQ(sel->levels.at("nfd"), 0);
}

TEST(SelectComponentsTest, FallsBackToTopologicalOrderWhenAuthoredOrderIsWrong) {
  auto sel = SelectComponents(Recipe({Ref("gpu-operator", {"cert-manager"}), Ref("cert-manager")},
                                     {"gpu-operator", "cert-manager"}),
                              {});
  ASSERT_THAT(sel, IsOk());
  EXPECT_THAT(Names(*sel), ElementsAre("cert-manager", "gpu-operator"));
}

TEST(SelectComponentsTest, RecipeDisabledIsDroppedAndEdgesPruned) {
  auto sel = SelectComponents(
      Recipe({Ref("cert-manager", {}, false), Ref("gpu-operator", {"cert-manager"})},
             {"gpu-operator"}),
      {});
  ASSERT_THAT(sel, IsOk());
  EXPECT_THAT(Names(*sel), ElementsAre("gpu-operator"));
  EXPECT_TRUE(sel->refs[0].dependency_refs.empty());
  EXPECT_EQ(sel->declared.count("cert-manager"), 1u);
}

TEST(SelectComponentsTest, SetEnabledFalseDropsAndTrueCannotReEnable) {
  SelectionInput in;
  in.enabled_toggles = {{"nfd", false}};
  auto sel = SelectComponents(Recipe({Ref("nfd"), Ref("cert-manager")}, {}), in);
  ASSERT_THAT(sel, IsOk());
  EXPECT_THAT(Names(*sel), ElementsAre("cert-manager"));

  in.enabled_toggles = {{"nfd", true}};
  EXPECT_THAT(SelectComponents(Recipe({Ref("nfd", {}, false), Ref("cert-manager")}, {}), in),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("cannot be re-enabled")));
}

TEST(SelectComponentsTest, ToggleOnUndeclaredComponentIsRejected) {
  SelectionInput in;
  in.enabled_toggles = {{"typo", false}};
  EXPECT_THAT(SelectComponents(Recipe({Ref("nfd")}, {}), in),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("declared: nfd")));
}

TEST(SelectComponentsTest, BundlersFilter) {
  SelectionInput in;
  in.bundlers = {"cert-manager"};
  auto sel = SelectComponents(Recipe({Ref("nfd"), Ref("cert-manager")}, {}), in);
  ASSERT_THAT(sel, IsOk());
  EXPECT_THAT(Names(*sel), ElementsAre("cert-manager"));
  in.bundlers = {"nope"};
  EXPECT_THAT(SelectComponents(Recipe({Ref("nfd")}, {}), in),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unknown component \"nope\"")));
  in.bundlers = {"nfd"};
  EXPECT_THAT(SelectComponents(Recipe({Ref("nfd", {}, false), Ref("x")}, {}), in),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("disabled component \"nfd\"")));
}

TEST(SelectComponentsTest, DraNodeLabelerNeedsOptIn) {
  auto sel = SelectComponents(Recipe({Ref("dra-node-labeler"), Ref("nfd")}, {}), {});
  ASSERT_THAT(sel, IsOk());
  EXPECT_THAT(Names(*sel), ElementsAre("nfd"));
  SelectionInput in;
  in.dra_eviction_opt_in = true;
  sel = SelectComponents(Recipe({Ref("dra-node-labeler"), Ref("nfd")}, {}), in);
  ASSERT_THAT(sel, IsOk());
  EXPECT_THAT(Names(*sel), ElementsAre("dra-node-labeler", "nfd"));
}

TEST(SelectComponentsTest, Errors) {
  EXPECT_THAT(SelectComponents(Recipe({}, {}), {}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("no component references")));
  EXPECT_THAT(SelectComponents(Recipe({Ref("a"), Ref("a")}, {}), {}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("declared twice")));
  EXPECT_THAT(SelectComponents(Recipe({Ref("a", {"ghost"})}, {}), {}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("undeclared component \"ghost\"")));
  EXPECT_THAT(SelectComponents(Recipe({Ref("a", {"b"}), Ref("b", {"a"})}, {}), {}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("circular")));
  EXPECT_THAT(SelectComponents(Recipe({Ref("a", {}, false)}, {}), {}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("no enabled components")));
}

TEST(FilteredRecipeTest, KeepsOnlySelected) {
  const auto recipe = Recipe({Ref("nfd", {}, false), Ref("cert-manager")}, {"cert-manager"});
  auto sel = SelectComponents(recipe, {});
  ASSERT_THAT(sel, IsOk());
  const auto filtered = FilteredRecipe(recipe, *sel);
  ASSERT_EQ(filtered.component_refs.size(), 1u);
  EXPECT_EQ(filtered.component_refs[0].name, "cert-manager");
  EXPECT_THAT(filtered.deployment_order, ElementsAre("cert-manager"));
}

}  // namespace
}  // namespace aicr::bundler
