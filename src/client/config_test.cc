#include "client/config.h"

#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::client {
namespace {

Result<AicrConfig> Decode(const std::string& yaml) {
  auto doc = serialize::ParseYaml(yaml);
  EXPECT_THAT(doc, IsOk());
  return DecodeConfig(*doc);
}

TEST(ConfigTest, DecodesRecipeSection) {
  auto cfg = Decode(R"(kind: AICRConfig
apiVersion: aicr.run/v1beta1
metadata: {name: prod}
spec:
  recipe:
    criteria: {service: eks, accelerator: h100, intent: training, os: ubuntu, nodes: 8}
    profile: gpuStack=operator-managed
    output: {path: recipe.yaml, format: json}
    data: ./data
    criteriaStrict: true
  bundle:
    deployment: {deployer: helm}
)");
  ASSERT_THAT(cfg, IsOk());
  EXPECT_EQ(cfg->name, "prod");
  ASSERT_TRUE(cfg->recipe.has_value());
  const RecipeConfig& r = *cfg->recipe;
  ASSERT_TRUE(r.criteria.has_value());
  EXPECT_EQ(r.criteria->service, "eks");
  EXPECT_EQ(r.criteria->os, "ubuntu");
  EXPECT_EQ(r.criteria->platform, "");
  EXPECT_EQ(r.criteria->nodes, 8);
  EXPECT_EQ(r.profile, "gpuStack=operator-managed");
  EXPECT_EQ(r.output_path, "recipe.yaml");
  EXPECT_EQ(r.output_format, "json");
  EXPECT_EQ(r.data, "./data");
  EXPECT_EQ(r.criteria_strict, true);
  EXPECT_TRUE(cfg->bundle.is_mapping());
  EXPECT_TRUE(cfg->validate.is_null());
}

TEST(ConfigTest, CriteriaStrictIsTriState) {
  auto cfg = Decode("kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  recipe: {}\n");
  ASSERT_THAT(cfg, IsOk());
  EXPECT_FALSE(cfg->recipe->criteria_strict.has_value());
}

TEST(ConfigTest, Errors) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"kind: Other\napiVersion: aicr.run/v1beta1\nspec: {recipe: {}}\n",
       "config: kind must be AICRConfig, got \"Other\""},
      {"kind: AICRConfig\napiVersion: aicr.run/v1alpha2\nspec: {recipe: {}}\n",
       "config: apiVersion must be aicr.run/v1beta1, got \"aicr.run/v1alpha2\""},
      {"kind: AICRConfig\nspec: {recipe: {}}\n",
       "config: apiVersion must be aicr.run/v1beta1, got \"\""},
      {"kind: AICRConfig\napiVersion: aicr.run/v1beta1\n",
       "config: spec must set at least one of snapshot, recipe, bundle, validate, verify"},
      {"kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec: {}\n",
       "config: spec must set at least one of snapshot, recipe, bundle, validate, verify"},
      {"kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec: {deploy: {}}\n",
       "config spec: unknown field \"deploy\""},
      {"kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec: {recipe: {criteria: {gpu: h100}}}\n",
       "config spec.recipe.criteria: unknown field \"gpu\""},
      {"kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  recipe:\n    criteria: "
       "{service: eks}\n    input: {snapshot: s.yaml}\n",
       "config spec.recipe: criteria and input.snapshot are mutually exclusive"},
      {"kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec: {recipe: {criteriaStrict: yes}}\n",
       "config spec.recipe.criteriaStrict: expected a bool, got string"},
      {"kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec: {recipe: {output: {format: xml}}}\n",
       "invalid spec.recipe.output.format: \"xml\" (valid: json, table, yaml)"},
      {"kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec: {recipe: {criteria: {nodes: -1}}}\n",
       "config spec.recipe.criteria.nodes: expected a non-negative integer"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Decode(c.yaml), StatusIs(ErrorCode::kInvalidRequest, c.message)) << c.yaml;
  }
}

TEST(ConfigTest, LoadRejectsConfigMapSource) {
  EXPECT_THAT(LoadConfig("cm://ns/cfg", {}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "config \"cm://ns/cfg\": cm:// is not supported for --config; use a file "
                       "or URL"));
}

}  // namespace
}  // namespace aicr::client
