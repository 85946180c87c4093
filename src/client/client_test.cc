#include "client/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "catalog/data_provider.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kRegistry[] = R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: gpu-operator
    displayName: GPU Operator
    helm:
      defaultRepository: https://helm.ngc.nvidia.com/nvidia
      defaultChart: nvidia/gpu-operator
      defaultVersion: v26.7.0
      defaultNamespace: gpu-operator
  - name: aws-efa
    displayName: AWS EFA
    helm:
      defaultRepository: https://aws.github.io/eks-charts
      defaultChart: aws-efa-k8s-device-plugin
      defaultVersion: v0.5.29
      defaultNamespace: kube-system
)";

std::string Overlay(const std::string& name, const std::string& spec) {
  return "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata:\n  name: " + name +
         "\nspec:\n" + spec;
}

std::unique_ptr<catalog::DataProvider> TestCatalog() {
  return catalog::MakeMemoryProvider({
      {"registry.yaml", kRegistry},
      {"components/gpu-operator/values.yaml", "driver:\n  version: 580.105.08\n"},
      {"overlays/base.yaml",
       Overlay("base",
               "  constraints:\n    - {name: K8s.server.version, value: \">= 1.30\"}\n"
               "  componentRefs:\n    - name: gpu-operator\n      type: Helm\n"
               "      valuesFile: components/gpu-operator/values.yaml\n")},
      {"overlays/eks.yaml",
       Overlay("eks", "  criteria: {service: eks}\n  componentRefs:\n    - name: aws-efa\n")},
      {"overlays/eks-training.yaml",
       Overlay("eks-training", "  base: eks\n  criteria: {service: eks, intent: training}\n")},
      {"overlays/h100-eks-ubuntu-training.yaml",
       Overlay("h100-eks-ubuntu-training",
               "  base: eks-training\n"
               "  criteria: {service: eks, accelerator: h100, intent: training, os: ubuntu}\n"
               "  constraints:\n    - {name: OS.release.ID, value: ubuntu}\n")},
  });
}

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() : catalog_(TestCatalog()), client_(Options(catalog_.get())) {}

  static Client::Options Options(const catalog::DataProvider* provider) {
    Client::Options opts;
    opts.embedded = provider;
    return opts;
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    // Per test: ctest runs the cases of this binary in parallel processes.
    const std::string path = ::testing::TempDir() + "/client_test_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                             name;
    std::ofstream(path) << content;
    return path;
  }

  std::unique_ptr<catalog::DataProvider> catalog_;
  Client client_;
};

TEST_F(ClientTest, ResolvesFromFlags) {
  RecipeRequest req;
  req.criteria.service = "EKS ";
  req.criteria.intent = "training";
  auto r = client_.ResolveRecipe(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->result.metadata.applied_overlays, ElementsAre("base", "eks", "eks-training"));
  EXPECT_EQ(r->result.criteria->service, "eks");
  EXPECT_THAT(r->result.deployment_order, ElementsAre("aws-efa", "gpu-operator"));
}

TEST_F(ClientTest, NoCriteriaIsRejected) {
  EXPECT_THAT(client_.ResolveRecipe(RecipeRequest{}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "no criteria provided: specify at least one of service, accelerator, "
                       "intent, os, platform, nodes"));
}

TEST_F(ClientTest, NegativeNodesAreRejected) {
  RecipeRequest req;
  req.criteria.nodes = -1;
  EXPECT_THAT(
      client_.ResolveRecipe(req),
      StatusIs(ErrorCode::kInvalidRequest, "invalid nodes: -1 (must be a non-negative integer)"));
}

TEST_F(ClientTest, UnknownCriterionValueIsRejected) {
  RecipeRequest req;
  req.criteria.service = "windows";
  EXPECT_THAT(client_.ResolveRecipe(req),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("windows")));
}

TEST_F(ClientTest, ConfigSuppliesCriteriaAndFlagsWin) {
  RecipeRequest req;
  req.config = WriteFile("config.yaml", R"(kind: AICRConfig
apiVersion: aicr.run/v1beta1
spec:
  recipe:
    criteria: {service: eks, intent: inference}
    output: {path: out.yaml, format: json}
)");
  req.criteria.intent = "training";
  auto r = client_.ResolveRecipe(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->result.criteria->intent, "training");
  EXPECT_EQ(r->result.criteria->service, "eks");
  EXPECT_EQ(r->config_output_path, "out.yaml");
  EXPECT_EQ(r->config_output_format, "json");
}

constexpr char kSnapshotTemplate[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4-eks-3025e55}
      - subtype: node
        data: {provider: eks}
  - type: GPU
    subtypes:
      - subtype: hardware
        data: {model: h100}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: OSID, VERSION_ID: "24.04"}
)";

std::string Snapshot(const std::string& os_id) {
  std::string s = kSnapshotTemplate;
  s.replace(s.find("OSID"), 4, os_id);
  return s;
}

TEST_F(ClientTest, SnapshotDetectsCriteria) {
  RecipeRequest req;
  req.snapshot = WriteFile("snap-ubuntu.yaml", Snapshot("ubuntu"));
  req.criteria.intent = "training";
  auto r = client_.ResolveRecipe(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->result.criteria->service, "eks");
  EXPECT_EQ(r->result.criteria->accelerator, "h100");
  EXPECT_EQ(r->result.criteria->os, "ubuntu");
  EXPECT_EQ(r->result.metadata.applied_overlays.back(), "h100-eks-ubuntu-training");
}

TEST_F(ClientTest, UncoveredSnapshotDimensionsAreRelaxedOnce) {
  RecipeRequest req;
  req.snapshot = WriteFile("snap-rhel.yaml", Snapshot("rhel"));
  req.criteria.intent = "training";
  auto r = client_.ResolveRecipe(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->result.criteria->os, "any");
  EXPECT_EQ(r->result.criteria->accelerator, "any");
  EXPECT_THAT(r->result.metadata.applied_overlays, ElementsAre("base", "eks", "eks-training"));
}

TEST_F(ClientTest, StatedDimensionsAreNeverRelaxed) {
  RecipeRequest req;
  req.criteria.service = "eks";
  req.criteria.os = "rhel";
  recipe::ResolutionErrorDetails details;
  auto r = client_.ResolveRecipe(req, &details);
  EXPECT_THAT(r, StatusIs(ErrorCode::kInvalidRequest, HasSubstr("os 'rhel'")));
  ASSERT_EQ(details.uncovered.size(), 1u);
  EXPECT_EQ(details.uncovered[0].dimension, "os");
}

TEST_F(ClientTest, MissingSnapshotIsNotFound) {
  RecipeRequest req;
  req.snapshot = ::testing::TempDir() + "/client_test_missing.yaml";
  EXPECT_EQ(client_.ResolveRecipe(req).status().code(), ErrorCode::kNotFound);
}

TEST_F(ClientTest, QuerySelectsMergedValues) {
  RecipeRequest req;
  req.criteria.service = "eks";
  auto v = client_.Query(req, "components.gpu-operator.values.driver.version");
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, serialize::Value("580.105.08"));
  EXPECT_THAT(client_.Query(req, "criteria.nope"),
              StatusIs(ErrorCode::kNotFound, HasSubstr("key \"nope\" not found")));
}

TEST_F(ClientTest, ListRecipesMarksLeavesAndFilters) {
  auto items = client_.ListRecipes(ListRequest{});
  ASSERT_THAT(items, IsOk());
  std::vector<std::string> names;
  for (const ListItem& item : *items) {
    names.push_back(item.name + (item.is_leaf ? "*" : ""));
  }
  EXPECT_THAT(names, ElementsAre("eks", "eks-training", "h100-eks-ubuntu-training*"));
  const ListItem& leaf = items->back();
  ASSERT_TRUE(leaf.health.has_value());
  EXPECT_EQ(leaf.health->status, "pass");
  EXPECT_EQ(leaf.health->resolves, "pass");
  EXPECT_EQ(leaf.health->chart_pinned, "pass");
  EXPECT_EQ(CoverageSummary(*leaf.health), "R:0 D:0 P:0 C:0");

  ListRequest filtered;
  filtered.filters.intent = "training";
  filtered.skip_health = true;
  items = client_.ListRecipes(filtered);
  ASSERT_THAT(items, IsOk());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_FALSE(items->back().health.has_value());
}

}  // namespace
}  // namespace aicr::client

namespace aicr::client {
namespace {

class ClientBundleTest : public ClientTest {};

TEST_F(ClientBundleTest, BundlesAFileOrAnInMemoryDocumentAlike) {
  RecipeRequest req;
  req.criteria.service = "eks";
  req.criteria.intent = "training";
  auto resolved = client_.ResolveRecipe(req);
  ASSERT_THAT(resolved, IsOk());
  const std::string text = serialize::WriteYaml(recipe::ToValue(resolved->result));

  BundleRequest from_file;
  from_file.recipe = WriteFile("bundle-recipe.yaml", text);
  from_file.options.aicr_version = "v1.0.0";
  auto a = client_.Bundle(from_file);
  ASSERT_THAT(a, IsOk());

  BundleRequest from_doc;
  from_doc.recipe_document = serialize::ParseYaml(text).value();
  from_doc.options.aicr_version = "v1.0.0";
  auto b = client_.Bundle(from_doc);
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->tree.Find("checksums.txt")->bytes, b->tree.Find("checksums.txt")->bytes);

  BundleRequest bad;
  bad.recipe_document = serialize::ParseYaml("kind: Snapshot\n").value();
  EXPECT_THAT(client_.Bundle(bad),
              StatusIs(ErrorCode::kInvalidRequest, ::testing::HasSubstr("recipe (request body)")));
  EXPECT_THAT(client_.Bundle(BundleRequest{}),
              StatusIs(ErrorCode::kInvalidRequest, "required flag --recipe not set"));
}

}  // namespace
}  // namespace aicr::client
