// RunValidators against the in-repo test API server, whose simulated kubelet runs
// each validator Job's container as a local script (or the aicr-validator binary)
// mapped to the entry's image.

#include "validator/run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "k8s/client.h"
#include "k8s/resource.h"
#include "k8s/rest_config.h"
#include "serialize/value.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/validator_cluster_fixture.h"

namespace aicr::validator {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using ctrf::TestStatus;
using serialize::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNamespaceSeed[] =
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: aicr-validation}\n---\n"
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated, namespace: aicr-validation}\n"
    "data: {k: v}\n";

// Passes after checking the contract's environment and mounted data.
constexpr char kPassScript[] = R"(#!/bin/sh
[ "$AICR_VALIDATOR_PHASE" = deployment ] || [ "$AICR_VALIDATOR_PHASE" = performance ] || \
  [ "$AICR_VALIDATOR_PHASE" = conformance ] || exit 4
[ -n "$AICR_RUN_ID" ] || exit 4
[ "$AICR_NAMESPACE" = aicr-validation ] || { echo "namespace $AICR_NAMESPACE"; exit 4; }
grep -q "kind: Snapshot" "$AICR_SNAPSHOT_PATH" || { echo "no snapshot"; exit 4; }
grep -q "kind: RecipeResult" "$AICR_RECIPE_PATH" || { echo "no recipe"; exit 4; }
echo "check $AICR_VALIDATOR_NAME ($1) ok"
echo '##AICR-EXTRA## {"nodes":2,"mode":"full"}'
echo "done"
exit 0
)";

constexpr char kFailScript[] = R"(#!/bin/sh
echo "looking at gpu-operator"
printf 'gpu-operator is not ready' > "$AICR_TEST_MOUNT_DEV_TERMINATION_LOG"
exit 1
)";

constexpr char kSkipScript[] = R"(#!/bin/sh
printf 'no GPU nodes' > "$AICR_TEST_MOUNT_DEV_TERMINATION_LOG"
exit 2
)";

constexpr char kOtherScript[] = R"(#!/bin/sh
echo "crashed"
exit 3
)";

constexpr char kHangScript[] = R"(#!/bin/sh
echo "started"
exec sleep 600
)";

// The real validator binary; the termination log lives where the kubelet put it.
constexpr char kValidatorScript[] = R"(#!/bin/sh
AICR_TERMINATION_LOG="$AICR_TEST_MOUNT_DEV_TERMINATION_LOG" exec ")" AICR_VALIDATOR_BIN R"(" "$@"
)";

constexpr char kSnapshot[] = "apiVersion: aicr.nvidia.com/v1alpha1\nkind: Snapshot\n";
constexpr char kRecipe[] = "apiVersion: aicr.nvidia.com/v1alpha1\nkind: RecipeResult\n";

ValidatorEntry Entry(const std::string& name, Phase phase, const std::string& image,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  ValidatorEntry e;
  e.name = name;
  e.phase = phase;
  e.image = "test.local/" + image + ":v1";
  e.timeout = timeout;
  e.args = {name};
  return e;
}

class RunValidatorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/aicr-validator-run-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    scripts_ = tmpl;
    for (const auto& [name, text] :
         std::vector<std::pair<std::string, std::string>>{{"pass", kPassScript},
                                                          {"fail", kFailScript},
                                                          {"skip", kSkipScript},
                                                          {"other", kOtherScript},
                                                          {"hang", kHangScript},
                                                          {"validator", kValidatorScript}}) {
      const std::string path = scripts_ + "/" + name + ".sh";
      std::ofstream(path) << text;
      chmod(path.c_str(), 0755);
    }
  }
  static void TearDownTestSuite() { fs::remove_all(scripts_); }

  void Start(std::vector<std::string> seeds = {}) {
    TestApiServerOptions o;
    o.seeds = {kNamespaceSeed};
    o.seeds.insert(o.seeds.end(), seeds.begin(), seeds.end());
    for (const char* name : {"pass", "fail", "skip", "other", "hang", "validator"}) {
      o.images.emplace(std::string("test.local/") + name, scripts_ + "/" + name + ".sh");
    }
    server_ = TestApiServer::Start(o);
    ASSERT_NE(server_, nullptr);
    k8s::RestConfig config;
    config.server = server_->url();
    auto client = k8s::Client::Connect(config);
    ASSERT_THAT(client, IsOk());
    client_ = std::make_shared<const k8s::Client>(std::move(client).value());
    before_ = Inventory();
  }

  RunIo Io() {
    RunIo io;
    io.progress = &progress_;
    io.clock = &clock_;
    io.cancel = cancel_;
    io.random_hex = [this] {
      char buf[17];
      std::snprintf(buf, sizeof(buf), "%08x%08x", ++counter_, 0xabcdefu);
      return std::string(buf);
    };
    return io;
  }

  RunInputs Inputs(std::vector<PhasePlan> phases) {
    RunInputs in;
    in.recipe_yaml = kRecipe;
    in.snapshot_yaml = kSnapshot;
    in.phases = std::move(phases);
    return in;
  }

  // Every object a run could create, as `resource/ns/name`.
  std::set<std::string> Inventory() {
    namespace r = k8s::resources;
    std::set<std::string> out;
    for (const k8s::Resource* res :
         {&r::kServiceAccounts, &r::kRoles, &r::kRoleBindings, &r::kClusterRoles,
          &r::kClusterRoleBindings, &r::kJobs, &r::kPods, &r::kConfigMaps}) {
      auto list = client_->ListAll(*res, "");
      EXPECT_THAT(list, IsOk());
      if (!list.ok()) {
        continue;
      }
      for (const Value& item : list->items) {
        const Value* ns = item.FindPath("metadata.namespace");
        out.insert(res->resource + "/" + (ns != nullptr ? *ns->if_string() : "") + "/" +
                   *item.FindPath("metadata.name")->if_string());
      }
    }
    return out;
  }

  static std::vector<TestStatus> Statuses(const ctrf::Report& report) {
    std::vector<TestStatus> out;
    for (const ctrf::TestResult& t : report.tests) {
      out.push_back(t.status);
    }
    return out;
  }

  static std::string ScriptsDir() { return scripts_; }

  static inline std::string scripts_;
  std::unique_ptr<TestApiServer> server_;
  std::shared_ptr<const k8s::Client> client_;
  std::set<std::string> before_;
  std::ostringstream progress_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1767225600)};
  CancelToken cancel_;
  unsigned counter_ = 0;
};

TEST_F(RunValidatorsTest, ReportsEveryOutcomeAndRemovesWhatItCreated) {
  Start();
  RunConfig config;
  config.version = "v0.13.0";
  config.skip_checks = {"not-wanted"};
  auto r = RunValidators(
      client_, config,
      Inputs(
          {{Phase::kDeployment,
            {Entry("passes", Phase::kDeployment, "pass"),
             Entry("fails", Phase::kDeployment, "fail"), Entry("skips", Phase::kDeployment, "skip"),
             Entry("crashes", Phase::kDeployment, "other"),
             Entry("not-wanted", Phase::kDeployment, "pass")}},
           {Phase::kPerformance, {Entry("perf", Phase::kPerformance, "pass")}}}),
      Io());
  ASSERT_THAT(r, IsOk()) << progress_.str();
  ASSERT_EQ(r->size(), 2u);
  const ctrf::Report& deployment = (*r)[0].report;
  EXPECT_EQ((*r)[0].phase, Phase::kDeployment);
  EXPECT_THAT(Statuses(deployment),
              ElementsAre(TestStatus::kPassed, TestStatus::kFailed, TestStatus::kSkipped,
                          TestStatus::kOther, TestStatus::kSkipped));
  EXPECT_EQ(deployment.tool.version, "v0.13.0");
  const ctrf::TestResult& pass = deployment.tests[0];
  EXPECT_EQ(pass.name, "passes");
  EXPECT_EQ(pass.suite, std::vector<std::string>{"deployment"});
  EXPECT_EQ(pass.stdout_lines, (std::vector<std::string>{"check passes (passes) ok", "done"}))
      << pass.message;
  EXPECT_EQ(pass.extra, (std::map<std::string, std::string>{{"mode", "full"}, {"nodes", "2"}}));
  EXPECT_EQ(deployment.tests[1].message, "gpu-operator is not ready");
  EXPECT_EQ(deployment.tests[1].stdout_lines, std::vector<std::string>{"looking at gpu-operator"});
  EXPECT_EQ(deployment.tests[2].message, "no GPU nodes");
  EXPECT_EQ(deployment.tests[3].stdout_lines, std::vector<std::string>{"crashed"});
  EXPECT_EQ(deployment.tests[4].message, kSkippedByRequest);
  EXPECT_EQ(ctrf::PhaseStatus(deployment), TestStatus::kFailed);
  // Without fail-fast the next phase still runs.
  EXPECT_THAT(Statuses((*r)[1].report), ElementsAre(TestStatus::kPassed));
  EXPECT_EQ((*r)[1].report.tests[0].suite, std::vector<std::string>{"performance"});
  EXPECT_THAT(progress_.str(), HasSubstr("deployment/fails: failed"));
  EXPECT_EQ(Inventory(), before_);
}

TEST_F(RunValidatorsTest, FailFastSkipsLaterPhases) {
  Start();
  RunConfig config;
  config.fail_fast = true;
  auto r = RunValidators(
      client_, config,
      Inputs(
          {{Phase::kDeployment,
            {Entry("fails", Phase::kDeployment, "fail"),
             Entry("passes", Phase::kDeployment, "pass")}},
           {Phase::kPerformance, {Entry("perf", Phase::kPerformance, "pass")}},
           {Phase::kConformance,
            {Entry("c1", Phase::kConformance, "pass"), Entry("c2", Phase::kConformance, "pass")}}}),
      Io());
  ASSERT_THAT(r, IsOk()) << progress_.str();
  ASSERT_EQ(r->size(), 3u);
  // The failing phase finishes; the later ones never run.
  EXPECT_THAT(Statuses((*r)[0].report), ElementsAre(TestStatus::kFailed, TestStatus::kPassed));
  for (int i : {1, 2}) {
    for (const ctrf::TestResult& t : (*r)[i].report.tests) {
      EXPECT_EQ(t.status, TestStatus::kSkipped);
      EXPECT_EQ(t.message, ctrf::kSkippedAfterFailure);
    }
  }
  EXPECT_EQ((*r)[2].report.tests.size(), 2u);
  EXPECT_THAT(progress_.str(), Not(HasSubstr("performance/perf")));
  EXPECT_EQ(Inventory(), before_);
}

TEST_F(RunValidatorsTest, NoCleanupLeavesTheRunsObjectsAndPhaseReports) {
  Start();
  RunConfig config;
  config.no_cleanup = true;
  RunInputs in = Inputs({{Phase::kDeployment, {Entry("passes", Phase::kDeployment, "pass")}},
                         {Phase::kConformance, {Entry("fails", Phase::kConformance, "fail")}}});
  in.run_id = "20260101-000000-00000000000000aa";
  auto r = RunValidators(client_, config, in, Io());
  ASSERT_THAT(r, IsOk()) << progress_.str();
  namespace res = k8s::resources;
  for (std::size_t i = 0; i < r->size(); ++i) {
    const Phase phase = (*r)[i].phase;
    auto cm =
        client_->Get(res::kConfigMaps, "aicr-validation", CtrfConfigMapName(in.run_id, phase));
    ASSERT_THAT(cm, IsOk());
    const Value* json = cm->Find("data")->Find("report.json");
    ASSERT_NE(json, nullptr);
    auto parsed = ctrf::ParseReportJson(*json->if_string());
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, (*r)[i].report);
  }
  auto snapshot =
      client_->Get(res::kConfigMaps, "aicr-validation", SnapshotConfigMapName(in.run_id));
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_EQ(*snapshot->Find("data")->Find("snapshot.yaml")->if_string(), kSnapshot);
  auto recipe = client_->Get(res::kConfigMaps, "aicr-validation", RecipeConfigMapName(in.run_id));
  ASSERT_THAT(recipe, IsOk());
  EXPECT_EQ(*recipe->Find("data")->Find("recipe.yaml")->if_string(), kRecipe);
  EXPECT_THAT(client_->Get(res::kServiceAccounts, "aicr-validation",
                           ValidatorServiceAccountName(in.run_id)),
              IsOk());
  auto crb = client_->Get(res::kClusterRoleBindings, "", ValidatorServiceAccountName(in.run_id));
  ASSERT_THAT(crb, IsOk());
  EXPECT_EQ(*crb->FindPath("roleRef.name")->if_string(), "cluster-admin");
  // The Jobs stay too, labelled with the run.
  k8s::ListOptions lo;
  lo.label_selector = "aicr.run/run-id=" + in.run_id;
  auto jobs = client_->ListAll(res::kJobs, "aicr-validation", lo);
  ASSERT_THAT(jobs, IsOk());
  EXPECT_EQ(jobs->items.size(), 2u);
}

TEST_F(RunValidatorsTest, DeadlineAndOomKill) {
  Start();
  RunConfig config;
  auto r = RunValidators(
      client_, config,
      Inputs({{Phase::kDeployment,
               {Entry("hangs", Phase::kDeployment, "hang", std::chrono::seconds(1))}}}),
      Io());
  ASSERT_THAT(r, IsOk()) << progress_.str();
  const ctrf::TestResult& hang = (*r)[0].report.tests.at(0);
  EXPECT_EQ(hang.status, TestStatus::kFailed);
  EXPECT_EQ(hang.message, "timeout: validator did not complete within 1s");
  EXPECT_EQ(hang.stdout_lines, std::vector<std::string>{"started"});
  EXPECT_EQ(Inventory(), before_);

  config.job_annotations = {{"aicr.test/kubelet", "oomkill"}};
  auto oom = RunValidators(
      client_, config, Inputs({{Phase::kDeployment, {Entry("oom", Phase::kDeployment, "pass")}}}),
      Io());
  ASSERT_THAT(oom, IsOk()) << progress_.str();
  const ctrf::TestResult& t = (*oom)[0].report.tests.at(0);
  EXPECT_EQ(t.status, TestStatus::kOther);
  EXPECT_EQ(t.message, "Container OOMKilled");
  EXPECT_EQ(Inventory(), before_);
}

TEST_F(RunValidatorsTest, AJobThatNeverFinishesTimesOutAfterTheBuffer) {
  // The kubelet leaves the Job alone, so only the orchestrator's own wait
  // (timeout + 30 s) ends it.
  Start();
  RunConfig config;
  config.job_annotations = {{"aicr.test/kubelet", "ignore"}};
  auto r = RunValidators(
      client_, config,
      Inputs({{Phase::kDeployment,
               {Entry("stuck", Phase::kDeployment, "pass", std::chrono::seconds(1))}}}),
      Io());
  ASSERT_THAT(r, IsOk()) << progress_.str();
  const ctrf::TestResult& t = (*r)[0].report.tests.at(0);
  EXPECT_EQ(t.status, TestStatus::kOther);
  EXPECT_EQ(t.message, "timeout: validator did not complete within 1s");
  EXPECT_EQ(Inventory(), before_);
}

TEST_F(RunValidatorsTest, AMissingNamespaceIsCreatedAndKept) {
  Start();
  RunConfig config;
  config.ns = "fresh-validation";
  auto r = RunValidators(
      client_, config, Inputs({{Phase::kDeployment, {Entry("skips", Phase::kDeployment, "skip")}}}),
      Io());
  ASSERT_THAT(r, IsOk()) << progress_.str();
  EXPECT_EQ((*r)[0].report.tests.at(0).status, TestStatus::kSkipped);
  auto ns = client_->Get(k8s::resources::kNamespaces, "", "fresh-validation");
  ASSERT_THAT(ns, IsOk());
  EXPECT_EQ(*ns->FindPath("metadata.labels")->Find("app.kubernetes.io/managed-by")->if_string(),
            "aicr");
  EXPECT_EQ(Inventory(), before_);

  config.ns = "Not_A_Namespace";
  EXPECT_THAT(RunValidators(client_, config, Inputs({}), Io()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("Not_A_Namespace")));
}

TEST_F(RunValidatorsTest, AJobThatCannotBeDeployedIsOther) {
  Start();
  server_->Admin("POST", "/_test/faults",
                 R"({"method":"PATCH","path":"/apis/batch/v1/namespaces/aicr-validation/jobs",)"
                 R"("status":403,"count":1})");
  auto r = RunValidators(client_, RunConfig(),
                         Inputs({{Phase::kDeployment,
                                  {Entry("refused", Phase::kDeployment, "pass"),
                                   Entry("passes", Phase::kDeployment, "pass")}}}),
                         Io());
  ASSERT_THAT(r, IsOk()) << progress_.str();
  const ctrf::Report& report = (*r)[0].report;
  EXPECT_THAT(Statuses(report), ElementsAre(TestStatus::kOther, TestStatus::kPassed));
  EXPECT_THAT(report.tests[0].message, ::testing::StartsWith("failed to deploy Job: "));
  EXPECT_EQ(Inventory(), before_);
}

TEST_F(RunValidatorsTest, CancellationStopsTheRunAndCleansUp) {
  Start();
  std::atomic<bool> done{false};
  std::thread canceller([&] {
    // Cancel once the hanging validator's Job exists.
    while (!done.load()) {
      auto jobs = client_->ListAll(k8s::resources::kJobs, "aicr-validation");
      if (jobs.ok() && !jobs->items.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel_.Cancel();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  auto r = RunValidators(client_, RunConfig(),
                         Inputs({{Phase::kDeployment,
                                  {Entry("hangs", Phase::kDeployment, "hang"),
                                   Entry("never", Phase::kDeployment, "pass")}}}),
                         Io());
  done = true;
  canceller.join();
  EXPECT_THAT(r, StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
  EXPECT_EQ(Inventory(), before_);
}

TEST_F(RunValidatorsTest, RealValidatorBinaryAgainstAHealthyCluster) {
  namespace td = checks::testdata;
  Start({td::kAppsKinds, td::HealthyCluster()});
  RunInputs in = Inputs({{Phase::kDeployment,
                          {Entry("operator-health", Phase::kDeployment, "validator"),
                           Entry("expected-resources", Phase::kDeployment, "validator"),
                           Entry("gpu-operator-version", Phase::kDeployment, "validator")}}});
  in.snapshot_yaml = td::kSnapshot;
  in.recipe_yaml = td::Recipe();
  auto r = RunValidators(client_, RunConfig(), in, Io());
  ASSERT_THAT(r, IsOk()) << progress_.str();
  const ctrf::Report& report = (*r)[0].report;
  for (const ctrf::TestResult& t : report.tests) {
    EXPECT_EQ(t.status, TestStatus::kPassed) << t.name << ": " << t.message;
  }
  ASSERT_EQ(report.tests.size(), 3u);
  // Pod logs carry the container's stderr too (as a real kubelet's do); the
  // evidence lines are there, the extra line is not.
  EXPECT_THAT(report.tests[0].stdout_lines,
              ::testing::IsSupersetOf({"Found 1 gpu-operator pod(s):",
                                       "  gpu-operator-7d9c5: Running", "Running: 1/1"}));
  for (const std::string& line : report.tests[0].stdout_lines) {
    EXPECT_THAT(line, Not(HasSubstr("##AICR-EXTRA##")));
  }
  EXPECT_EQ(report.tests[0].extra,
            (std::map<std::string, std::string>{{"pods", "1"}, {"running", "1"}}));
  EXPECT_EQ(report.summary.passed, 3);
  EXPECT_EQ(Inventory(), before_);

  // A constraint the cluster does not meet fails, with the binary's message.
  in.recipe_yaml = td::Recipe(">= v25.10.0");
  in.phases = {
      {Phase::kDeployment, {Entry("gpu-operator-version", Phase::kDeployment, "validator")}}};
  auto failed = RunValidators(client_, RunConfig(), in, Io());
  ASSERT_THAT(failed, IsOk());
  const ctrf::TestResult& t = (*failed)[0].report.tests.at(0);
  EXPECT_EQ(t.status, TestStatus::kFailed);
  EXPECT_EQ(t.message, "GPU Operator version v25.3.0 does not satisfy constraint \">= v25.10.0\"");
  EXPECT_EQ(Inventory(), before_);
}

}  // namespace
}  // namespace aicr::validator
