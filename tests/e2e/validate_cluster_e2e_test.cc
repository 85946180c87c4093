// `aicr validate` against the in-repo test API server: the real binary runs the
// deployment phase's validator Jobs, whose container image is mapped by the
// simulated kubelet to the real aicr-validator binary. A healthy cluster exits 0
// with every check passed; a cluster whose GPU Operator misses the recipe's
// version constraint exits 8 after writing the report.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "serialize/json_reader.h"
#include "tests/e2e/cluster_objects.h"
#include "tests/e2e/subprocess.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/validator_cluster_fixture.h"

namespace aicr {
namespace {

using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using ::aicr::testing::TestTempDir;
using ::aicr::testing::WriteScript;
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

// The snapshot agent's image for a capture that never finishes.
constexpr char kHangImage[] = "registry.example/hanging:test";

class ValidateClusterE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StartServer(WriteScript("validator.sh",
                            "AICR_TERMINATION_LOG=\"$AICR_TEST_MOUNT_DEV_TERMINATION_LOG\" "
                            "exec \"" AICR_VALIDATOR_BIN "\" \"$@\"\n"));
  }

  // (Re)starts the server with `deployment_command` as the deployment validators'
  // image; the snapshot agent image runs aicr, the hanging one sleeps.
  void StartServer(const std::string& deployment_command) {
    server_.reset();
    TestApiServerOptions o;
    o.seeds = {kNamespaceSeed, kGpuNode, td::kAppsKinds, td::HealthyCluster()};
    o.images[kDeploymentImage] = deployment_command;
    o.images[kAgentImage] = AICR_BINARY;
    o.images[kHangImage] = WriteScript("hang.sh", "echo 'hanging'\nexec sleep 600\n");
    server_ = TestApiServer::Start(o);
    ASSERT_NE(server_, nullptr);
    kubeconfig_ = server_->WriteKubeconfig(TestTempDir());
  }

  std::map<std::string, std::set<std::string>> Objects() {
    return ::aicr::testing::ListRunObjects(*server_);
  }

  // Whether a pod labelled with `selector` is running.
  bool PodRunning(const std::string& selector) {
    auto res = server_->Request("GET", "/api/v1/pods?labelSelector=" + selector, "",
                                "application/json", {});
    if (!res || res->status != 200) {
      return false;
    }
    auto list = serialize::ParseJson(res->body);
    if (!list.ok() || list->Find("items") == nullptr) {
      return false;
    }
    for (const serialize::Value& item : *list->Find("items")->if_sequence()) {
      const serialize::Value* phase = item.FindPath("status.phase");
      if (phase != nullptr && phase->if_string() != nullptr && *phase->if_string() == "Running") {
        return true;
      }
    }
    return false;
  }

  ProcessOptions Env() const {
    ProcessOptions options;
    options.env_unset = {"AICR_DEBUG",
                         "AICR_LOG_JSON",
                         "KUBECONFIG",
                         "KUBERNETES_SERVICE_HOST",
                         "KUBERNETES_SERVICE_PORT",
                         "AICR_NAMESPACE",
                         "AICR_VALIDATOR_IMAGE_REGISTRY"};
    options.env_set["HOME"] = TestTempDir();
    return options;
  }

  ProcessResult Validate(const std::string& recipe, const std::string& report,
                         std::vector<std::string> extra = {"--phase", "deployment"},
                         bool snapshot = true) {
    const std::string recipe_path = WriteTempFile("cluster-recipe.yaml", recipe);
    const std::string snapshot_path =
        snapshot ? WriteTempFile("cluster-snapshot.yaml", td::kSnapshot) : "";
    const ProcessOptions options = Env();
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

TEST_F(ValidateClusterE2eTest, LiveCaptureTimeoutIsExitFiveWithNothingLeftBehind) {
  const auto before = Objects();
  const std::string report = TestTempDir() + "/timeout-report.json";
  ProcessResult r = Validate(td::Recipe(), report,
                             {"--phase", "deployment", "--image", kHangImage, "--timeout", "2s"},
                             /*snapshot=*/false);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_THAT(r.err, HasSubstr("snapshot agent"));
  struct stat st;
  EXPECT_NE(::stat(report.c_str(), &st), 0) << "no report on a failed run";
  EXPECT_EQ(Objects(), before);
}

TEST_F(ValidateClusterE2eTest, InterruptDuringAValidatorJobIsExitNineWithNothingLeftBehind) {
  // Every deployment validator hangs; Ctrl-C arrives while the first one runs.
  StartServer(WriteScript("hanging-validator.sh", "echo 'checking'\nexec sleep 600\n"));
  const auto before = Objects();
  const std::string report = TestTempDir() + "/interrupted-report.json";
  const std::string err_path = TestTempDir() + "/interrupted.err";
  const std::vector<std::string> argv = {
      AICR_BINARY, "validate",
      "-r",        WriteTempFile("interrupt-recipe.yaml", td::Recipe()),
      "-s",        WriteTempFile("interrupt-snapshot.yaml", td::kSnapshot),
      "-k",        kubeconfig_,
      "-o",        report,
      "--phase",   "deployment"};
  const ProcessOptions env = Env();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    const int null = ::open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    ::aicr::testing::internal::ApplyEnv(env);
    ::aicr::testing::internal::Exec(argv);
  }
  bool running = false;
  for (int i = 0; i < 300 && !running; ++i) {
    running = PodRunning("aicr.run%2Fvalidator");
    if (!running) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_TRUE(running) << "no validator pod ran";
  ::kill(pid, SIGINT);
  const int code = ::aicr::testing::internal::WaitExit(pid);
  EXPECT_EQ(code, 9) << ReadFile(err_path);
  struct stat st;
  EXPECT_NE(::stat(report.c_str(), &st), 0) << "no report on an interrupted run";
  EXPECT_EQ(Objects(), before) << ReadFile(err_path);
}

}  // namespace
}  // namespace aicr
