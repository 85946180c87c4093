#include "k8s/in_cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

class InClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "aicr-incluster-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    root_ = dir_ + "/sa";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Write(const std::string& rel, const std::string& text) {
    const fs::path p = fs::path(dir_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return p.string();
  }
  void WriteServiceAccount() {
    Write("sa/token", "sa-token\n");
    Write("sa/ca.crt", "SA-CA");
    Write("sa/namespace", "workloads\n");
  }
  InClusterOptions Options(std::map<std::string, std::string> env) {
    InClusterOptions o;
    o.root = root_;
    o.env = MapEnv(std::move(env));
    return o;
  }
  ResolveOptions Resolve(std::map<std::string, std::string> env) {
    ResolveOptions o;
    o.in_cluster_root = root_;
    o.env = MapEnv(std::move(env));
    return o;
  }

  std::string dir_;
  std::string root_;
};

TEST_F(InClusterTest, ReadsTheServiceAccount) {
  WriteServiceAccount();
  InClusterOptions o =
      Options({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  EXPECT_TRUE(InClusterPossible(o));
  Result<RestConfig> rc = InClusterConfig(o);
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://10.96.0.1:443");
  EXPECT_EQ(rc->ca_pem, "SA-CA");
  EXPECT_EQ(rc->auth.token_file, root_ + "/token");
  EXPECT_TRUE(rc->auth.token.empty());
  EXPECT_EQ(rc->ns, "workloads");
  EXPECT_EQ(rc->source, "in-cluster service account");
}

TEST_F(InClusterTest, Ipv6HostIsBracketedAndPodNamespaceWins) {
  WriteServiceAccount();
  Result<RestConfig> rc = InClusterConfig(Options({{"KUBERNETES_SERVICE_HOST", "fd00::1"},
                                                   {"KUBERNETES_SERVICE_PORT", "6443"},
                                                   {"POD_NAMESPACE", "from-env"}}));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://[fd00::1]:6443");
  EXPECT_EQ(rc->ns, "from-env");
}

TEST_F(InClusterTest, MissingNamespaceFileMeansDefault) {
  Write("sa/token", "t");
  Result<RestConfig> rc = InClusterConfig(
      Options({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}}));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->ns, "default");
  EXPECT_EQ(rc->ca_pem, "");
}

TEST_F(InClusterTest, NotPossibleWithoutEnvironmentOrToken) {
  WriteServiceAccount();
  EXPECT_FALSE(InClusterPossible(Options({{"KUBERNETES_SERVICE_HOST", "h"}})));
  EXPECT_THAT(InClusterConfig(Options({{"KUBERNETES_SERVICE_HOST", "h"}})),
              StatusIs(ErrorCode::kNotFound, HasSubstr("KUBERNETES_SERVICE_PORT must be set")));
  fs::remove(root_ + "/token");
  InClusterOptions o =
      Options({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}});
  EXPECT_FALSE(InClusterPossible(o));
  EXPECT_THAT(
      InClusterConfig(o),
      StatusIs(ErrorCode::kInvalidRequest,
               HasSubstr("in-cluster service account token: cannot read " + root_ + "/token")));
}

constexpr char kKubeconfig[] = R"(current-context: x
contexts:
- name: x
  context: {cluster: c}
clusters:
- name: c
  cluster: {server: "https://from-kubeconfig"}
)";

TEST_F(InClusterTest, ResolverPrefersKubeconfigFilesOverInCluster) {
  WriteServiceAccount();
  const std::string kc = Write("kc/config", kKubeconfig);
  std::map<std::string, std::string> env = {{"KUBERNETES_SERVICE_HOST", "10.0.0.1"},
                                            {"KUBERNETES_SERVICE_PORT", "443"},
                                            {"HOME", dir_ + "/home"}};
  // No kubeconfig anywhere: the service account.
  Result<RestConfig> rc = ResolveRestConfig(Resolve(env));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://10.0.0.1:443");

  // KUBECONFIG names only missing files: still in-cluster.
  env["KUBECONFIG"] = dir_ + "/missing";
  rc = ResolveRestConfig(Resolve(env));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://10.0.0.1:443");

  // A KUBECONFIG file that defines something wins over in-cluster.
  env["KUBECONFIG"] = kc;
  rc = ResolveRestConfig(Resolve(env));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://from-kubeconfig");

  // So does ~/.kube/config.
  env.erase("KUBECONFIG");
  Write("home/.kube/config", kKubeconfig);
  rc = ResolveRestConfig(Resolve(env));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://from-kubeconfig");
}

TEST_F(InClusterTest, ResolverExplicitKubeconfigNeverFallsBackToInCluster) {
  WriteServiceAccount();
  ResolveOptions o =
      Resolve({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  o.explicit_kubeconfig = dir_ + "/absent";
  EXPECT_THAT(ResolveRestConfig(o),
              StatusIs(ErrorCode::kNotFound, HasSubstr("(--kubeconfig) not found")));
  o.explicit_kubeconfig = Write("explicit", kKubeconfig);
  Result<RestConfig> rc = ResolveRestConfig(o);
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://from-kubeconfig");
}

TEST_F(InClusterTest, ResolverWithAContextNeedsAKubeconfig) {
  WriteServiceAccount();
  ResolveOptions o = Resolve({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"},
                              {"KUBERNETES_SERVICE_PORT", "443"},
                              {"HOME", dir_ + "/home"}});
  o.context = "prod";
  EXPECT_THAT(ResolveRestConfig(o),
              StatusIs(ErrorCode::kNotFound, HasSubstr("no kubeconfig found")));
}

TEST_F(InClusterTest, ResolverNothingFoundExplainsEverything) {
  EXPECT_THAT(
      ResolveRestConfig(Resolve({{"HOME", dir_ + "/home"}})),
      StatusIs(ErrorCode::kNotFound,
               "no Kubernetes configuration found: looked for KUBECONFIG (unset) and " + dir_ +
                   "/home/.kube/config and the in-cluster service account "
                   "(KUBERNETES_SERVICE_HOST unset); pass --kubeconfig or set KUBECONFIG"));
  EXPECT_THAT(ResolveRestConfig(Resolve({{"HOME", dir_ + "/home"},
                                         {"KUBERNETES_SERVICE_HOST", "h"},
                                         {"KUBERNETES_SERVICE_PORT", "1"}})),
              StatusIs(ErrorCode::kNotFound, HasSubstr("(no token at " + root_ + "/token)")));
}

}  // namespace
}  // namespace aicr::k8s
