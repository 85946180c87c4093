// Fidelity of the test API server, proved with the real kubectl (v1.34).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tests/e2e/subprocess.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/tools.h"

namespace aicr::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class KubectlTest : public ::testing::Test {
 protected:
  void StartServer(TestApiServerOptions options = {}) {
    server_ = TestApiServer::Start(options);
    ASSERT_NE(server_, nullptr);
    dir_ = server_->dir();
    kubeconfig_ = server_->WriteKubeconfig(dir_);
  }
  ProcessResult Kubectl(std::vector<std::string> args, const std::string& kubeconfig = "") {
    args.insert(args.begin(), {ToolPath("kubectl"), "--kubeconfig",
                               kubeconfig.empty() ? kubeconfig_ : kubeconfig});
    ProcessOptions options;
    options.env_set = {{"HOME", dir_}};
    options.env_unset = {"KUBECONFIG"};
    return RunProcess(args, options);
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::unique_ptr<TestApiServer> server_;
  std::string dir_;
  std::string kubeconfig_;
};

constexpr const char* kConfigMap =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n"
    "data:\n  key: one\n";

TEST_F(KubectlTest, GetNamespacesAndConfigMaps) {
  REQUIRE_TOOL("kubectl");
  StartServer({.seeds = {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seeded\n"
                         "  namespace: default\ndata:\n  k: v\n"}});
  ProcessResult r = Kubectl({"get", "ns"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("NAME"));
  EXPECT_THAT(r.out, HasSubstr("AGE"));
  EXPECT_THAT(r.out, HasSubstr("default"));
  EXPECT_THAT(r.out, HasSubstr("kube-system"));
  r = Kubectl({"get", "cm", "-n", "default", "-o", "yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("name: seeded"));
  EXPECT_THAT(r.out, HasSubstr("k: v"));
  r = Kubectl({"get", "configmap", "seeded"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("seeded"));
  r = Kubectl({"get", "cm", "missing"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("configmaps \"missing\" not found"));
}

TEST_F(KubectlTest, CreateApplyDelete) {
  REQUIRE_TOOL("kubectl");
  StartServer();
  const std::string file = WriteFile("cm.yaml", kConfigMap);
  ProcessResult r = Kubectl({"create", "-f", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("configmap/x created"));
  r = Kubectl({"create", "-f", file});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("already exists"));
  EXPECT_EQ(Kubectl({"delete", "cm", "x"}).exit_code, 0);

  r = Kubectl({"apply", "--server-side", "-f", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("serverside-applied"));
  const std::string changed =
      WriteFile("cm2.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n"
                "data:\n  key: two\n");
  r = Kubectl({"apply", "--server-side", "-f", changed});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Kubectl({"get", "cm", "x", "-o", "jsonpath={.data.key}"});
  EXPECT_EQ(r.out, "two");
  // Another field manager conflicts unless it forces.
  const std::string other =
      WriteFile("cm3.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n"
                "data:\n  key: three\n");
  r = Kubectl({"apply", "--server-side", "--field-manager=other", "-f", other});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("conflict"));
  r = Kubectl(
      {"apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", other});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Kubectl({"get", "cm", "x", "-o", "json", "--show-managed-fields"});
  const json cm = json::parse(r.out);
  EXPECT_EQ(cm["data"]["key"], "three");
  EXPECT_THAT(cm["metadata"]["managedFields"].dump(), HasSubstr("\"other\""));
  r = Kubectl({"delete", "cm", "x"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("deleted"));
  EXPECT_NE(Kubectl({"get", "cm", "x"}).exit_code, 0);
}

TEST_F(KubectlTest, WatchSeesAddedAndModified) {
  REQUIRE_TOOL("kubectl");
  StartServer();
  ProcessResult watch;
  std::thread watcher([&] {
    watch = Kubectl({"get", "cm", "-w", "--output-watch-events", "--request-timeout=6s"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto r = server_->Request("POST", "/api/v1/namespaces/default/configmaps",
                            R"({"metadata":{"name":"watched"},"data":{"a":"1"}})");
  ASSERT_EQ(r->status, 201);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  r = server_->Request("PATCH", "/api/v1/namespaces/default/configmaps/watched",
                       R"({"data":{"a":"2"}})", "application/merge-patch+json");
  ASSERT_EQ(r->status, 200);
  watcher.join();
  const std::size_t added = watch.out.find("ADDED");
  const std::size_t modified = watch.out.find("MODIFIED");
  ASSERT_NE(added, std::string::npos) << watch.out << watch.err;
  ASSERT_NE(modified, std::string::npos) << watch.out << watch.err;
  EXPECT_LT(added, modified);
  EXPECT_THAT(watch.out, HasSubstr("watched"));
}

TEST_F(KubectlTest, AuthCanI) {
  REQUIRE_TOOL("kubectl");
  const std::string policy = "/tmp/aicr-kubectl-policy-" + std::to_string(getpid()) + ".yaml";
  std::ofstream(policy) << "rules:\n- users: [\"bob\"]\n  verbs: [\"get\"]\n"
                           "  resources: [\"configmaps\"]\n  effect: deny\ndefault: allow\n";
  // kubectl sends bearer tokens over TLS only.
  StartServer({.args = {"--token", "admin-token=admin,system:masters", "--token", "bob-token=bob",
                        "--policy", policy},
               .tls = true});
  std::remove(policy.c_str());
  ProcessResult r = Kubectl({"auth", "can-i", "get", "configmaps"},
                            server_->WriteKubeconfig(dir_, "admin-token"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "yes\n");
  const std::string bob = server_->WriteKubeconfig(dir_, "bob-token");
  r = Kubectl({"auth", "can-i", "get", "configmaps"}, bob);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "no\n");
  r = Kubectl({"auth", "can-i", "list", "configmaps"}, bob);
  EXPECT_EQ(r.out, "yes\n");
  r = Kubectl({"get", "cm", "x"}, bob);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("User \"bob\" cannot get resource \"configmaps\""));
}

TEST_F(KubectlTest, TlsClientCertAndSeededCustomResources) {
  REQUIRE_TOOL("kubectl");
  StartServer(
      {.tls = true,
       .seeds = {"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
                 "metadata:\n  name: clusterpolicies.nvidia.com\nspec:\n  group: nvidia.com\n"
                 "  scope: Cluster\n  names:\n    plural: clusterpolicies\n"
                 "    singular: clusterpolicy\n    kind: ClusterPolicy\n  versions:\n"
                 "  - name: v1\n    served: true\n    storage: true\n---\n"
                 "apiVersion: nvidia.com/v1\nkind: ClusterPolicy\nmetadata:\n"
                 "  name: cluster-policy\nstatus:\n  state: ready\n"}});
  ASSERT_TRUE(server_->tls());
  // The default kubeconfig authenticates with the client certificate (CN=tester).
  ProcessResult r = Kubectl({"get", "clusterpolicies"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("cluster-policy"));
  r = Kubectl({"get", "clusterpolicy", "cluster-policy", "-o", "jsonpath={.status.state}"});
  EXPECT_EQ(r.out, "ready");
  r = Kubectl({"api-resources", "--api-group=nvidia.com", "--no-headers"});
  EXPECT_THAT(r.out, HasSubstr("clusterpolicies"));
  const json log = json::parse(server_->Admin("GET", "/_test/requests"));
  EXPECT_EQ(log["requests"].back()["user"], "tester");
}

TEST_F(KubectlTest, LogsOfAPod) {
  REQUIRE_TOOL("kubectl");
  StartServer({.images = {{"busybox", "-"}}});
  const std::string pod =
      WriteFile("pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: default\nspec:\n"
                "  restartPolicy: Never\n  containers:\n  - name: main\n    image: busybox\n"
                "    command: [\"sh\", \"-c\", \"echo hello; echo world\"]\n");
  ProcessResult r = Kubectl({"create", "-f", pod});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string phase;
  for (int i = 0; i < 100 && phase != "Succeeded"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    phase = Kubectl({"get", "pod", "p", "-o", "jsonpath={.status.phase}"}).out;
  }
  ASSERT_EQ(phase, "Succeeded");
  r = Kubectl({"logs", "p"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hello\nworld\n");
  r = Kubectl({"logs", "p", "--tail=1"});
  EXPECT_EQ(r.out, "world\n");
  r = Kubectl({"logs", "-f", "p"});
  EXPECT_EQ(r.out, "hello\nworld\n");
}

}  // namespace
}  // namespace aicr::testing
