#include "recipe/coverage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Dims {
  std::string service{};
  std::string accelerator{};
  std::string intent{};
  std::string os{};
  std::string platform{};
};

class Catalog {
 public:
  Catalog() { base_.name = "base"; }
  Catalog& Add(std::string name, std::string parent, const Dims& d) {
    RecipeMetadata m;
    m.name = name;
    m.spec.base = std::move(parent);
    Criteria c;
    auto set = [](std::string& dst, const std::string& v) {
      if (!v.empty()) {
        dst = v;
      }
    };
    set(c.service, d.service);
    set(c.accelerator, d.accelerator);
    set(c.intent, d.intent);
    set(c.os, d.os);
    set(c.platform, d.platform);
    m.spec.criteria = c;
    overlays_[name] = std::move(m);
    return *this;
  }
  Catalog& AddAncestorOnly(std::string name, std::string parent) {
    RecipeMetadata m;
    m.name = name;
    m.spec.base = std::move(parent);
    overlays_[name] = std::move(m);
    return *this;
  }
  OverlayIndex Index() const { return OverlayIndex(base_, overlays_); }

 private:
  RecipeMetadata base_;
  std::map<std::string, RecipeMetadata> overlays_;
};

Criteria Query(const Dims& d) {
  Criteria c;
  if (!d.service.empty()) {
    c.service = d.service;
  }
  if (!d.accelerator.empty()) {
    c.accelerator = d.accelerator;
  }
  if (!d.intent.empty()) {
    c.intent = d.intent;
  }
  if (!d.os.empty()) {
    c.os = d.os;
  }
  if (!d.platform.empty()) {
    c.platform = d.platform;
  }
  return c;
}

std::vector<std::string> Names(const std::vector<const RecipeMetadata*>& ms) {
  std::vector<std::string> out;
  for (const auto* m : ms) {
    out.push_back(m->name);
  }
  return out;
}

Catalog EksCatalog() {
  Catalog c;
  c.Add("eks", "", {.service = "eks"})
      .Add("eks-training", "eks", {.service = "eks", .intent = "training"})
      .Add("h100-eks-training", "eks-training",
           {.service = "eks", .accelerator = "h100", .intent = "training"})
      .Add("h100-eks-ubuntu-training", "h100-eks-training",
           {.service = "eks", .accelerator = "h100", .intent = "training", .os = "ubuntu"})
      .Add("h100-any", "base", {.accelerator = "h100"})
      .Add("monitoring-hpa", "base", {})
      .Add("gke-cos", "", {.service = "gke", .os = "cos"});
  return c;
}

TEST(FindMatchingOverlaysTest, MaximalLeavesOrderedBySpecificityThenName) {
  Catalog c = EksCatalog();
  OverlayIndex index = c.Index();
  EXPECT_THAT(Names(index.FindMatchingOverlays(
                  Query({.service = "eks", .accelerator = "h100", .intent = "training"}))),
              ElementsAre("monitoring-hpa", "h100-any", "h100-eks-training"));
  // A stated os reaches the os-specific leaf, which shadows its ancestors.
  EXPECT_THAT(
      Names(index.FindMatchingOverlays(
          Query({.service = "eks", .accelerator = "h100", .intent = "training", .os = "ubuntu"}))),
      ElementsAre("monitoring-hpa", "h100-any", "h100-eks-ubuntu-training"));
  // A generic query never pulls in a specific overlay.
  EXPECT_THAT(Names(index.FindMatchingOverlays(Criteria{})), ElementsAre("monitoring-hpa"));
}

TEST(OverlayIndexTest, ChainRootToLeafAndErrors) {
  Catalog c = EksCatalog();
  c.AddAncestorOnly("loop-a", "loop-b").AddAncestorOnly("loop-b", "loop-a");
  c.AddAncestorOnly("orphan", "missing");
  OverlayIndex index = c.Index();
  auto chain = index.Chain("h100-eks-ubuntu-training");
  ASSERT_THAT(chain, IsOk());
  EXPECT_THAT(Names(*chain),
              ElementsAre("eks", "eks-training", "h100-eks-training", "h100-eks-ubuntu-training"));
  EXPECT_THAT(index.Chain("loop-a"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "circular inheritance detected: recipe \"loop-a\" references itself in "
                       "inheritance chain"));
  EXPECT_THAT(index.Chain("orphan"),
              StatusIs(ErrorCode::kNotFound,
                       "recipe \"missing\" not found (referenced in inheritance chain)"));
}

TEST(CoverageTest, DimensionNames) {
  EXPECT_THAT(CoverageDimensionNames(),
              ElementsAre("service", "accelerator", "intent", "os", "platform"));
}

TEST(CoverageTest, UncoveredDimensionsCountsAncestors) {
  Catalog c = EksCatalog();
  OverlayIndex index = c.Index();
  Criteria q = Query({.service = "eks", .accelerator = "h100", .intent = "training"});
  EXPECT_THAT(UncoveredDimensions(index, q, {"base", "eks", "eks-training", "h100-eks-training"}),
              IsEmpty());
  EXPECT_THAT(UncoveredDimensions(index, q, {"base", "eks"}), ElementsAre("accelerator", "intent"));
}

TEST(CoverageTest, MinimalTuplesDropsEmptiesSupersetsAndSorts) {
  std::vector<CompletionTuple> in = {
      {},
      {{"os", "ubuntu"}, {"service", "eks"}},
      {{"os", "ubuntu"}},
      {{"accelerator", "h100"}, {"intent", "training"}},
      {{"accelerator", "gb200"}, {"intent", "training"}},
      {{"os", "cos"}},
      {{"os", "cos"}},
  };
  std::vector<std::string> keys;
  for (const auto& t : MinimalTuples(in)) {
    keys.push_back(TupleKey(t));
  }
  EXPECT_THAT(keys, ElementsAre("os=cos", "os=ubuntu", "accelerator=gb200, intent=training",
                                "accelerator=h100, intent=training"));
}

TEST(VerifyCriteriaCoverageTest, RequiresAdditionalCriteria) {
  Catalog c;
  c.Add("h100-eks-ubuntu-training-kubeflow", "",
        {.service = "eks",
         .accelerator = "h100",
         .intent = "training",
         .os = "ubuntu",
         .platform = "kubeflow"});
  ResolutionErrorDetails details;
  EXPECT_THAT(VerifyCriteriaCoverage(c.Index(), Query({.platform = "kubeflow"}), {"base"}, {}, {},
                                     &details),
              StatusIs(ErrorCode::kInvalidRequest,
                       "platform 'kubeflow' requires additional criteria; supported combinations: "
                       "(service=eks, accelerator=h100, intent=training, os=ubuntu)"));
  ASSERT_EQ(details.uncovered.size(), 1u);
  EXPECT_EQ(details.uncovered[0].dimension, "platform");
  EXPECT_EQ(details.uncovered[0].requested_value, "kubeflow");
  EXPECT_FALSE(details.uncovered[0].constraint_excluded);
  EXPECT_THAT(details.strict_dimensions, IsEmpty());
}

TEST(VerifyCriteriaCoverageTest, SingleKeyCompletionsAndNoProvider) {
  Catalog c;
  c.Add("eks-ubuntu", "", {.service = "eks", .os = "ubuntu"})
      .Add("eks-rhel", "", {.service = "eks", .os = "rhel"})
      .Add("gb200-any", "", {.accelerator = "gb200"});
  EXPECT_THAT(
      VerifyCriteriaCoverage(c.Index(), Query({.service = "eks"}), {"base"}, {}, {}, nullptr),
      StatusIs(ErrorCode::kInvalidRequest,
               "service 'eks' for criteria(service=eks) requires os (valid: rhel, ubuntu)"));
  EXPECT_THAT(
      VerifyCriteriaCoverage(c.Index(), Query({.service = "aks", .accelerator = "h100"}), {"base"},
                             {}, {}, nullptr),
      StatusIs(ErrorCode::kInvalidRequest,
               "no recipe provides service 'aks' for criteria(service=aks, accelerator=h100); no "
               "recipe provides accelerator 'h100' for criteria(service=aks, accelerator=h100)"));
}

TEST(VerifyCriteriaCoverageTest, OnlyExcludedProvider) {
  Catalog c;
  c.Add("eks", "", {.service = "eks"});
  ResolutionErrorDetails details;
  std::vector<ExcludedOverlay> excluded = {{"eks", "constraint-failed"}};
  EXPECT_THAT(VerifyCriteriaCoverage(c.Index(), Query({.service = "eks"}), {"base"}, excluded, {},
                                     &details),
              StatusIs(ErrorCode::kInvalidRequest,
                       "service 'eks' for criteria(service=eks) is provided only by overlays "
                       "excluded by failing constraints (see excludedOverlays)"));
  ASSERT_EQ(details.uncovered.size(), 1u);
  EXPECT_TRUE(details.uncovered[0].constraint_excluded);
  EXPECT_EQ(details.excluded_overlays, excluded);
}

TEST(VerifyCriteriaCoverageTest, SplitCatalogNeedsJointCarrier) {
  Catalog c;
  c.Add("svc-foo", "", {.service = "eks"})
      .Add("accel-gpu", "", {.accelerator = "h100"})
      .Add("svc-accel-ubuntu", "", {.service = "eks", .accelerator = "h100", .os = "ubuntu"});
  OverlayIndex index = c.Index();
  Criteria q = Query({.service = "eks", .accelerator = "h100"});
  EXPECT_THAT(Names(index.FindMatchingOverlays(q)), ElementsAre("accel-gpu", "svc-foo"));
  ResolutionErrorDetails details;
  EXPECT_THAT(VerifyCriteriaCoverage(index, q, {"base", "accel-gpu", "svc-foo"}, {}, {}, &details),
              StatusIs(ErrorCode::kInvalidRequest,
                       "criteria(service=eks, accelerator=h100) has no recipe covering that "
                       "combination; specify os (valid: ubuntu)"));
  EXPECT_THAT(details.uncovered, IsEmpty());
  ASSERT_EQ(details.strict_dimensions.size(), 1u);
  EXPECT_EQ(details.strict_dimensions[0].dimension, "os");
  EXPECT_THAT(details.strict_dimensions[0].valid_values, ElementsAre("ubuntu"));
  serialize::Value v = details.ToValue();
  EXPECT_NE(v.Find("strictDimensions"), nullptr);
  EXPECT_EQ(v.Find("uncovered"), nullptr);
  EXPECT_EQ(v.Find("excludedOverlays"), nullptr);
}

TEST(VerifyCriteriaCoverageTest, StrictGapListsEveryReachableValue) {
  Catalog c;
  c.Add("gke", "", {.service = "gke"})
      .Add("h100-any", "", {.accelerator = "h100"})
      .Add("h100-gke-cos", "", {.service = "gke", .accelerator = "h100", .os = "cos"})
      .Add("h100-gke-ubuntu", "", {.service = "gke", .accelerator = "h100", .os = "ubuntu"})
      .Add("eks-rhel", "", {.service = "eks", .os = "rhel"});
  EXPECT_THAT(VerifyCriteriaCoverage(c.Index(), Query({.service = "gke", .accelerator = "h100"}),
                                     {"base", "h100-any", "gke"}, {}, {}, nullptr),
              StatusIs(ErrorCode::kInvalidRequest,
                       "criteria(service=gke, accelerator=h100) has no recipe covering that "
                       "combination; specify os (valid: cos, ubuntu)"));
}

TEST(VerifyCriteriaCoverageTest, GenericOsCarrierDoesNotForceOs) {
  Catalog c;
  c.Add("eks", "", {.service = "eks"})
      .Add("h100-eks", "eks", {.service = "eks", .accelerator = "h100"})
      .Add("eks-ubuntu", "eks", {.service = "eks", .os = "ubuntu"});
  OverlayIndex index = c.Index();
  Criteria q = Query({.service = "eks", .accelerator = "h100"});
  EXPECT_THAT(VerifyCriteriaCoverage(index, q, {"base", "eks", "h100-eks"}, {}, {}, nullptr),
              IsOk());
  // --service eks alone resolves through eks and is never asked for an os.
  EXPECT_THAT(
      VerifyCriteriaCoverage(index, Query({.service = "eks"}), {"base", "eks"}, {}, {}, nullptr),
      IsOk());
}

}  // namespace
}  // namespace aicr::recipe
