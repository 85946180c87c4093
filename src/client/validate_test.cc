#include "client/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using validator::Phase;
using validator::ctrf::TestStatus;

constexpr char kRecipe[] = R"(kind: RecipeResult
apiVersion: aicr.run/v1
metadata: {version: v1.0.0}
constraints:
  - {name: K8s.server.version, value: ">= 1.32"}
  - {name: OS.release.ID, value: ubuntu}
  - {name: GPU.smi.driver, value: ">= 570"}
componentRefs: []
deploymentOrder: []
validation:
  deployment:
    checks: [operator-health, expected-resources]
  conformance:
    checks: [dra-support]
)";

constexpr char kSnapshot[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-01T00:00:00Z"}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu}
)";

// Per test: ctest runs the cases of this binary in parallel processes.
std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/client_validate_test_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                           name;
  std::ofstream(path) << content;
  return path;
}

k8s::RestConfig LocalConfig() {
  k8s::RestConfig c;
  c.server = "https://127.0.0.1:1";
  return c;
}

Client TestClient() { return Client(Client::Options{}); }

ValidateRequest NoClusterRequest(const std::string& recipe) {
  ValidateRequest req;
  req.recipe = WriteFile("recipe.yaml", recipe);
  req.snapshot = WriteFile("snapshot.yaml", kSnapshot);
  req.no_cluster = true;
  req.run.version = "v1.2.3";
  return req;
}

std::vector<std::string> Names(const validator::ctrf::Report& report) {
  std::vector<std::string> out;
  for (const auto& t : report.tests) {
    out.push_back(t.name);
  }
  return out;
}

TEST(ValidateReadinessTest, ReportsPassedFailedAndSkippedOutcomes) {
  Result<serialize::Value> doc = serialize::ParseYaml(kSnapshot);
  ASSERT_THAT(doc, IsOk());
  Result<measurement::Snapshot> snap = measurement::DecodeSnapshot(*doc);
  ASSERT_THAT(snap, IsOk());
  std::vector<recipe::Constraint> cs(3);
  cs[0].name = "K8s.server.version";
  cs[0].value = ">= 1.34";
  cs[1].name = "OS.release.ID";
  cs[1].value = "ubuntu";
  cs[2].name = "GPU.smi.driver";
  cs[2].value = ">= 570";
  std::vector<ReadinessOutcome> out = EvaluateReadiness(cs, *snap);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].status, ReadinessStatus::kFailed);
  EXPECT_EQ(out[0].message, "expected >= 1.34, got v1.33.4");
  EXPECT_EQ(out[1].status, ReadinessStatus::kPassed);
  EXPECT_EQ(out[2].status, ReadinessStatus::kSkipped);
  EXPECT_EQ(out[2].message, "reading not found in snapshot");

  Status gate = ReadinessGate(out);
  EXPECT_EQ(gate.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(gate.message(),
              HasSubstr("readiness check failed:\n  K8s.server.version: expected >= 1.34, got "
                        "v1.33.4"));
  EXPECT_THAT(gate.message(), Not(HasSubstr("GPU.smi.driver")));
  EXPECT_THAT(ReadinessGate({out[1], out[2]}), IsOk());
}

TEST(ValidateTest, NoClusterReportsEveryDeclaredCheckSkippedInPhaseOrder) {
  Result<ValidateResult> r = Validate(TestClient(), NoClusterRequest(kRecipe));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Names(r->report),
              ElementsAre("operator-health", "expected-resources", "dra-support"));
  for (const auto& t : r->report.tests) {
    EXPECT_EQ(t.status, TestStatus::kSkipped);
    EXPECT_EQ(t.message, validator::ctrf::kSkippedNoCluster);
  }
  EXPECT_EQ(r->report.tests[2].suite, std::vector<std::string>{"conformance"});
  EXPECT_EQ(r->report.summary.skipped, 3);
  EXPECT_EQ(r->report.tool.version, "v1.2.3");
  EXPECT_EQ(r->failing, 0u);
  EXPECT_EQ(r->readiness.size(), 3u);
}

TEST(ValidateTest, PhaseFilterSelectsOnlyThosePhases) {
  ValidateRequest req = NoClusterRequest(kRecipe);
  req.phases = {Phase::kConformance};
  Result<ValidateResult> r = Validate(TestClient(), req);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Names(r->report), ElementsAre("dra-support"));
}

TEST(ValidateTest, ReadinessFailureIsInvalidRequestBeforeAnyCheck) {
  std::string recipe = kRecipe;
  recipe.replace(recipe.find(">= 1.32"), 7, ">= 1.40");
  ValidateRequest req = NoClusterRequest(recipe);
  bool ran = false;
  req.no_cluster = false;
  req.runner = [&](auto&&...) -> Result<std::vector<validator::PhaseOutcome>> {
    ran = true;
    return std::vector<validator::PhaseOutcome>{};
  };
  Result<ValidateResult> r = Validate(TestClient(), req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("K8s.server.version: expected >= 1.40, got v1.33.4"));
  EXPECT_FALSE(ran);
}

TEST(ValidateTest, UnknownOrMisplacedCheckIsInvalidRequest) {
  std::string recipe = kRecipe;
  recipe.replace(recipe.find("[dra-support]"), 13, "[operator-health]");
  Result<ValidateResult> r = Validate(TestClient(), NoClusterRequest(recipe));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("operator-health"));
  EXPECT_THAT(r.status().message(), HasSubstr("deployment"));
}

TEST(ValidateTest, SkipChecksMustBeKnownAndMustNotEmptyAPhase) {
  ValidateRequest req = NoClusterRequest(kRecipe);
  req.run.skip_checks = {"operator-healht"};
  Result<ValidateResult> r = Validate(TestClient(), req);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("\"operator-healht\" matches no validator"));

  req.run.skip_checks = {"dra-support"};
  r = Validate(TestClient(), req);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("every declared check from phase conformance"));

  req.run.skip_checks = {"operator-health", "nccl-all-reduce-bw"};
  EXPECT_THAT(Validate(TestClient(), req), IsOk());
}

TEST(ValidateTest, NoClusterWithoutSnapshotIsRejected) {
  ValidateRequest req = NoClusterRequest(kRecipe);
  req.snapshot.clear();
  Result<ValidateResult> r = Validate(TestClient(), req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("--no-cluster requires --snapshot"));
}

TEST(ValidateTest, ClusterPathPassesPlanToRunnerAndCountsFailingTests) {
  ValidateRequest req = NoClusterRequest(kRecipe);
  req.no_cluster = false;
  req.fail_fast = true;
  req.cluster = std::make_shared<const k8s::Client>(k8s::Client::Connect(LocalConfig()).value());
  validator::RunInputs seen;
  bool fail_fast = false;
  req.runner = [&](std::shared_ptr<const k8s::Client>, const validator::RunConfig& c,
                   const validator::RunInputs& in,
                   const validator::RunIo&) -> Result<std::vector<validator::PhaseOutcome>> {
    seen = in;
    fail_fast = c.fail_fast;
    validator::ctrf::Builder b("aicr", "v1.2.3", Clock::Real());
    validator::ctrf::ValidatorResult failed;
    failed.name = "operator-health";
    failed.phase = "deployment";
    failed.exit_code = 1;
    b.AddResult(failed);
    b.AddSkipped("expected-resources", "deployment", "not needed");
    return std::vector<validator::PhaseOutcome>{{Phase::kDeployment, b.Build()}};
  };
  Result<ValidateResult> r = Validate(TestClient(), req);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(fail_fast);
  ASSERT_EQ(seen.phases.size(), 3u);
  EXPECT_EQ(seen.phases[0].entries.size(), 2u);
  EXPECT_TRUE(seen.phases[1].entries.empty());
  EXPECT_THAT(seen.recipe_yaml, HasSubstr("operator-health"));
  EXPECT_THAT(seen.snapshot_yaml, HasSubstr("v1.33.4"));
  EXPECT_EQ(r->failing, 1u);
}

TEST(ValidateTest, RunnerErrorsPropagate) {
  ValidateRequest req = NoClusterRequest(kRecipe);
  req.no_cluster = false;
  req.cluster = std::make_shared<const k8s::Client>(k8s::Client::Connect(LocalConfig()).value());
  req.runner = [](auto&&...) -> Result<std::vector<validator::PhaseOutcome>> {
    return TimeoutError("validator Jobs did not finish");
  };
  Result<ValidateResult> r = Validate(TestClient(), req);
  EXPECT_EQ(r.status().code(), ErrorCode::kTimeout);
}

TEST(ValidateTest, RendersJsonMarkdownAndHtmlAndRejectsOthers) {
  Result<ValidateResult> r = Validate(TestClient(), NoClusterRequest(kRecipe));
  ASSERT_THAT(r, IsOk());
  Result<std::string> json = RenderValidateReport(r->report, "json");
  ASSERT_THAT(json, IsOk());
  EXPECT_THAT(*json, HasSubstr("\"reportFormat\": \"CTRF\""));
  Result<std::string> md = RenderValidateReport(r->report, "markdown");
  ASSERT_THAT(md, IsOk());
  EXPECT_THAT(*md, HasSubstr("operator-health"));
  Result<std::string> html = RenderValidateReport(r->report, "html");
  ASSERT_THAT(html, IsOk());
  EXPECT_THAT(*html, HasSubstr("<html"));
  EXPECT_EQ(RenderValidateReport(r->report, "yaml").status().code(), ErrorCode::kInvalidRequest);
}

TEST(ValidatePhasesTest, ParsesRepeatedValuesIntoRunOrder) {
  Result<std::vector<Phase>> p = ParsePhases({"conformance", "deployment", "conformance"});
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(*p, ElementsAre(Phase::kDeployment, Phase::kConformance));
  Result<std::vector<Phase>> all = ParsePhases({"all"});
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->size(), 3u);
  Result<std::vector<Phase>> bad = ParsePhases({"readiness"});
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(bad.status().message(), HasSubstr("invalid --phase \"readiness\""));
}

TEST(ValidateConfigTest, DecodesSectionsAndRejectsEvidence) {
  Result<serialize::Value> doc = serialize::ParseYaml(R"(
input: {recipe: r.yaml, snapshot: s.yaml}
agent: {namespace: ns1, nodeSelector: {a: b}, tolerations: ["k=v:NoSchedule"]}
execution: {phases: [deployment], failOnError: false, noCluster: true, timeout: 2m}
)");
  ASSERT_THAT(doc, IsOk());
  Result<ValidateConfig> cfg = DecodeValidateConfig(*doc);
  ASSERT_THAT(cfg, IsOk());
  EXPECT_EQ(cfg->input_recipe, "r.yaml");
  EXPECT_EQ(cfg->ns, "ns1");
  EXPECT_EQ(cfg->node_selector->at("a"), "b");
  EXPECT_EQ(cfg->fail_on_error, std::optional<bool>(false));
  EXPECT_EQ(cfg->no_cluster, std::optional<bool>(true));
  EXPECT_FALSE(cfg->fail_fast.has_value());
  EXPECT_EQ(cfg->timeout, "2m");

  Result<serialize::Value> bad = serialize::ParseYaml("execution: {bogus: 1}\n");
  ASSERT_THAT(bad, IsOk());
  EXPECT_THAT(DecodeValidateConfig(*bad).status().message(), HasSubstr("spec.validate.execution"));
  Result<serialize::Value> ev = serialize::ParseYaml("evidence: {cncf: {dir: x}}\n");
  ASSERT_THAT(ev, IsOk());
  EXPECT_THAT(DecodeValidateConfig(*ev).status().message(), HasSubstr("not supported yet"));
}

}  // namespace
}  // namespace aicr::client
