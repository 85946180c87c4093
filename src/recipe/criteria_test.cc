#include "recipe/criteria.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace aicr::recipe {
namespace {

Criteria Make(std::string service, std::string accelerator, std::string intent, std::string os,
              std::string platform, int nodes = 0) {
  Criteria c;
  c.service = std::move(service);
  c.accelerator = std::move(accelerator);
  c.intent = std::move(intent);
  c.os = std::move(os);
  c.platform = std::move(platform);
  c.nodes = nodes;
  return c;
}

TEST(CriteriaTest, DefaultsToAny) {
  Criteria c;
  for (Dimension d : kDimensions) {
    EXPECT_EQ(c.Get(d), "any") << DimensionName(d);
  }
  EXPECT_EQ(c.nodes, 0);
}

TEST(CriteriaTest, DimensionNamesInFixedOrder) {
  std::vector<std::string_view> names;
  for (Dimension d : kDimensions) {
    names.push_back(DimensionName(d));
  }
  EXPECT_THAT(names, ::testing::ElementsAre("service", "accelerator", "intent", "os", "platform"));
}

TEST(CriteriaTest, GetReturnsEachField) {
  Criteria c = Make("eks", "h100", "training", "ubuntu", "kubeflow");
  EXPECT_EQ(c.Get(Dimension::kService), "eks");
  EXPECT_EQ(c.Get(Dimension::kAccelerator), "h100");
  EXPECT_EQ(c.Get(Dimension::kIntent), "training");
  EXPECT_EQ(c.Get(Dimension::kOs), "ubuntu");
  EXPECT_EQ(c.Get(Dimension::kPlatform), "kubeflow");
  c.Get(Dimension::kOs) = "rhel";
  EXPECT_EQ(c.os, "rhel");
}

TEST(CriteriaTest, Specificity) {
  EXPECT_EQ(Criteria().Specificity(), 0);
  EXPECT_EQ(Make("", "", "", "", "").Specificity(), 0);  // "" is the same as any
  EXPECT_EQ(Make("eks", "any", "any", "any", "any").Specificity(), 1);
  EXPECT_EQ(Make("eks", "h100", "", "any", "any").Specificity(), 2);
  EXPECT_EQ(Make("eks", "h100", "training", "ubuntu", "kubeflow").Specificity(), 5);
  EXPECT_EQ(Make("any", "any", "any", "any", "any", 8).Specificity(), 1);
  EXPECT_EQ(Make("eks", "h100", "training", "ubuntu", "kubeflow", 8).Specificity(), 6);
}

TEST(CriteriaTest, ToString) {
  EXPECT_EQ(Criteria().ToString(), "criteria(any)");
  EXPECT_EQ(Make("", "", "", "", "").ToString(), "criteria(any)");
  EXPECT_EQ(Make("eks", "h100", "any", "any", "any", 8).ToString(),
            "criteria(service=eks, accelerator=h100, nodes=8)");
  EXPECT_EQ(Make("eks", "h100", "training", "ubuntu", "kubeflow").ToString(),
            "criteria(service=eks, accelerator=h100, intent=training, os=ubuntu, "
            "platform=kubeflow)");
  EXPECT_EQ(Make("any", "any", "any", "any", "any", 4).ToString(), "criteria(nodes=4)");
  EXPECT_EQ(Make("any", "", "inference", "any", "any").ToString(), "criteria(intent=inference)");
}

TEST(CriteriaTest, MatchesFieldIsAsymmetric) {
  struct Case {
    const char* recipe;
    const char* query;
    bool want;
  };
  const Case cases[] = {
      {"any", "any", true},  {"any", "eks", true},    {"", "eks", true},  {"", "", true},
      {"any", "", true},     {"eks", "any", false},   {"eks", "", false}, {"eks", "eks", true},
      {"eks", "gke", false}, {"h100", "H100", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MatchesField(c.recipe, c.query), c.want) << c.recipe << " vs " << c.query;
  }
  EXPECT_TRUE(IsAny(""));
  EXPECT_TRUE(IsAny("any"));
  EXPECT_FALSE(IsAny("ANY"));
}

TEST(CriteriaTest, MatchesTable) {
  struct Case {
    const char* name;
    Criteria recipe;
    Criteria query;
    bool want;
  };
  const Case cases[] = {
      {"generic recipe matches anything", Criteria(), Make("eks", "h100", "training", "", ""),
       true},
      {"generic recipe matches generic query", Criteria(), Criteria(), true},
      {"specific recipe does not match generic query", Make("eks", "", "", "", ""), Criteria(),
       false},
      {"exact service", Make("eks", "", "", "", ""), Make("eks", "h100", "", "", ""), true},
      {"different service", Make("eks", "", "", "", ""), Make("gke", "h100", "", "", ""), false},
      {"all dimensions must match", Make("eks", "h100", "training", "ubuntu", ""),
       Make("eks", "h100", "training", "rhel", ""), false},
      {"query missing a recipe dimension", Make("eks", "h100", "training", "", ""),
       Make("eks", "h100", "", "", ""), false},
      {"platform dimension", Make("", "", "", "", "kubeflow"),
       Make("eks", "h100", "training", "ubuntu", "kubeflow"), true},
      {"platform mismatch", Make("", "", "", "", "kubeflow"), Make("eks", "", "", "", "dynamo"),
       false},
      // Since #1781 nodes never participates in matching.
      {"recipe nodes ignored", Make("eks", "", "", "", "", 8), Make("eks", "", "", "", ""), true},
      {"query nodes ignored", Make("eks", "", "", "", ""), Make("eks", "", "", "", "", 16), true},
      {"different nodes ignored", Make("eks", "", "", "", "", 8), Make("eks", "", "", "", "", 16),
       true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Matches(c.recipe, c.query), c.want) << c.name;
  }
}

}  // namespace
}  // namespace aicr::recipe
