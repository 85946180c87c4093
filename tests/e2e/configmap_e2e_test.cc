// `cm://namespace/name` through the real `aicr` binary against the test API
// server: recipe written to and read back from a ConfigMap, a snapshot read from
// one, KUBECONFIG lists, the size limit, table output refused, and a failing
// exec credential plugin (UNAUTHORIZED, exit 4).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "serialize/yaml_reader.h"
#include "tests/e2e/subprocess.h"
#include "tests/k8s-apiserver/test_apiserver.h"

namespace aicr {
namespace {

using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestTempDir;
using ::testing::HasSubstr;

constexpr char kSnapshotConfigMap[] = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-snapshot
  namespace: default
data:
  format: yaml
  snapshot.yaml: |
    kind: Snapshot
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
            data: {ID: ubuntu, VERSION_ID: "24.04"}
)";

class ConfigMapE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(std::vector<std::string> args) {
    server_ = TestApiServer::Start({.args = std::move(args), .seeds = {kSnapshotConfigMap}});
    ASSERT_NE(server_, nullptr);
    home_ = server_->dir() + "/home";
    std::filesystem::create_directories(home_);
    kubeconfig_ = server_->WriteKubeconfig(home_);
  }

  // The binary with a clean environment: HOME has no kubeconfig, no KUBECONFIG
  // and no in-cluster variables unless a test sets them.
  ProcessResult Aicr(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), AICR_BINARY);
    ProcessOptions options;
    options.env_unset = {"AICR_DEBUG",
                         "AICR_LOG_JSON",
                         "NO_COLOR",
                         "AICR_CRITERIA_STRICT",
                         "KUBECONFIG",
                         "KUBERNETES_SERVICE_HOST",
                         "KUBERNETES_SERVICE_PORT"};
    options.env_set = std::move(env);
    options.env_set["HOME"] = home_;
    return RunProcess(args, options);
  }

  nlohmann::json GetConfigMap(const std::string& name) {
    auto res = server_->Request("GET", "/api/v1/namespaces/default/configmaps/" + name);
    EXPECT_TRUE(res);
    if (!res || res->status != 200) {
      return nlohmann::json();
    }
    return nlohmann::json::parse(res->body);
  }

  std::unique_ptr<TestApiServer> server_;
  std::string home_;
  std::string kubeconfig_;
};

const std::vector<std::string> kRecipe = {"recipe",   "--service", "eks",  "--accelerator", "h100",
                                          "--intent", "training",  "--os", "ubuntu"};

std::vector<std::string> With(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

TEST_F(ConfigMapE2eTest, RecipeRoundTripsThroughAConfigMapIntoABundle) {
  ProcessResult write =
      Aicr(With(kRecipe, {"-o", "cm://default/aicr-recipe", "--kubeconfig", kubeconfig_}));
  ASSERT_EQ(write.exit_code, 0) << write.err;
  EXPECT_TRUE(write.out.empty());

  const nlohmann::json cm = GetConfigMap("aicr-recipe");
  ASSERT_TRUE(cm.contains("data")) << cm.dump();
  EXPECT_EQ(cm["data"]["format"], "yaml");
  EXPECT_TRUE(cm["data"].contains("timestamp"));
  EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/name"], "aicr");
  EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/component"], "RecipeResult");
  // The stored document is what `-o file` writes.
  ProcessResult local = Aicr(kRecipe);
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(cm["data"]["reciperesult.yaml"], local.out);

  // Read back by bundle: the same bundle as from the file.
  const std::string dir = TestTempDir();
  const std::string file = dir + "/recipe.yaml";
  std::ofstream(file) << local.out;
  ProcessResult from_cm = Aicr({"bundle", "-r", "cm://default/aicr-recipe", "-o", dir + "/from-cm",
                                "--kubeconfig", kubeconfig_});
  ASSERT_EQ(from_cm.exit_code, 0) << from_cm.err;
  ProcessResult from_file = Aicr({"bundle", "-r", file, "-o", dir + "/from-file"});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  std::ifstream a(dir + "/from-cm/checksums.txt");
  std::ifstream b(dir + "/from-file/checksums.txt");
  std::string ca((std::istreambuf_iterator<char>(a)), {});
  std::string cb((std::istreambuf_iterator<char>(b)), {});
  EXPECT_FALSE(ca.empty());
  EXPECT_EQ(ca, cb);
}

TEST_F(ConfigMapE2eTest, SnapshotIsReadFromAConfigMap) {
  // The criteria come from the snapshot in the ConfigMap (its readings do not
  // satisfy the overlays' constraints, so resolution then stops: exit 2).
  ProcessResult r = Aicr({"recipe", "--snapshot", "cm://default/cluster-snapshot", "--intent",
                          "training", "--platform", "kubeflow", "--kubeconfig", kubeconfig_});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("criteria(service=eks, accelerator=h100, intent=training, "
                               "os=ubuntu, platform=kubeflow)"));

  ProcessResult missing = Aicr({"recipe", "--snapshot", "cm://default/nope", "--intent", "training",
                                "--kubeconfig", kubeconfig_});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("cm://default/nope"));
}

TEST_F(ConfigMapE2eTest, KubeconfigComesFromTheKubeconfigListOrHome) {
  ProcessResult listed = Aicr(With(kRecipe, {"-o", "cm://default/from-env"}),
                              {{"KUBECONFIG", home_ + "/absent.yaml:" + kubeconfig_}});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(GetConfigMap("from-env").contains("data"));

  std::filesystem::create_directories(home_ + "/.kube");
  std::filesystem::copy_file(kubeconfig_, home_ + "/.kube/config");
  ProcessResult home = Aicr(With(kRecipe, {"-o", "cm://default/from-home"}));
  ASSERT_EQ(home.exit_code, 0) << home.err;
  EXPECT_TRUE(GetConfigMap("from-home").contains("data"));
}

TEST_F(ConfigMapE2eTest, TableOutputAndOversizedDocumentsAreRefused) {
  ProcessResult table =
      Aicr(With(kRecipe, {"-t", "table", "-o", "cm://default/tbl", "--kubeconfig", kubeconfig_}));
  EXPECT_EQ(table.exit_code, 2);
  EXPECT_THAT(table.err, HasSubstr("table format cannot be written to a ConfigMap"));

  // A server whose object limit is below the document size.
  Start({"--max-object-bytes", "2048"});
  ProcessResult big =
      Aicr(With(kRecipe, {"-o", "cm://default/too-big", "--kubeconfig", kubeconfig_}));
  EXPECT_EQ(big.exit_code, 2) << big.err;
  EXPECT_THAT(big.err, HasSubstr("cm://default/too-big: the document does not fit in a ConfigMap"));
}

TEST_F(ConfigMapE2eTest, FailingExecPluginIsUnauthorizedExitFour) {
  const std::string plugin = home_ + "/failing-plugin.sh";
  std::ofstream(plugin) << "#!/bin/sh\necho 'token expired, run: cloud login' >&2\nexit 3\n";
  ::chmod(plugin.c_str(), 0755);
  const std::string config = home_ + "/exec.yaml";
  std::ofstream(config) << "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
                        << "    server: " << server_->url() << "\n"
                        << "users:\n- name: u\n  user:\n    exec:\n"
                        << "      apiVersion: client.authentication.k8s.io/v1\n"
                        << "      command: " << plugin << "\n"
                        << "      interactiveMode: Never\n"
                        << "      installHint: install the cloud CLI\n"
                        << "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                        << "current-context: x\n";
  ProcessResult r = Aicr(With(kRecipe, {"-o", "cm://default/x", "--kubeconfig", config}));
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_THAT(r.err, HasSubstr("token expired"));
  EXPECT_THAT(r.err, HasSubstr("install the cloud CLI"));
}

}  // namespace
}  // namespace aicr
