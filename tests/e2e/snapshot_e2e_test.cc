// `aicr snapshot` end to end with the real binary against the test API server,
// whose simulated kubelet runs the same binary as the agent image: a snapshot to
// a file and to a ConfigMap, cleanup of exactly the run's objects, the objects
// of a --no-cleanup run against the goldens, the pre-flight permission gate,
// agent failure, timeout and Ctrl-C, --local and --add-roles-to-service-account.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "measurement/snapshot.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_reader.h"
#include "tests/e2e/cluster_objects.h"
#include "tests/e2e/subprocess.h"
#include "tests/k8s-apiserver/test_apiserver.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestTempDir;
using ::aicr::testing::WriteScript;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kAgentImage[] = "registry.example/aicr:test";
constexpr char kFailImage[] = "registry.example/failing:test";
constexpr char kHangImage[] = "registry.example/hanging:test";
constexpr char kGoldenRunId[] = "20260101-000000-0123456789abcdef";

// The node the simulated kubelet runs pods on, as a GPU node.
constexpr char kNode[] = R"(apiVersion: v1
kind: Node
metadata:
  name: test-node
  labels:
    kubernetes.io/hostname: test-node
    nvidia.com/gpu.present: "true"
    nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3
spec:
  providerID: aws:///us-west-2a/i-0abc
  taints:
    - {key: nvidia.com/gpu, value: present, effect: NoSchedule}
status:
  nodeInfo:
    kubeletVersion: v1.33.4
    kernelVersion: 6.8.0-test
    osImage: Ubuntu 24.04 LTS
    operatingSystem: linux
    containerRuntimeVersion: containerd://1.7.27
)";

class SnapshotE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(std::vector<std::string> args, bool tls = false) {
    server_.reset();
    const std::string fail = WriteScript("fail-agent.sh",
                                         "echo 'agent: collecting'\n"
                                         "echo 'agent: cannot read /proc/driver/nvidia' >&2\n"
                                         "exit 1\n");
    const std::string hang =
        WriteScript("hang-agent.sh", "echo 'agent: waiting'\nexec sleep 600\n");
    server_ = TestApiServer::Start(
        {.args = std::move(args),
         .tls = tls,
         .seeds = {kNode},
         .images = {{kAgentImage, AICR_BINARY}, {kFailImage, fail}, {kHangImage, hang}}});
    ASSERT_NE(server_, nullptr);
    home_ = server_->dir() + "/home";
    fs::create_directories(home_);
    kubeconfig_ = server_->WriteKubeconfig(home_);
  }

  ProcessOptions Env() const {
    ProcessOptions options;
    options.env_unset = {"AICR_DEBUG",
                         "AICR_LOG_JSON",
                         "NO_COLOR",
                         "AICR_AGENT_MODE",
                         "AICR_NAMESPACE",
                         "AICR_IMAGE",
                         "AICR_OS",
                         "AICR_REQUIRE_GPU",
                         "AICR_RUNTIME_CLASS",
                         "AICR_REQUESTS",
                         "AICR_LIMITS",
                         "AICR_CLUSTER_CONFIG_PATH",
                         "KUBECONFIG",
                         "KUBERNETES_SERVICE_HOST",
                         "KUBERNETES_SERVICE_PORT"};
    options.env_set["HOME"] = home_;
    return options;
  }

  // The binary, talking to the test server through --kubeconfig.
  ProcessResult Aicr(std::vector<std::string> args, const std::string& kubeconfig = "") {
    args.insert(args.begin(), {AICR_BINARY, "snapshot"});
    args.insert(args.end(), {"--kubeconfig", kubeconfig.empty() ? kubeconfig_ : kubeconfig});
    return RunProcess(args, Env());
  }

  json Get(const std::string& path) {
    auto res = server_->Request("GET", path, "", "application/json", admin_auth_);
    if (!res || res->status != 200) {
      ADD_FAILURE() << "GET " << path << ": " << (res ? res->body : "no answer");
      return json();
    }
    return json::parse(res->body);
  }

  // resource path -> sorted namespace/name of every object.
  std::map<std::string, std::set<std::string>> Objects() {
    return ::aicr::testing::ListRunObjects(*server_, admin_auth_);
  }

  // Objects of `path` labelled with a run id.
  std::vector<json> RunObjects(const std::string& path) {
    const json list = Get(path + "?labelSelector=aicr.run%2Frun-id");
    return list.value("items", json::array()).get<std::vector<json>>();
  }

  std::unique_ptr<TestApiServer> server_;
  std::string home_;
  std::string kubeconfig_;
  /// Credentials of the test's own requests when the server demands them.
  httplib::Headers admin_auth_;
};

TEST_F(SnapshotE2eTest, SnapshotToFileThenOnlyPreexistingObjectsRemain) {
  const auto before = Objects();
  const std::string out = TestTempDir() + "/snap.yaml";
  ProcessResult r = Aicr({"-o", out, "--image", kAgentImage, "--timeout", "60s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  Result<serialize::Value> doc = serialize::ParseYaml(ReadFile(out));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  Result<measurement::Snapshot> snap = measurement::DecodeSnapshot(*doc);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->kind, "Snapshot");
  EXPECT_EQ(snap->metadata["source-node"], "test-node");
  EXPECT_TRUE(snap->Extract("OS.release.ID").ok());
  EXPECT_TRUE(snap->Extract("K8s.server.version").ok());
  EXPECT_EQ(snap->Extract("K8s.node.provider").value_or(""), "eks");
  EXPECT_EQ(snap->Extract("NodeTopology.summary.node-count").value_or(""), "1");
  EXPECT_EQ(snap->Extract("NodeTopology.label.nvidia.com/gpu.product").value_or(""),
            "NVIDIA-H100-80GB-HBM3|test-node");

  EXPECT_EQ(Objects(), before);
}

TEST_F(SnapshotE2eTest, JsonAndTableAreRenderedFromTheAgentDocument) {
  ProcessResult json_out = Aicr({"-t", "json", "--image", kAgentImage});
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  const json j = json::parse(json_out.out);
  EXPECT_EQ(j["kind"], "Snapshot");
  EXPECT_TRUE(j["measurements"].is_array());

  ProcessResult table = Aicr({"-t", "table", "--image", kAgentImage});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("TYPE"));
  EXPECT_THAT(table.out, HasSubstr("NodeTopology"));
}

TEST_F(SnapshotE2eTest, NoCleanupKeepsObjectsThatMatchTheGoldens) {
  ProcessResult r =
      Aicr({"-o", TestTempDir() + "/kept.yaml", "--image", kAgentImage, "--no-cleanup"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const std::vector<json> jobs = RunObjects("/apis/batch/v1/jobs");
  ASSERT_EQ(jobs.size(), 1u);
  const std::string run_id = jobs[0]["metadata"]["labels"]["aicr.run/run-id"];
  ASSERT_EQ(run_id.size(), 32u);
  // The yaml output is the agent's document byte for byte.
  const json staging = Get("/api/v1/namespaces/default/configmaps/aicr-agent-snapshot-" + run_id);
  ASSERT_TRUE(staging.contains("data")) << staging.dump();
  EXPECT_EQ(staging["data"]["snapshot.yaml"].get<std::string>(),
            ReadFile(TestTempDir() + "/kept.yaml"));

  // Every object of the run, normalized: fixed run id, no server-added fields.
  std::map<std::string, json> actual;
  auto normalize = [&](json obj) {
    obj.erase("status");
    json& meta = obj["metadata"];
    for (const char* k : {"uid", "resourceVersion", "creationTimestamp", "generation",
                          "managedFields", "selfLink"}) {
      meta.erase(k);
    }
    std::string text = obj.dump();
    for (std::size_t p = text.find(run_id); p != std::string::npos; p = text.find(run_id, p)) {
      text.replace(p, run_id.size(), kGoldenRunId);
    }
    return json::parse(text);
  };
  for (const std::string& path :
       {std::string("/api/v1/serviceaccounts"), std::string("/apis/batch/v1/jobs"),
        std::string("/apis/rbac.authorization.k8s.io/v1/roles"),
        std::string("/apis/rbac.authorization.k8s.io/v1/rolebindings"),
        std::string("/apis/rbac.authorization.k8s.io/v1/clusterroles"),
        std::string("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings")}) {
    for (const json& obj : RunObjects(path)) {
      const json n = normalize(obj);
      actual[n["kind"].get<std::string>() + "/" + n["metadata"]["name"].get<std::string>()] = n;
    }
  }

  const fs::path golden_dir = fs::path(AICR_SOURCE_DIR) / "tests/golden/agent/privileged";
  ASSERT_TRUE(fs::is_directory(golden_dir)) << golden_dir;
  std::map<std::string, json> expected;
  for (const auto& entry : fs::directory_iterator(golden_dir)) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    Result<serialize::Value> doc = serialize::ParseYaml(ReadFile(entry.path().string()));
    ASSERT_TRUE(doc.ok()) << entry.path();
    Result<std::string> text = serialize::WriteJson(*doc);
    ASSERT_TRUE(text.ok());
    const json g = json::parse(*text);
    expected[g["kind"].get<std::string>() + "/" + g["metadata"]["name"].get<std::string>()] = g;
  }
  ASSERT_FALSE(expected.empty());
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [key, want] : expected) {
    ASSERT_EQ(actual.count(key), 1u) << key;
    EXPECT_EQ(actual[key], want) << key << "\nactual:   " << actual[key].dump(2)
                                 << "\nexpected: " << want.dump(2);
  }
}

TEST_F(SnapshotE2eTest, MissingPermissionsAreAllReportedAndNothingIsCreated) {
  const std::string policy = TestTempDir() + "/policy.yaml";
  std::ofstream(policy) << "rules:\n"
                           "  - users: [limited]\n"
                           "    verbs: [create]\n"
                           "    resources: [jobs, clusterroles, clusterrolebindings]\n"
                           "    effect: deny\n"
                           "  - users: [limited]\n"
                           "    verbs: [get]\n"
                           "    resources: [pods/log]\n"
                           "    effect: deny\n"
                           "default: allow\n";
  Start({"--policy", policy, "--token", "limited-token=limited", "--token",
         "admin-token=admin,system:masters"});
  admin_auth_ = {{"Authorization", "Bearer admin-token"}};
  const std::string limited = server_->WriteKubeconfig(home_, "limited-token");
  const auto before = Objects();
  ProcessResult r = Aicr({"-o", TestTempDir() + "/denied.yaml", "--image", kAgentImage}, limited);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  for (const char* miss : {"jobs", "clusterroles", "clusterrolebindings", "pods/log"}) {
    EXPECT_THAT(r.err, HasSubstr(miss));
  }
  EXPECT_FALSE(fs::exists(TestTempDir() + "/denied.yaml"));
  EXPECT_EQ(Objects(), before);
}

TEST_F(SnapshotE2eTest, AgentFailureShowsItsLogsAndCleansUp) {
  const auto before = Objects();
  ProcessResult r =
      Aicr({"-o", TestTempDir() + "/failed.yaml", "--image", kFailImage, "--timeout", "60s"});
  EXPECT_EQ(r.exit_code, 8) << r.err;  // INTERNAL
  EXPECT_THAT(r.err, HasSubstr("agent: collecting"));
  EXPECT_THAT(r.err, HasSubstr("agent: cannot read /proc/driver/nvidia"));
  EXPECT_FALSE(fs::exists(TestTempDir() + "/failed.yaml"));
  EXPECT_EQ(Objects(), before);
}

TEST_F(SnapshotE2eTest, TimeoutIsExitFiveAndCleansUp) {
  const auto before = Objects();
  ProcessResult r = Aicr({"--image", kHangImage, "--timeout", "2s"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(Objects(), before);
}

TEST_F(SnapshotE2eTest, InterruptIsExitNineAndCleansUp) {
  const auto before = Objects();
  const std::string err_path = TestTempDir() + "/interrupt.err";
  std::vector<std::string> argv = {AICR_BINARY, "snapshot", "--image",      kHangImage,
                                   "--timeout", "60s",      "--kubeconfig", kubeconfig_};
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
  // Wait until the agent pod runs the hanging script, then press Ctrl-C.
  bool running = false;
  for (int i = 0; i < 300 && !running; ++i) {
    const json pods = Get("/api/v1/namespaces/default/pods?labelSelector=aicr.run%2Frun-id");
    for (const json& p : pods.value("items", json::array())) {
      running = running || p["status"].value("phase", "") == "Running";
    }
    if (!running) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_TRUE(running);
  ::kill(pid, SIGINT);
  const int code = ::aicr::testing::internal::WaitExit(pid);
  EXPECT_EQ(code, 9) << ReadFile(err_path);
  EXPECT_EQ(Objects(), before);
}

TEST_F(SnapshotE2eTest, ConfigMapOutputIsDeliveredAndKept) {
  ProcessResult r = Aicr({"-o", "cm://default/snap-out", "--image", kAgentImage});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const json cm = Get("/api/v1/namespaces/default/configmaps/snap-out");
  ASSERT_TRUE(cm.contains("data")) << cm.dump();
  EXPECT_EQ(cm["data"]["format"], "yaml");
  EXPECT_TRUE(cm["data"].contains("timestamp"));
  EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/name"], "aicr");
  EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/component"], "Snapshot");
  EXPECT_TRUE(cm["metadata"]["labels"].contains("app.kubernetes.io/version"));
  Result<serialize::Value> doc =
      serialize::ParseYaml(cm["data"]["snapshot.yaml"].get<std::string>());
  ASSERT_TRUE(doc.ok());
  Result<measurement::Snapshot> snap = measurement::DecodeSnapshot(*doc);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->Extract("NodeTopology.summary.node-count").value_or(""), "1");
  EXPECT_EQ(cm["data"]["timestamp"], snap->metadata["timestamp"]);
  // Only the delivered ConfigMap is left of the run.
  EXPECT_TRUE(RunObjects("/apis/batch/v1/jobs").empty());
  EXPECT_TRUE(RunObjects("/apis/rbac.authorization.k8s.io/v1/clusterroles").empty());

  // A delivered ConfigMap outside the agent namespace is refused up front.
  ProcessResult other = Aicr({"-o", "cm://other/snap-out", "--image", kAgentImage});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_THAT(other.err, HasSubstr("must equal --namespace"));
}

TEST_F(SnapshotE2eTest, AgentReachesATlsServerThroughItsKubeconfig) {
  Start({"--token", "admin-token=admin,system:masters"}, /*tls=*/true);
  admin_auth_ = {{"Authorization", "Bearer admin-token"}};
  const auto before = Objects();
  ProcessResult r = Aicr({"-t", "json", "--image", kAgentImage});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  // The node list came through the pod's own connection (without one the
  // topology summary reports zero nodes).
  int nodes = -1;
  for (const json& m : j["measurements"]) {
    for (const json& st : m.value("subtypes", json::array())) {
      if (m["type"] == "NodeTopology" && st["subtype"] == "summary") {
        nodes = st["data"].value("node-count", -1);
      }
    }
  }
  EXPECT_EQ(nodes, 1) << r.out;
  EXPECT_EQ(Objects(), before);
}

TEST_F(SnapshotE2eTest, ProviderDumpsAreMergedIntoTheDeliveredConfigMap) {
  const std::string dump = TestTempDir() + "/addons.json";
  std::ofstream(dump) << R"({"data": [{"name": "NvidiaGpuPlugin", "lifecycle-state": "ACTIVE"}]})";
  const std::string gke = TestTempDir() + "/gke-pools.json";
  std::ofstream(gke) << R"([{"name": "h100", "config": {"accelerators": [{"acceleratorType":
    "nvidia-h100-80gb", "gpuDriverInstallationConfig": {"gpuDriverVersion": "LATEST"}}]}}])";
  ProcessResult r = Aicr({"-o", "cm://default/with-addons", "--image", kAgentImage, "--oke-addons",
                          dump, "--gke-gpu-pools", gke});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json cm = Get("/api/v1/namespaces/default/configmaps/with-addons");
  Result<serialize::Value> doc =
      serialize::ParseYaml(cm["data"]["snapshot.yaml"].get<std::string>());
  ASSERT_TRUE(doc.ok());
  Result<measurement::Snapshot> snap = measurement::DecodeSnapshot(*doc);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->Extract("K8s.oke-addons.nvidia-gpu-plugin").value_or(""), "installed");
  EXPECT_EQ(snap->Extract("K8s.gke-gpu-pools.gpu-driver-installation").value_or(""), "Installed");
  EXPECT_EQ(snap->Extract("K8s.gke-gpu-pools.gpu-pools").value_or(""), "h100=Installed");
  EXPECT_TRUE(snap->Extract("K8s.server.version").ok());

  // A bad dump fails before anything is deployed.
  server_->Admin("DELETE", "/_test/requests");
  ProcessResult bad = Aicr({"--image", kAgentImage, "--aks-gpu-pools", dump});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("--aks-gpu-pools"));
  const json log = json::parse(server_->Admin("GET", "/_test/requests"));
  EXPECT_TRUE(log["requests"].empty()) << log.dump();
}

TEST_F(SnapshotE2eTest, RequireGpuFailsWhenTheAgentSawNoGpu) {
  // The agent runs on this machine: an NVIDIA GPU here (PCI vendor 0x10de,
  // display class) legitimately satisfies --require-gpu.
  bool host_gpu = false;
  std::error_code ec;
  for (const auto& dev : fs::directory_iterator("/sys/bus/pci/devices", ec)) {
    const std::string cls = ReadFile((dev.path() / "class").string());
    host_gpu = host_gpu || (ReadFile((dev.path() / "vendor").string()).rfind("0x10de", 0) == 0 &&
                            (cls.rfind("0x0300", 0) == 0 || cls.rfind("0x0302", 0) == 0));
  }
  const auto before = Objects();
  ProcessResult r = Aicr({"--image", kAgentImage, "--require-gpu"});
  if (host_gpu) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
  } else {
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_THAT(r.err, HasSubstr("no GPU"));
  }
  EXPECT_EQ(Objects(), before);
}

TEST_F(SnapshotE2eTest, ConfigFileSuppliesSettingsAndFlagsWin) {
  const std::string out = TestTempDir() + "/from-config.json";
  const std::string config = TestTempDir() + "/aicr-config.yaml";
  std::ofstream(config) << "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  snapshot:\n"
                        << "    output: {path: " << out << ", format: json}\n"
                        << "    agent: {image: " << kHangImage << ", jobName: from-config}\n"
                        << "    execution: {timeout: 1s}\n";
  // The configured image hangs and the configured timeout expires.
  ProcessResult timed_out = Aicr({"--config", config});
  EXPECT_EQ(timed_out.exit_code, 5) << timed_out.err;
  EXPECT_THAT(timed_out.err, HasSubstr("from-config-"));
  // Flags win over the file: the agent image runs, the output is still the file's.
  ProcessResult r = Aicr({"--config", config, "--image", kAgentImage, "--timeout", "60s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(ReadFile(out))["kind"], "Snapshot");

  std::ofstream(config) << "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  snapshot:\n"
                        << "    agent: {tolerations: [\"x=y:Never\"]}\n";
  ProcessResult bad = Aicr({"--config", config});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("spec.snapshot.agent.tolerations[0]"));
}

TEST_F(SnapshotE2eTest, InvalidFlagsAreRejectedBeforeAnyClusterCall) {
  server_->Admin("DELETE", "/_test/requests");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--require-gpu", "--runtime-class", "nvidia"}, "mutually exclusive"},
      {{"--toleration", "a=b:Sometimes"}, "--toleration"},
      {{"--os", "windows"}, "--os"},
      {{"--requests", "cpu=lots"}, "--requests"},
      {{"--template", "x.tmpl", "-t", "json"}, "--template requires"},
      {{"--cluster-config", "c.yaml"}, "--cluster-config is not supported"},
      {{"--discover-network"}, "--discover-network is not supported"},
      {{"--gke-gpu-pools", "absent-pools.json"}, "--gke-gpu-pools"},
  };
  for (const auto& [args, message] : cases) {
    ProcessResult r = Aicr(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
  }
  const json log = json::parse(server_->Admin("GET", "/_test/requests"));
  EXPECT_TRUE(log["requests"].empty()) << log.dump();
}

TEST(SnapshotLocalE2eTest, LocalSnapshotMeasuresThisMachine) {
  ProcessOptions options;
  options.env_unset = {"AICR_AGENT_MODE", "KUBECONFIG", "AICR_DEBUG", "AICR_LOG_JSON"};
  ProcessResult r = RunProcess({AICR_BINARY, "snapshot", "--local"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Result<serialize::Value> doc = serialize::ParseYaml(r.out);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  Result<measurement::Snapshot> snap = measurement::DecodeSnapshot(*doc);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  const measurement::Measurement* os = snap->FindMeasurement("OS");
  ASSERT_NE(os, nullptr);
  for (const char* subtype : {"grub", "sysctl", "release"}) {
    EXPECT_NE(os->FindSubtype(subtype), nullptr) << subtype;
  }
  // Loaded modules are reported where the host exposes them (some sandboxes do not).
  EXPECT_EQ(os->FindSubtype("kmod") != nullptr, fs::exists("/proc/modules"));
  EXPECT_TRUE(snap->Extract("OS.release.ID").ok());
  EXPECT_EQ(snap->FindMeasurement("K8s"), nullptr);
  EXPECT_EQ(snap->FindMeasurement("NodeTopology"), nullptr);
}

TEST(SnapshotRbacE2eTest, AddRolesWritesFourFilesWithoutACluster) {
  const std::string cwd = TestTempDir() + "/rbac";
  fs::create_directories(cwd);
  ProcessOptions options;
  options.env_unset = {"AICR_AGENT_MODE", "KUBECONFIG"};
  // No reachable cluster: the command must not need one.
  options.env_set = {{"KUBECONFIG", cwd + "/absent.yaml"}};
  ProcessResult r =
      RunProcess({"sh", "-c", "cd \"$0\" && exec \"$@\"", cwd, AICR_BINARY, "snapshot",
                  "--add-roles-to-service-account", "gpu-reader", "-n", "gpu-operator"},
                 options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string printed = r.out.substr(0, r.out.find('\n'));
  EXPECT_THAT(printed, HasSubstr("snapshot-rbac-"));
  const fs::path dir = fs::path(cwd) / fs::path(printed).filename();
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    files.insert(e.path().filename().string());
  }
  EXPECT_EQ(files, (std::set<std::string>{"01-role.yaml", "02-rolebinding.yaml",
                                          "03-clusterrole.yaml", "04-clusterrolebinding.yaml"}));
  EXPECT_THAT(ReadFile((dir / "02-rolebinding.yaml").string()), HasSubstr("gpu-reader"));
  EXPECT_THAT(ReadFile((dir / "01-role.yaml").string()), HasSubstr("gpu-operator"));
}

}  // namespace
}  // namespace aicr
