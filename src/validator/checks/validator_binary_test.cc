// The built aicr-validator binary as a validator Job runs it: exit codes, stdout
// evidence versus stderr logs, the termination log and the extra line.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/validator_cluster_fixture.h"

namespace aicr::validator::checks {
namespace {

using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ValidatorBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/aicr-validator-bin-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ + "/snapshot.yaml") << testdata::kSnapshot;
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void StartCluster(const std::string& objects, const std::string& recipe) {
    TestApiServerOptions o;
    o.seeds = {testdata::kAppsKinds, objects};
    server_ = TestApiServer::Start(o);
    ASSERT_NE(server_, nullptr);
    std::ofstream(dir_ + "/recipe.yaml") << recipe;
  }

  SubprocessResult Run(const std::vector<std::string>& args, bool debug = false) {
    SubprocessOptions o;
    o.argv = {AICR_VALIDATOR_BIN};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.env = std::vector<std::string>{
        "HOME=" + dir_,
        "AICR_SNAPSHOT_PATH=" + dir_ + "/snapshot.yaml",
        "AICR_RECIPE_PATH=" + dir_ + "/recipe.yaml",
        "AICR_TERMINATION_LOG=" + dir_ + "/termination-log",
        "AICR_NAMESPACE=aicr-validation",
        "AICR_VALIDATOR_NAME=" + (args.empty() ? std::string() : args[0]),
        "AICR_VALIDATOR_PHASE=deployment",
    };
    if (server_ != nullptr) {
      o.env->push_back("KUBECONFIG=" + server_->WriteKubeconfig(dir_));
    }
    if (debug) {
      o.env->push_back("AICR_DEBUG=true");
    }
    o.timeout = std::chrono::seconds(120);
    Result<SubprocessResult> r = RunSubprocess(o);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : SubprocessResult{};
  }

  std::string TerminationLog() const { return ReadFile(dir_ + "/termination-log"); }
  bool TerminationLogExists() const { return std::filesystem::exists(dir_ + "/termination-log"); }

  std::string dir_;
  std::unique_ptr<TestApiServer> server_;
};

TEST_F(ValidatorBinaryTest, NoCheckNameExitsOne) {
  SubprocessResult r = Run({});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(TerminationLog(), StartsWith("usage: "));
  EXPECT_THAT(TerminationLog(), EndsWith("aicr-validator <check-name>"));
  EXPECT_EQ(r.out, "");
}

TEST_F(ValidatorBinaryTest, UnknownCheckExitsOneNamingTheChecks) {
  SubprocessResult r = Run({"operator-helth"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(TerminationLog(),
            "unknown check: operator-helth, did you mean \"operator-health\"? (available: "
            "expected-resources, gpu-operator-version, operator-health)");
  EXPECT_THAT(r.err, HasSubstr("unknown check: operator-helth"));
}

TEST_F(ValidatorBinaryTest, HealthyOperatorPassesWithEvidenceOnStdout) {
  StartCluster(testdata::HealthyCluster(), testdata::Recipe());
  SubprocessResult r = Run({"operator-health"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Found 1 gpu-operator pod(s):\n"
            "  gpu-operator-7d9c5: Running\n"
            "Running: 1/1\n"
            "##AICR-EXTRA## {\"pods\":1,\"running\":1}\n");
  // Progress lines are debug-only: a pod's captured log mixes stderr into stdout.
  EXPECT_EQ(r.err, "");
  EXPECT_FALSE(TerminationLogExists());

  SubprocessResult debug = Run({"operator-health"}, /*debug=*/true);
  EXPECT_EQ(debug.exit_code, 0) << debug.err;
  EXPECT_THAT(debug.err, HasSubstr("starting check"));
  EXPECT_THAT(debug.out, Not(HasSubstr("starting check")));
}

TEST_F(ValidatorBinaryTest, BrokenResourcesExitOneWithTheFailureInTheTerminationLog) {
  std::string cluster = testdata::HealthyCluster();
  cluster.replace(cluster.find("replicas: 1"), 11, "replicas: 3");
  StartCluster(cluster, testdata::Recipe());
  SubprocessResult r = Run({"expected-resources"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(TerminationLog(),
            "expected resource check failed: 1 issue(s):\n"
            "  [expectedResources] Deployment gpu-operator/gpu-operator (gpu-operator): "
            "not healthy: 1/3 replicas available");
  EXPECT_THAT(r.out, HasSubstr("Failed resources:\n"));
  EXPECT_THAT(r.out, EndsWith("##AICR-EXTRA## {\"issues\":1,\"resources\":5}\n"));
}

TEST_F(ValidatorBinaryTest, WrongOperatorVersionExitsOne) {
  StartCluster(testdata::HealthyCluster(), testdata::Recipe(">= v25.10.0"));
  SubprocessResult r = Run({"gpu-operator-version"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(TerminationLog(),
            "GPU Operator version v25.3.0 does not satisfy constraint \">= v25.10.0\"");
  EXPECT_THAT(r.out, StartsWith("Detected GPU Operator version: v25.3.0\n"));
}

TEST_F(ValidatorBinaryTest, DisabledOperatorSkipsWithExitTwo) {
  StartCluster(testdata::HealthyCluster(), testdata::Recipe(">= v25.0.0", "false"));
  SubprocessResult r = Run({"gpu-operator-version"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(TerminationLog(), "gpu-operator is disabled in the recipe");
  EXPECT_EQ(r.out, "");
}

TEST_F(ValidatorBinaryTest, LongFailureIsTruncatedTo4096Bytes) {
  // Sixty missing ConfigMaps with long names make a failure far over 4096 bytes.
  std::string recipe = testdata::Recipe();
  std::string missing;
  for (int i = 0; i < 60; ++i) {
    missing += "  - {kind: ConfigMap, name: missing-configuration-map-with-a-long-name-" +
               std::to_string(i) + ", namespace: gpu-operator}\n";
  }
  const std::string anchor = "- name: kube-prometheus-stack";
  recipe.insert(recipe.find(anchor), missing);
  StartCluster(testdata::HealthyCluster(), recipe);
  SubprocessResult r = Run({"expected-resources"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string log = TerminationLog();
  EXPECT_EQ(log.size(), 4096U);
  EXPECT_THAT(log, StartsWith("expected resource check failed: 60 issue(s):\n"));
  // The evidence on stdout keeps every failure.
  EXPECT_THAT(r.out, HasSubstr("missing-configuration-map-with-a-long-name-59 (gpu-operator): "
                               "not found\n"));
}

TEST_F(ValidatorBinaryTest, UnreachableContextExitsOne) {
  std::filesystem::remove(dir_ + "/snapshot.yaml");
  StartCluster(testdata::HealthyCluster(), testdata::Recipe());
  SubprocessResult r = Run({"operator-health"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(TerminationLog(), StartsWith("failed to load context: failed to load snapshot: "));
}

}  // namespace
}  // namespace aicr::validator::checks
