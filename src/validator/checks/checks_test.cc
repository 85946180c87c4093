// The deployment checks against the test API server: a seeded healthy cluster
// passes every check; seeded broken ones fail with precise messages.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "k8s/client.h"
#include "k8s/rest_config.h"
#include "recipe/result.h"
#include "serialize/yaml_reader.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/validator_cluster_fixture.h"
#include "validator/checks/expected_resources.h"
#include "validator/checks/gpu_operator_version.h"
#include "validator/checks/operator_health.h"
#include "validator/checks/resource_health.h"

namespace aicr::validator::checks {
namespace {

using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

recipe::RecipeResult ParseRecipe(const std::string& text) {
  Result<serialize::Value> doc = serialize::ParseYaml(text);
  EXPECT_THAT(doc, IsOk());
  Result<recipe::RecipeResult> r = recipe::RecipeResultFromValue(*doc);
  EXPECT_THAT(r, IsOk());
  return *r;
}

// One test API server seeded with the apps kinds plus `objects`, and a context on it.
class ClusterTest : public ::testing::Test {
 protected:
  void Start(const std::string& objects) {
    TestApiServerOptions o;
    o.seeds = {testdata::kAppsKinds};
    if (!objects.empty()) {
      o.seeds.push_back(objects);
    }
    server_ = TestApiServer::Start(o);
    ASSERT_NE(server_, nullptr);
    k8s::RestConfig config;
    config.server = server_->url();
    Result<k8s::Client> client = k8s::Client::Connect(config);
    ASSERT_THAT(client, IsOk());
    client_ = std::make_unique<k8s::Client>(std::move(client).value());
    extra_ = serialize::Value::EmptyMapping();
    ctx_.client = client_.get();
    ctx_.ns = "aicr-validation";
    ctx_.out = &out_;
    ctx_.extra = &extra_;
    ctx_.recipe = ParseRecipe(testdata::Recipe());
  }

  std::unique_ptr<TestApiServer> server_;
  std::unique_ptr<k8s::Client> client_;
  std::ostringstream out_;
  serialize::Value extra_;
  CheckContext ctx_;
};

TEST_F(ClusterTest, HealthyClusterPassesEveryCheck) {
  Start(testdata::HealthyCluster());

  CheckResult health = CheckOperatorHealth(ctx_);
  EXPECT_EQ(health.verdict, Verdict::kPassed) << health.message;
  EXPECT_EQ(out_.str(),
            "Found 1 gpu-operator pod(s):\n"
            "  gpu-operator-7d9c5: Running\n"
            "Running: 1/1\n");
  EXPECT_EQ(extra_.Find("pods")->DebugString(), "1");

  out_.str("");
  CheckResult resources = CheckExpectedResources(ctx_);
  EXPECT_EQ(resources.verdict, Verdict::kPassed) << resources.message;
  EXPECT_EQ(out_.str(),
            "  Namespace gpu-operator: Active\n"
            "  Namespace monitoring: Active\n"
            "  [expectedResources] Deployment gpu-operator/gpu-operator: healthy\n"
            "  [expectedResources] DaemonSet gpu-operator/nvidia-device-plugin-daemonset: "
            "healthy\n"
            "  [expectedResources] CustomResourceDefinition clusterpolicies.nvidia.com: healthy\n"
            "  [expectedResources] ConfigMap gpu-operator/default-mig-parted-config: healthy\n"
            "  [expectedResources] StatefulSet monitoring/prometheus: healthy\n"
            "All expected resources are healthy\n");
  EXPECT_EQ(extra_.Find("resources")->DebugString(), "5");
  EXPECT_EQ(extra_.Find("issues")->DebugString(), "0");

  out_.str("");
  CheckResult version = CheckGpuOperatorVersion(ctx_);
  EXPECT_EQ(version.verdict, Verdict::kPassed) << version.message;
  EXPECT_EQ(out_.str(),
            "Detected GPU Operator version: v25.3.0\n"
            "Constraint: >= v25.0.0 \u2192 true\n");
}

TEST_F(ClusterTest, MissingDeploymentIsReported) {
  Start(testdata::DaemonSet("gpu-operator", "nvidia-device-plugin-daemonset", 2, 2) + "---\n" +
        testdata::StatefulSet("monitoring", "prometheus", 2, 2) + "---\n" +
        testdata::kClusterPolicyCrd +
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: default-mig-parted-config, "
        "namespace: gpu-operator}\n");
  CheckResult r = CheckExpectedResources(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message,
            "expected resource check failed: 1 issue(s):\n"
            "  [expectedResources] Deployment gpu-operator/gpu-operator (gpu-operator): not found");
  EXPECT_THAT(out_.str(), HasSubstr("Failed resources:\n  [expectedResources] Deployment "
                                    "gpu-operator/gpu-operator (gpu-operator): not found\n"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("All expected resources are healthy")));
}

TEST_F(ClusterTest, UnavailableReplicasAreReported) {
  std::string cluster = testdata::HealthyCluster();
  cluster.replace(cluster.find("replicas: 1"), 11, "replicas: 3");
  Start(cluster);
  CheckResult r = CheckExpectedResources(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message,
            "expected resource check failed: 1 issue(s):\n"
            "  [expectedResources] Deployment gpu-operator/gpu-operator (gpu-operator): "
            "not healthy: 1/3 replicas available");
}

TEST_F(ClusterTest, DaemonSetNotReadyIsReported) {
  Start(testdata::Deployment("gpu-operator", "gpu-operator", 1, 1, testdata::kGpuOperatorImage) +
        "---\n" + testdata::DaemonSet("gpu-operator", "nvidia-device-plugin-daemonset", 3, 1) +
        "---\n" + testdata::StatefulSet("monitoring", "prometheus", 2, 2) + "---\n" +
        testdata::kClusterPolicyCrd +
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: default-mig-parted-config, "
        "namespace: gpu-operator}\n");
  CheckResult r = CheckExpectedResources(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message,
            "expected resource check failed: 1 issue(s):\n"
            "  [expectedResources] DaemonSet gpu-operator/nvidia-device-plugin-daemonset "
            "(gpu-operator): not healthy: 1/3 pods ready");
}

TEST_F(ClusterTest, CrdNotEstablishedIsReported) {
  Start(testdata::HealthyCluster());
  // The test server marks a new CRD Established itself; the status subresource
  // takes the condition back.
  auto patched = server_->Request(
      "PATCH",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusterpolicies.nvidia.com/status",
      R"({"status":{"conditions":[{"type":"NamesAccepted","status":"True"},)"
      R"({"type":"Established","status":"False","reason":"Installing"}]}})",
      "application/merge-patch+json");
  ASSERT_TRUE(patched);
  ASSERT_EQ(patched->status, 200) << patched->body;
  CheckResult r = CheckExpectedResources(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message,
            "expected resource check failed: 1 issue(s):\n"
            "  [expectedResources] CustomResourceDefinition clusterpolicies.nvidia.com "
            "(gpu-operator): not established: condition Established is False (Installing)");
}

TEST_F(ClusterTest, EveryFailureIsReportedInRecipeOrder) {
  // Deployment under-replicated, DaemonSet with nothing scheduled, CRD missing,
  // ConfigMap missing, StatefulSet not ready.
  Start(testdata::Deployment("gpu-operator", "gpu-operator", 2, 0, testdata::kGpuOperatorImage) +
        "---\n" + testdata::DaemonSet("gpu-operator", "nvidia-device-plugin-daemonset", 0, 0) +
        "---\n" + testdata::StatefulSet("monitoring", "prometheus", 2, 1));
  CheckResult r = CheckExpectedResources(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message,
            "expected resource check failed: 5 issue(s):\n"
            "  [expectedResources] Deployment gpu-operator/gpu-operator (gpu-operator): "
            "not healthy: 0/2 replicas available\n"
            "  [expectedResources] DaemonSet gpu-operator/nvidia-device-plugin-daemonset "
            "(gpu-operator): not healthy: no pods scheduled (0 desired)\n"
            "  [expectedResources] CustomResourceDefinition clusterpolicies.nvidia.com "
            "(gpu-operator): not found\n"
            "  [expectedResources] ConfigMap gpu-operator/default-mig-parted-config "
            "(gpu-operator): not found\n"
            "  [expectedResources] StatefulSet monitoring/prometheus (kube-prometheus-stack): "
            "not healthy: 1/2 replicas ready");
  EXPECT_EQ(extra_.Find("issues")->DebugString(), "5");
}

TEST_F(ClusterTest, MissingNamespaceAndUnsupportedKindAreReported) {
  Start(testdata::HealthyCluster());
  ctx_.recipe = ParseRecipe(R"(kind: RecipeResult
apiVersion: aicr.run/v1
componentRefs:
- name: widgets
  namespace: widget-system
  type: Helm
  source: https://example.com/charts
  expectedResources:
  - {kind: Widget, name: w, namespace: widget-system}
- name: off
  namespace: nowhere
  type: Helm
  source: https://example.com/charts
  overrides: {enabled: false}
  expectedResources:
  - {kind: Deployment, name: off, namespace: nowhere}
deploymentOrder: [widgets, off]
)");
  CheckResult r = CheckExpectedResources(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  // The disabled component is not checked at all.
  EXPECT_EQ(r.message,
            "expected resource check failed: 2 issue(s):\n"
            "  namespace widget-system: not found\n"
            "  [expectedResources] Widget widget-system/w (widgets): "
            "unsupported resource kind \"Widget\"");
}

TEST_F(ClusterTest, ExpectedResourcesNeedsARecipe) {
  Start("");
  ctx_.recipe.reset();
  CheckResult r = CheckExpectedResources(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message, "recipe is not available");
}

TEST_F(ClusterTest, OperatorHealthWithoutPodsFails) {
  Start(testdata::Deployment("gpu-operator", "gpu-operator", 1, 1, testdata::kGpuOperatorImage));
  CheckResult r = CheckOperatorHealth(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message, "no gpu-operator pods found");
}

TEST_F(ClusterTest, OperatorHealthWithoutRunningPodsFails) {
  Start(testdata::Pod("gpu-operator", "gpu-operator-a", "gpu-operator", "Pending") + "---\n" +
        testdata::Pod("gpu-operator", "gpu-operator-b", "gpu-operator", "Failed") + "---\n" +
        testdata::Pod("other", "gpu-operator-c", "gpu-operator", "Running"));
  CheckResult r = CheckOperatorHealth(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message, "no gpu-operator pods are in Running state (2 total)");
  EXPECT_EQ(out_.str(),
            "Found 2 gpu-operator pod(s):\n"
            "  gpu-operator-a: Pending\n"
            "  gpu-operator-b: Failed\n"
            "Running: 0/2\n");
}

TEST_F(ClusterTest, GpuOperatorChecksSkipWhenTheRecipeDisablesIt) {
  Start(testdata::HealthyCluster());
  ctx_.recipe = ParseRecipe(testdata::Recipe(">= v25.0.0", "false"));
  CheckResult health = CheckOperatorHealth(ctx_);
  EXPECT_EQ(health.verdict, Verdict::kSkipped);
  EXPECT_EQ(health.message, "gpu-operator is disabled in the recipe");
  CheckResult version = CheckGpuOperatorVersion(ctx_);
  EXPECT_EQ(version.verdict, Verdict::kSkipped);
  EXPECT_EQ(version.message, "gpu-operator is disabled in the recipe");
}

TEST_F(ClusterTest, WrongOperatorVersionFails) {
  Start(testdata::HealthyCluster());
  ctx_.recipe = ParseRecipe(testdata::Recipe(">= v25.10.0"));
  CheckResult r = CheckGpuOperatorVersion(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.message, "GPU Operator version v25.3.0 does not satisfy constraint \">= v25.10.0\"");
  EXPECT_EQ(out_.str(),
            "Detected GPU Operator version: v25.3.0\n"
            "Constraint: >= v25.10.0 \u2192 false\n");
}

TEST_F(ClusterTest, OperatorVersionFromLabelInAnotherNamespace) {
  Start(testdata::Deployment("nvidia-gpu-operator", "nvidia-gpu-operator", 1, 1,
                             "registry.local:5000/gpu-operator:v24.9.0-ubi8", "25.10.1"));
  ctx_.recipe = ParseRecipe(testdata::Recipe(">= 25.10.0 < 26.0.0"));
  CheckResult r = CheckGpuOperatorVersion(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kPassed) << r.message;
  EXPECT_THAT(out_.str(), StartsWith("Detected GPU Operator version: v25.10.1\n"));
}

TEST_F(ClusterTest, OperatorVersionWithoutConstraintOnlyReports) {
  Start(testdata::HealthyCluster());
  ctx_.recipe.reset();
  CheckResult r = CheckGpuOperatorVersion(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kPassed) << r.message;
  EXPECT_EQ(out_.str(), "Detected GPU Operator version: v25.3.0\n");
}

TEST_F(ClusterTest, OperatorVersionNotFound) {
  Start("");
  CheckResult r = CheckGpuOperatorVersion(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_THAT(r.message,
              StartsWith("failed to detect GPU operator version: could not find GPU operator "
                         "deployment in common namespaces: failed to get deployment "
                         "kube-system/nvidia-gpu-operator: "));
  EXPECT_THAT(r.message, HasSubstr("not found"));
}

TEST_F(ClusterTest, InvalidVersionConstraintFails) {
  Start(testdata::HealthyCluster());
  ctx_.recipe = ParseRecipe(testdata::Recipe(">="));
  CheckResult r = CheckGpuOperatorVersion(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_THAT(r.message, StartsWith("invalid constraint expression: "));
}

TEST_F(ClusterTest, ExpiredDeadlineFailsClosed) {
  Start(testdata::HealthyCluster());
  ctx_.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  CheckResult r = CheckExpectedResources(ctx_);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_THAT(r.message, HasSubstr("(gpu-operator): check deadline exceeded"));
}

// Pure pieces (no cluster).

TEST(ExtractVersionFromImage, Tags) {
  EXPECT_EQ(ExtractVersionFromImage("nvcr.io/nvidia/gpu-operator:v24.9.0"), "v24.9.0");
  EXPECT_EQ(ExtractVersionFromImage("nvcr.io/nvidia/gpu-operator:24.9.0"), "v24.9.0");
  EXPECT_EQ(ExtractVersionFromImage("nvcr.io/nvidia/gpu-operator:v24.9.0-ubi8"), "v24.9.0");
  EXPECT_EQ(ExtractVersionFromImage("nvcr.io/nvidia/gpu-operator:24.9.0-ubi8"), "v24.9.0");
  EXPECT_EQ(ExtractVersionFromImage("nvcr.io/nvidia/gpu-operator"), "");
  EXPECT_EQ(ExtractVersionFromImage(""), "");
  EXPECT_EQ(ExtractVersionFromImage("host:5000/nvidia/gpu-operator:v1.0.0"), "v1.0.0");
  EXPECT_EQ(ExtractVersionFromImage("host:5000/nvidia/gpu-operator"), "");
  EXPECT_EQ(ExtractVersionFromImage("nvcr.io/nvidia/gpu-operator:v25.3.0@sha256:0123abcd"),
            "v25.3.0");
}

TEST(NormalizeVersion, AddsPrefixAndTrims) {
  EXPECT_EQ(NormalizeVersion("v24.9.0"), "v24.9.0");
  EXPECT_EQ(NormalizeVersion("24.9.0"), "v24.9.0");
  EXPECT_EQ(NormalizeVersion(""), "");
  EXPECT_EQ(NormalizeVersion("   "), "");
  EXPECT_EQ(NormalizeVersion("  24.9.0  "), "v24.9.0");
  EXPECT_EQ(NormalizeVersion("  v1.2.3  "), "v1.2.3");
}

serialize::Value Yaml(const std::string& text) {
  Result<serialize::Value> v = serialize::ParseYaml(text);
  EXPECT_THAT(v, IsOk());
  return *v;
}

TEST(ObjectHealth, DeploymentReplicasDefaultToOne) {
  EXPECT_THAT(ObjectHealth("Deployment", Yaml("status: {availableReplicas: 1}")), IsOk());
  EXPECT_THAT(ObjectHealth("Deployment", Yaml("status: {}")),
              StatusIs(ErrorCode::kInternal, "not healthy: 0/1 replicas available"));
  EXPECT_THAT(ObjectHealth("Deployment", Yaml("spec: {replicas: 0}")), IsOk());
}

TEST(ObjectHealth, StatefulSetCountsReadyReplicas) {
  EXPECT_THAT(ObjectHealth("StatefulSet", Yaml("spec: {replicas: 3}\nstatus: {readyReplicas: 3}")),
              IsOk());
  EXPECT_THAT(ObjectHealth("StatefulSet", Yaml("spec: {replicas: 3}\nstatus: {replicas: 3}")),
              StatusIs(ErrorCode::kInternal, "not healthy: 0/3 replicas ready"));
}

TEST(ObjectHealth, DaemonSetNeedsEveryScheduledPodReady) {
  EXPECT_THAT(
      ObjectHealth("DaemonSet", Yaml("status: {desiredNumberScheduled: 4, numberReady: 4}")),
      IsOk());
  EXPECT_THAT(
      ObjectHealth("DaemonSet", Yaml("status: {desiredNumberScheduled: 4, numberReady: 3}")),
      StatusIs(ErrorCode::kInternal, "not healthy: 3/4 pods ready"));
  EXPECT_THAT(ObjectHealth("DaemonSet", Yaml("status: {}")),
              StatusIs(ErrorCode::kInternal, "not healthy: no pods scheduled (0 desired)"));
}

TEST(ObjectHealth, CrdNeedsEstablishedTrue) {
  EXPECT_THAT(ObjectHealth("CustomResourceDefinition",
                           Yaml("status: {conditions: [{type: Established, status: \"True\"}]}")),
              IsOk());
  EXPECT_THAT(ObjectHealth("CustomResourceDefinition", Yaml("status: {}")),
              StatusIs(ErrorCode::kInternal, "not established: no Established condition"));
  EXPECT_THAT(ObjectHealth("CustomResourceDefinition",
                           Yaml("status: {conditions: [{type: Established, status: \"False\", "
                                "reason: NotAccepted, message: name conflict}]}")),
              StatusIs(ErrorCode::kInternal,
                       "not established: condition Established is False (NotAccepted: name "
                       "conflict)"));
}

TEST(ResourceForKind, KnowsTheSupportedKinds) {
  for (const char* kind : {"Deployment", "StatefulSet", "DaemonSet", "Service", "ConfigMap",
                           "Secret", "CustomResourceDefinition"}) {
    EXPECT_TRUE(ResourceForKind(kind).has_value()) << kind;
  }
  EXPECT_FALSE(ResourceForKind("deployment").has_value());
  EXPECT_FALSE(ResourceForKind("Widget").has_value());
  EXPECT_EQ(ResourceForKind("Service")->ApiVersion(), "v1");
  EXPECT_EQ(ResourceForKind("DaemonSet")->ApiVersion(), "apps/v1");
  EXPECT_FALSE(ResourceForKind("CustomResourceDefinition")->namespaced);
}

TEST(FindDeploymentConstraint, LooksOnlyAtTheDeploymentPhase) {
  EXPECT_FALSE(FindDeploymentConstraint(std::nullopt, kGpuOperatorVersionConstraint));
  recipe::RecipeResult r = ParseRecipe(testdata::Recipe("== v25.3.0"));
  EXPECT_EQ(FindDeploymentConstraint(r, kGpuOperatorVersionConstraint), "== v25.3.0");
  EXPECT_FALSE(FindDeploymentConstraint(r, "Deployment.other.version"));
}

}  // namespace
}  // namespace aicr::validator::checks
