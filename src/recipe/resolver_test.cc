#include "recipe/resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recipe/store.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kRegistry = R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: cert-manager
    displayName: cert-manager
    helm:
      defaultRepository: https://charts.jetstack.io
      defaultChart: jetstack/cert-manager
      defaultVersion: v1.20.2
      defaultNamespace: cert-manager
  - name: gpu-operator
    displayName: GPU Operator
    helm:
      defaultRepository: https://helm.ngc.nvidia.com/nvidia
      defaultChart: nvidia/gpu-operator
      defaultVersion: v26.7.0
      defaultNamespace: gpu-operator
    healthCheck:
      assertFile: checks/gpu-operator/health-check.yaml
  - name: nfd
    displayName: NFD
    helm:
      defaultRepository: https://kubernetes-sigs.github.io/node-feature-discovery/charts
      defaultChart: node-feature-discovery
      defaultVersion: 0.19.0
      defaultNamespace: node-feature-discovery
)";

constexpr std::string_view kBase = R"(kind: RecipeMetadata
apiVersion: aicr.run/v1beta1
metadata:
  name: base
spec:
  constraints:
    - name: K8s.server.version
      value: ">= 1.30"
  componentRefs:
    - name: gpu-operator
      valuesFile: components/gpu-operator/values.yaml
      dependencyRefs: [cert-manager]
    - name: cert-manager
  validation:
    deployment:
      checks: [operator-health]
)";

std::string Overlay(std::string_view name, std::string_view base, std::string_view criteria,
                    std::string_view extra = "") {
  std::string s = "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata:\n  name: " +
                  std::string(name) + "\nspec:\n";
  if (!base.empty()) {
    s += "  base: " + std::string(base) + "\n";
  }
  s += "  criteria: " + std::string(criteria) + "\n";
  s += extra;
  return s;
}

std::map<std::string, std::string> Files() {
  return {
      {"registry.yaml", std::string(kRegistry)},
      {"overlays/base.yaml", std::string(kBase)},
      {"overlays/eks.yaml",
       Overlay("eks", "", "{service: eks}", "  componentRefs:\n    - name: nfd\n")},
      {"overlays/eks-training.yaml",
       Overlay("eks-training", "eks", "{service: eks, intent: training}",
               "  componentRefs:\n    - name: gpu-operator\n      dependencyRefs: [nfd]\n"
               "      overrides:\n        driver:\n          version: \"580\"\n")},
      {"overlays/h100-eks-training.yaml",
       Overlay("h100-eks-training", "eks-training",
               "{service: eks, accelerator: h100, intent: training}",
               "  constraints:\n    - name: K8s.server.version\n      value: \">= 1.32\"\n")},
      {"overlays/h100-eks-ubuntu-training.yaml",
       Overlay("h100-eks-ubuntu-training", "h100-eks-training",
               "{service: eks, accelerator: h100, intent: training, os: ubuntu}",
               "  mixins: [os-ubuntu]\n")},
      {"overlays/h100-any.yaml",
       Overlay("h100-any", "base", "{accelerator: h100}",
               "  validation:\n    conformance:\n      checks: [platform-health]\n")},
      {"overlays/monitoring-hpa.yaml", Overlay("monitoring-hpa", "base", "{intent: any}")},
      {"mixins/os-ubuntu.yaml",
       "kind: RecipeMixin\napiVersion: aicr.run/v1beta1\nmetadata:\n  name: os-ubuntu\nspec:\n"
       "  constraints:\n    - name: OS.release.ID\n      value: ubuntu\n"},
      {"components/gpu-operator/values.yaml", "driver:\n  enabled: true\n  version: \"570\"\n"},
      {"checks/gpu-operator/health-check.yaml", "kind: Pod\n"},
  };
}

class ResolverTest : public ::testing::Test {
 protected:
  void Load(std::map<std::string, std::string> files) {
    provider_ = catalog::MakeMemoryProvider(std::move(files));
    auto store = LoadStore(*provider_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(store).value();
  }
  void SetUp() override { Load(Files()); }

  std::unique_ptr<catalog::DataProvider> provider_;
  std::shared_ptr<const Store> store_;
};

Criteria Eks(bool ubuntu = false) {
  Criteria c;
  c.service = "eks";
  c.accelerator = "h100";
  c.intent = "training";
  if (ubuntu) {
    c.os = "ubuntu";
  }
  return c;
}

std::vector<std::string> RefNames(const RecipeResult& r) {
  std::vector<std::string> out;
  for (const auto& ref : r.component_refs) {
    out.push_back(ref.name);
  }
  return out;
}

TEST_F(ResolverTest, MergesChainsInOrderAndFinalises) {
  ResolveOptions options;
  options.version = "v0.1.0";
  auto result = Resolve(*store_, Eks(), options);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->kind, "RecipeResult");
  EXPECT_EQ(result->api_version, "aicr.run/v1");
  EXPECT_EQ(result->metadata.version, "v0.1.0");
  EXPECT_THAT(result->metadata.applied_overlays,
              ElementsAre("base", "monitoring-hpa", "h100-any", "eks", "eks-training",
                          "h100-eks-training"));
  EXPECT_THAT(RefNames(*result), ElementsAre("cert-manager", "gpu-operator", "nfd"));
  EXPECT_THAT(result->deployment_order, ElementsAre("cert-manager", "nfd", "gpu-operator"));
  ASSERT_EQ(result->constraints.size(), 1u);
  EXPECT_EQ(result->constraints[0].value, ">= 1.32");
  const ComponentRef& gpu = result->component_refs[1];
  EXPECT_EQ(gpu.type, "Helm");
  EXPECT_EQ(gpu.chart, "gpu-operator");
  EXPECT_EQ(gpu.version, "v26.7.0");
  EXPECT_EQ(gpu.source, "https://helm.ngc.nvidia.com/nvidia");
  EXPECT_EQ(gpu.health_check_asserts, "kind: Pod\n");
  EXPECT_THAT(gpu.dependency_refs, ElementsAre("cert-manager", "nfd"));
  ASSERT_TRUE(result->validation.has_value());
  EXPECT_EQ(result->validation->deployment->checks, std::vector<std::string>{"operator-health"});
  EXPECT_EQ(result->validation->conformance->checks, std::vector<std::string>{"platform-health"});
  EXPECT_THAT(result->metadata.excluded_overlays, IsEmpty());
}

TEST_F(ResolverTest, MixinsComposedForOsLeaf) {
  auto result = Resolve(*store_, Eks(/*ubuntu=*/true));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->metadata.applied_overlays,
              ElementsAre("base", "monitoring-hpa", "h100-any", "eks", "eks-training",
                          "h100-eks-training", "h100-eks-ubuntu-training"));
  ASSERT_EQ(result->constraints.size(), 2u);
  EXPECT_EQ(result->constraints[1].name, "OS.release.ID");
}

TEST_F(ResolverTest, BaseOnlyKeepsFileOrder) {
  Criteria any;
  auto result = Resolve(*store_, any);
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->metadata.applied_overlays, ElementsAre("base", "monitoring-hpa"));
  EXPECT_THAT(RefNames(*result), ElementsAre("cert-manager", "gpu-operator"));
}

TEST_F(ResolverTest, CoverageFailureWithDetails) {
  Criteria q;
  q.service = "aks";
  ResolutionErrorDetails details;
  ResolveOptions options;
  options.error_details = &details;
  EXPECT_THAT(Resolve(*store_, q, options),
              StatusIs(ErrorCode::kInvalidRequest,
                       "no recipe provides service 'aks' for criteria(service=aks)"));
  ASSERT_EQ(details.uncovered.size(), 1u);
  EXPECT_EQ(details.uncovered[0].dimension, "service");
}

class MapEvaluator : public ConstraintEvaluator {
 public:
  explicit MapEvaluator(std::map<std::string, std::string> actual) : actual_(std::move(actual)) {}
  Result<ConstraintOutcome> Evaluate(const Constraint& c) const override {
    auto it = actual_.find(c.name);
    if (it == actual_.end()) {
      return NotFoundError("measurement " + c.name + " not found");
    }
    if (it->second == "boom") {
      return InternalError("evaluator exploded");
    }
    const bool passed = c.value == it->second || c.value.rfind(">=", 0) == 0;
    return ConstraintOutcome{passed, it->second};
  }

 private:
  std::map<std::string, std::string> actual_;
};

TEST_F(ResolverTest, ExclusionIsNamedBesideTheRemainingCompletions) {
  // A sibling leaf still offers the value with one more criterion; the error must
  // name the excluded overlay as the cause, not only the alternative.
  std::map<std::string, std::string> files = Files();
  files["overlays/h100-eks-ubuntu-training-dynamo.yaml"] =
      Overlay("h100-eks-ubuntu-training-dynamo", "h100-eks-training",
              "{service: eks, accelerator: h100, intent: training, os: ubuntu, platform: dynamo}");
  Load(std::move(files));
  MapEvaluator evaluator(std::map<std::string, std::string>{{"K8s.server.version", "1.33"},
                                                            {"OS.release.ID", "rhel"}});
  ResolveOptions options;
  options.evaluator = &evaluator;
  ResolutionErrorDetails details;
  options.error_details = &details;
  const std::string stated = "criteria(service=eks, accelerator=h100, intent=training, os=ubuntu)";
  const std::string cause =
      " requires platform (valid: dynamo) (h100-eks-ubuntu-training would provide it but failed "
      "constraints; see excludedOverlays)";
  EXPECT_THAT(Resolve(*store_, Eks(true), options),
              StatusIs(ErrorCode::kInvalidRequest, "service 'eks' for " + stated + cause +
                                                       "; intent 'training' for " + stated + cause +
                                                       "; os 'ubuntu' for " + stated + cause));
  ASSERT_EQ(details.uncovered.size(), 3u);
  EXPECT_TRUE(details.uncovered[2].constraint_excluded);
}

TEST_F(ResolverTest, EvaluatorPassingEverythingMatchesPlainResolution) {
  MapEvaluator evaluator(std::map<std::string, std::string>{{"K8s.server.version", "1.33"},
                                                            {"OS.release.ID", "ubuntu"}});
  ResolveOptions options;
  options.evaluator = &evaluator;
  auto with = Resolve(*store_, Eks(true), options);
  auto without = Resolve(*store_, Eks(true));
  ASSERT_THAT(with, IsOk());
  ASSERT_THAT(without, IsOk());
  EXPECT_EQ(*with, *without);
}

TEST_F(ResolverTest, MixinConstraintFailureExcludesCandidate) {
  MapEvaluator evaluator(std::map<std::string, std::string>{{"K8s.server.version", "1.33"},
                                                            {"OS.release.ID", "rhel"}});
  ResolveOptions options;
  options.evaluator = &evaluator;
  ResolutionErrorDetails details;
  options.error_details = &details;
  EXPECT_THAT(Resolve(*store_, Eks(true), options),
              StatusIs(ErrorCode::kInvalidRequest,
                       "service 'eks' for criteria(service=eks, accelerator=h100, "
                       "intent=training, os=ubuntu) is provided only by overlays excluded by "
                       "failing constraints (see excludedOverlays); intent 'training' for "
                       "criteria(service=eks, accelerator=h100, intent=training, os=ubuntu) is "
                       "provided only by overlays excluded by failing constraints (see "
                       "excludedOverlays); os 'ubuntu' for criteria(service=eks, "
                       "accelerator=h100, intent=training, os=ubuntu) is provided only by "
                       "overlays excluded by failing constraints (see excludedOverlays)"));
  EXPECT_THAT(details.excluded_overlays,
              ElementsAre(ExcludedOverlay{"h100-eks-ubuntu-training", "mixin-constraint-failed"}));
  ASSERT_EQ(details.constraint_warnings.size(), 1u);
  EXPECT_EQ(details.constraint_warnings[0],
            (ConstraintWarning{"h100-eks-ubuntu-training", "OS.release.ID", "ubuntu", "rhel",
                               "mixin-constraint-failed: expected ubuntu, got rhel"}));
}

TEST_F(ResolverTest, OwnConstraintNotFoundExcludesCandidateAndOtherErrorsFail) {
  // Without the os, h100-eks-training is a candidate; its own constraint is unmeasured.
  Criteria q;
  q.accelerator = "h100";
  MapEvaluator evaluator(std::map<std::string, std::string>{});
  ResolveOptions options;
  options.evaluator = &evaluator;
  auto result = Resolve(*store_, q, options);
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->metadata.applied_overlays, ElementsAre("base", "monitoring-hpa", "h100-any"));
  EXPECT_THAT(result->metadata.excluded_overlays, IsEmpty());

  MapEvaluator exploding(std::map<std::string, std::string>{{"K8s.server.version", "boom"}});
  options.evaluator = &exploding;
  EXPECT_THAT(Resolve(*store_, Eks(), options),
              StatusIs(ErrorCode::kInternal, "evaluator exploded"));

  MapEvaluator missing(std::map<std::string, std::string>{});
  options.evaluator = &missing;
  ResolutionErrorDetails details;
  options.error_details = &details;
  EXPECT_THAT(Resolve(*store_, Eks(), options),
              StatusIs(ErrorCode::kInvalidRequest, ::testing::StartsWith("service 'eks'")));
  EXPECT_THAT(details.excluded_overlays,
              ElementsAre(ExcludedOverlay{"h100-eks-training", "constraint-failed"}));
  ASSERT_EQ(details.constraint_warnings.size(), 1u);
  EXPECT_EQ(details.constraint_warnings[0].reason, "measurement K8s.server.version not found");
}

TEST_F(ResolverTest, ProfileTrackOverlaySelectsProfile) {
  auto files = Files();
  files["overlays/kind.yaml"] = R"(kind: RecipeMetadata
apiVersion: aicr.run/v1beta2
metadata:
  name: kind
spec:
  criteria:
    service: kind
  profile:
    name: driver
    default: operator
    values:
      operator:
        componentRefs:
          - name: gpu-operator
            overrides:
              driver:
                enabled: true
      preinstalled:
        componentRefs:
          - name: gpu-operator
            overrides:
              driver:
                enabled: false
)";
  Load(files);
  Criteria q;
  q.service = "kind";
  ResolveOptions options;
  options.profile = "driver=preinstalled";
  auto result = Resolve(*store_, q, options);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->api_version, "aicr.run/v1beta2");
  ASSERT_TRUE(result->metadata.selected_profile.has_value());
  EXPECT_EQ(result->metadata.selected_profile->value, "preinstalled");
  EXPECT_THAT(result->metadata.selected_profile->owned_paths.at("gpu-operator"),
              ElementsAre("driver.enabled", "enabled"));
  options.profile = "driver=nope";
  EXPECT_THAT(Resolve(*store_, q, options),
              StatusIs(ErrorCode::kInvalidRequest,
                       "profile \"driver\" has no value \"nope\"; valid values: [operator "
                       "preinstalled]"));
}

TEST_F(ResolverTest, ResultRoundTripsThroughValue) {
  auto result = Resolve(*store_, Eks(true));
  ASSERT_THAT(result, IsOk());
  serialize::Value v = ToValue(*result);
  EXPECT_NE(v.Find("componentRefs"), nullptr);
  EXPECT_NE(v.Find("deploymentOrder"), nullptr);
  EXPECT_EQ(v.Find("configuration"), nullptr);
  EXPECT_EQ(v.FindPath("metadata.excludedOverlays"), nullptr);
  auto back = RecipeResultFromValue(v);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, *result);
  // Deterministic rendering.
  EXPECT_EQ(serialize::WriteYaml(ToValue(*back)), serialize::WriteYaml(v));
}

TEST(RecipeResultFromValueTest, KindsApiVersionsAndLegacyExclusions) {
  auto doc = serialize::ParseYaml(R"(kind: Recipe
apiVersion: aicr.run/v1alpha2
metadata:
  excludedOverlays: [old-style, {name: new-style, reason: constraint-failed}]
criteria: {service: eks, os: "24.04"}
componentRefs: []
deploymentOrder: []
)");
  ASSERT_THAT(doc, IsOk());
  auto r = RecipeResultFromValue(*doc);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->kind, "RecipeResult");
  EXPECT_THAT(r->metadata.excluded_overlays,
              ElementsAre(ExcludedOverlay{"old-style", ""},
                          ExcludedOverlay{"new-style", "constraint-failed"}));
  EXPECT_EQ(r->criteria->os, "24.04");
  EXPECT_EQ(r->criteria->accelerator, "any");

  EXPECT_THAT(RecipeResultFromValue(serialize::ParseYaml("kind: Snapshot").value()),
              StatusIs(ErrorCode::kInvalidRequest,
                       "recipe has kind \"Snapshot\", but \"RecipeResult\" is required; an absent "
                       "kind and the legacy \"Recipe\" value are accepted and normalized"));
  EXPECT_THAT(RecipeResultFromValue(serialize::ParseYaml("apiVersion: aicr.run/v9").value()),
              StatusIs(ErrorCode::kInvalidRequest,
                       "RecipeResult apiVersion \"aicr.run/v9\" is not supported"));
}

TEST(ComposeChainsTest, SharedAncestorsMergedOnce) {
  RecipeMetadata base;
  base.name = "base";
  std::map<std::string, RecipeMetadata> overlays;
  auto add = [&](std::string name, std::string parent) {
    RecipeMetadata m;
    m.name = name;
    m.spec.base = std::move(parent);
    m.spec.criteria = Criteria{};
    overlays[name] = std::move(m);
  };
  add("root", "");
  add("a", "root");
  add("b", "root");
  OverlayIndex index(base, overlays);
  auto composed = ComposeChains(index, {&overlays.at("a"), &overlays.at("b")});
  ASSERT_THAT(composed, IsOk());
  EXPECT_THAT(composed->applied, ElementsAre("base", "root", "a", "b"));
  add("bad", "missing");
  EXPECT_THAT(ComposeChains(index, {&overlays.at("bad")}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "failed to resolve inheritance chain: recipe \"missing\" not found "
                       "(referenced in inheritance chain)"));
}

}  // namespace
}  // namespace aicr::recipe
