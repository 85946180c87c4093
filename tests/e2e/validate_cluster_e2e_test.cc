// `aicr validate` against the in-repo test API server: the real binary runs the
// deployment phase's validator Jobs, whose container image is mapped by the
// simulated kubelet to the real aicr-validator binary. A healthy cluster exits 0
// with every check passed; a cluster whose GPU Operator misses the recipe's
// version constraint exits 8 after writing the report.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "serialize/json_reader.h"
#include "tests/e2e/subprocess.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/validator_cluster_fixture.h"

namespace aicr {
namespace {

using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using ::aicr::testing::TestTempDir;
using ::aicr::testing::WriteTempFile;
using ::testing::HasSubstr;
namespace td = ::aicr::validator::checks::testdata;

// The deployment validators' image in the embedded catalogue (development
// builds keep its tag).
constexpr char kDeploymentImage[] = "ghcr.io/nvidia/aicr-validators/deployment";

constexpr char kNamespaceSeed[] =
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: aicr-validation}\n";

// The snapshot agent's image, mapped to the aicr binary under test (live capture).
constexpr char kAgentImage[] = "registry.example/aicr:test";

// The GPU node the live snapshot agent is scheduled on.
constexpr char kGpuNode[] = R"(apiVersion: v1
kind: Node
metadata:
  name: gpu-node
  labels: {kubernetes.io/hostname: gpu-node, nvidia.com/gpu.present: "true"}
status:
  nodeInfo: {kubeletVersion: v1.33.5}
)";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ValidateClusterE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string script = TestTempDir() + "/validator.sh";
    std::ofstream(script)
        << "#!/bin/sh\nAICR_TERMINATION_LOG=\"$AICR_TEST_MOUNT_DEV_TERMINATION_LOG\" "
           "exec \"" AICR_VALIDATOR_BIN "\" \"$@\"\n";
    chmod(script.c_str(), 0755);
    TestApiServerOptions o;
    o.seeds = {kNamespaceSeed, kGpuNode, td::kAppsKinds, td::HealthyCluster()};
    o.images[kDeploymentImage] = script;
    o.images[kAgentImage] = AICR_BINARY;
    server_ = TestApiServer::Start(o);
    ASSERT_NE(server_, nullptr);
    kubeconfig_ = server_->WriteKubeconfig(TestTempDir());
  }

  ProcessResult Validate(const std::string& recipe, const std::string& report,
                         std::vector<std::string> extra = {"--phase", "deployment"},
                         bool snapshot = true) {
    const std::string recipe_path = WriteTempFile("cluster-recipe.yaml", recipe);
    const std::string snapshot_path =
        snapshot ? WriteTempFile("cluster-snapshot.yaml", td::kSnapshot) : "";
    ProcessOptions options;
    options.env_unset = {"AICR_DEBUG",
                         "AICR_LOG_JSON",
                         "KUBECONFIG",
                         "KUBERNETES_SERVICE_HOST",
                         "KUBERNETES_SERVICE_PORT",
                         "AICR_NAMESPACE",
                         "AICR_VALIDATOR_IMAGE_REGISTRY"};
    options.env_set["HOME"] = TestTempDir();
    std::vector<std::string> argv = {AICR_BINARY, "validate",  "-r", recipe_path,
                                     "-k",        kubeconfig_, "-o", report};
    if (snapshot) {
      argv.insert(argv.end(), {"-s", snapshot_path});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, options);
  }

  std::unique_ptr<TestApiServer> server_;
  std::string kubeconfig_;
};

TEST_F(ValidateClusterE2eTest, HealthyClusterPassesEveryCheck) {
  const std::string report = TestTempDir() + "/healthy-report.json";
  ProcessResult r = Validate(td::Recipe(), report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = serialize::ParseJson(ReadFile(report));
  ASSERT_TRUE(doc.ok()) << r.err;
  const serialize::Value* tests = doc->FindPath("results.tests");
  ASSERT_NE(tests, nullptr);
  std::vector<std::string> names;
  for (const serialize::Value& t : *tests->if_sequence()) {
    names.push_back(*t.Find("name")->if_string());
    EXPECT_EQ(*t.Find("status")->if_string(), "passed") << names.back() << "\n" << r.err;
  }
  EXPECT_THAT(names, ::testing::ElementsAre("operator-health", "expected-resources",
                                            "gpu-operator-version"));
  EXPECT_EQ(*doc->FindPath("results.summary.passed")->if_int(), 3);
}

TEST_F(ValidateClusterE2eTest, FailingCheckExitsEightAfterWritingTheReport) {
  const std::string report = TestTempDir() + "/broken-report.json";
  ProcessResult r = Validate(td::Recipe(">= v25.10.0"), report);
  EXPECT_EQ(r.exit_code, 8) << r.err;
  EXPECT_THAT(r.err, HasSubstr("validation failed"));
  const std::string json = ReadFile(report);
  EXPECT_THAT(json, HasSubstr("\"status\": \"failed\""));
  EXPECT_THAT(json, HasSubstr("does not satisfy constraint"));
}

TEST_F(ValidateClusterE2eTest, WithoutSnapshotCapturesOneLiveFirst) {
  const std::string report = TestTempDir() + "/live-report.json";
  ProcessResult r =
      Validate(td::Recipe(), report,
               {"--phase", "deployment", "--image", kAgentImage, "--timeout", "60s"}, false);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("capturing one with the snapshot agent"));
  auto doc = serialize::ParseJson(ReadFile(report));
  ASSERT_TRUE(doc.ok()) << r.err;
  EXPECT_EQ(*doc->FindPath("results.summary.passed")->if_int(), 3) << r.err;
}

TEST_F(ValidateClusterE2eTest, FailFastSkipsLaterPhasesAndFailOnErrorFalseExitsZero) {
  // A conformance check after the failing deployment phase: with --fail-fast it
  // never runs and is reported skipped.
  const std::string recipe =
      td::Recipe(">= v25.10.0") + "  conformance:\n    checks: [dra-support]\n";
  const std::string report = TestTempDir() + "/failfast-report.json";
  ProcessResult r = Validate(recipe, report, {"--fail-fast", "--fail-on-error=false"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = serialize::ParseJson(ReadFile(report));
  ASSERT_TRUE(doc.ok()) << r.err;
  const serialize::Value* tests = doc->FindPath("results.tests");
  ASSERT_NE(tests, nullptr);
  ASSERT_EQ(tests->size(), 4u);
  const serialize::Value& last = (*tests->if_sequence())[3];
  EXPECT_EQ(*last.Find("name")->if_string(), "dra-support");
  EXPECT_EQ(*last.Find("status")->if_string(), "skipped");
  EXPECT_EQ(*last.Find("message")->if_string(), "skipped due to previous phase failure");
  EXPECT_EQ(*doc->FindPath("results.summary.failed")->if_int(), 1);
}

}  // namespace
}  // namespace aicr
