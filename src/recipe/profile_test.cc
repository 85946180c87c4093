#include "recipe/profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recipe/resolver.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using serialize::Value;
using ::testing::ElementsAre;

Value Yaml(std::string_view text) { return serialize::ParseYaml(text).value(); }

ProfileDeclaration Declaration() {
  ProfileDeclaration d;
  d.name = "driver";
  d.default_value = "operator";
  ProfileValue op;
  op.component_refs = {{"gpu-operator", Yaml("driver: {enabled: true}")}};
  ProfileValue pre;
  pre.advertiser = "external";
  pre.constraints = {{"K8s.server.version", ">= 1.34", "", "", ""}};
  pre.readiness_constraints = {{"OS.release.ID", "ubuntu", "", "", ""}};
  pre.component_refs = {{"gpu-operator", Yaml("driver: {enabled: false}")}};
  d.values = {{"operator", op}, {"preinstalled", pre}};
  return d;
}

RecipeMetadataSpec Spec() {
  RecipeMetadataSpec spec;
  spec.constraints = {{"K8s.server.version", ">= 1.32", "", "", ""}};
  ComponentRef gpu;
  gpu.name = "gpu-operator";
  gpu.overrides = Yaml("toolkit: {enabled: true}");
  spec.component_refs = {gpu};
  return spec;
}

TEST(ParseProfileSelectionTest, ExactForm) {
  auto none = ParseProfileSelection("");
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
  auto sel = ParseProfileSelection("driver=operator");
  ASSERT_THAT(sel, IsOk());
  EXPECT_EQ((*sel)->name, "driver");
  EXPECT_EQ((*sel)->value, "operator");
  EXPECT_THAT(ParseProfileSelection("driver"),
              StatusIs(ErrorCode::kInvalidRequest, "profile must use the exact name=value form"));
  EXPECT_THAT(ParseProfileSelection(" a=b"),
              StatusIs(ErrorCode::kInvalidRequest, "profile must use the exact name=value form"));
  EXPECT_THAT(
      ParseProfileSelection("a=b c"),
      StatusIs(ErrorCode::kInvalidRequest, "profile name and value must match [A-Za-z0-9._-]+"));
}

TEST(ApplyEffectiveProfileTest, DefaultValueApplied) {
  RecipeMetadataSpec spec = Spec();
  auto selected = ApplyEffectiveProfile(spec, EffectiveProfile{"leaf", Declaration()}, "", nullptr);
  ASSERT_THAT(selected, IsOk());
  ASSERT_TRUE(selected->has_value());
  EXPECT_EQ((*selected)->name, "driver");
  EXPECT_EQ((*selected)->value, "operator");
  EXPECT_EQ((*selected)->advertiser, "");
  EXPECT_THAT((*selected)->owned_paths.at("gpu-operator"),
              ElementsAre("driver.enabled", "enabled"));
  EXPECT_EQ(spec.component_refs[0].overrides,
            Yaml("toolkit: {enabled: true}\ndriver: {enabled: true}"));
}

TEST(ApplyEffectiveProfileTest, SelectedValueNarrowsConstraintsAndAddsReadiness) {
  RecipeMetadataSpec spec = Spec();
  auto selected = ApplyEffectiveProfile(spec, EffectiveProfile{"leaf", Declaration()},
                                        "driver=preinstalled", nullptr);
  ASSERT_THAT(selected, IsOk());
  EXPECT_EQ((*selected)->advertiser, "external");
  ASSERT_EQ(spec.constraints.size(), 1u);
  EXPECT_EQ(spec.constraints[0].value, ">= 1.34");
  ASSERT_TRUE(spec.validation.has_value());
  EXPECT_EQ(spec.validation->readiness->constraints,
            (std::vector<Constraint>{{"OS.release.ID", "ubuntu", "", "", ""}}));
  EXPECT_EQ(spec.component_refs[0].overrides,
            Yaml("toolkit: {enabled: true}\ndriver: {enabled: false}"));
}

TEST(ApplyEffectiveProfileTest, SelectionErrors) {
  RecipeMetadataSpec spec = Spec();
  EffectiveProfile eff{"leaf", Declaration()};
  EXPECT_THAT(ApplyEffectiveProfile(spec, eff, "other=operator", nullptr),
              StatusIs(ErrorCode::kInvalidRequest,
                       "resolved composition declares profile \"driver\", not \"other\""));
  EXPECT_THAT(ApplyEffectiveProfile(spec, eff, "driver=nope", nullptr),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile \"driver\" has no value \"nope\"; valid values: [operator "
                       "preinstalled]"));
  EXPECT_THAT(ApplyEffectiveProfile(spec, std::nullopt, "driver=operator", nullptr),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile \"driver\" was selected, but the resolved composition declares "
                       "no profile"));
  RecipeMetadataSpec without = Spec();
  without.component_refs[0].overrides = Yaml("enabled: false");
  EXPECT_THAT(ApplyEffectiveProfile(without, eff, "", nullptr),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile \"driver\" references component \"gpu-operator\", which is not "
                       "enabled in the surviving composition"));
}

TEST(ApplyEffectiveProfileTest, ReadinessCollision) {
  RecipeMetadataSpec spec = Spec();
  spec.validation = ValidationConfig{};
  spec.validation->readiness = ValidationPhase{};
  spec.validation->readiness->constraints =
      std::vector<Constraint>{{"OS.release.ID", "rhel", "", "", ""}};
  EXPECT_THAT(ApplyEffectiveProfile(spec, EffectiveProfile{"leaf", Declaration()},
                                    "driver=preinstalled", nullptr),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile \"driver\" value \"preinstalled\" readiness constraint "
                       "\"OS.release.ID\" collides with the composed recipe's readiness "
                       "constraints"));
}

class FailingEvaluator : public ConstraintEvaluator {
 public:
  Result<ConstraintOutcome> Evaluate(const Constraint&) const override {
    return ConstraintOutcome{false, "1.33"};
  }
};

TEST(ApplyEffectiveProfileTest, EvaluatorFailsClosed) {
  RecipeMetadataSpec spec = Spec();
  FailingEvaluator evaluator;
  EXPECT_THAT(ApplyEffectiveProfile(spec, EffectiveProfile{"leaf", Declaration()},
                                    "driver=preinstalled", &evaluator),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile driver=preinstalled constraint \"K8s.server.version\" failed"));
}

Constraint C(std::string value) {
  return Constraint{"K8s.server.version", std::move(value), "", "", ""};
}

TEST(TightenProfileConstraintTest, RangesOnlyNarrow) {
  EXPECT_THAT(TightenProfileConstraint("p", "v", C(">= 1.32"), C(">= 1.34")),
              IsOkAndHolds(C(">= 1.34")));
  EXPECT_THAT(TightenProfileConstraint("p", "v", C(">= 1.34"), C(">= 1.32")),
              IsOkAndHolds(C(">= 1.34")));
  EXPECT_THAT(TightenProfileConstraint("p", "v", C(">= 1.32"), C("< 1.36")),
              IsOkAndHolds(C(">= 1.32 < 1.36")));
  EXPECT_THAT(TightenProfileConstraint("p", "v", C(">= 1.34.1 < 1.36.0"), C(">= 1.35.0")),
              IsOkAndHolds(C(">= 1.35.0 < 1.36.0")));
  EXPECT_THAT(TightenProfileConstraint("p", "v", C("ubuntu"), C("ubuntu")),
              IsOkAndHolds(C("ubuntu")));
  EXPECT_THAT(TightenProfileConstraint("p", "v", C("< 1.30"), C(">= 1.32")),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile \"p\" value \"v\" constraint \"K8s.server.version\" requires "
                       "\">= 1.32\", which no version can satisfy alongside the composed recipe's "
                       "\"< 1.30\""));
  EXPECT_THAT(TightenProfileConstraint("p", "v", C(">= 1.34"), C(">= 1.34.0")),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile \"p\" value \"v\" constraint \"K8s.server.version\" states "
                       "\">= 1.34.0\" against the composed recipe's \">= 1.34\"; same-direction "
                       "bounds written at different precisions cannot be ordered (versions "
                       "compare at the lower precision, so 1.34 and 1.34.1 read as equal). "
                       "Restate one of them at the other's precision"));
  EXPECT_THAT(TightenProfileConstraint("p", "v", C("ubuntu"), C(">= 1.34")),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile \"p\" value \"v\" constraint \"K8s.server.version\" collides with "
                       "the composed recipe: \">= 1.34\" and \"ubuntu\" are not both version "
                       "ranges, so there is no intersection to take"));
}

}  // namespace
}  // namespace aicr::recipe
