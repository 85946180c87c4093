#include "k8s/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/base64.h"
#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
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

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "aicr-kubeconfig-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
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
  Result<RestConfig> Load(const std::string& kubeconfig_env, const std::string& context = "") {
    KubeconfigOptions o;
    o.context = context;
    o.env = MapEnv({{"KUBECONFIG", kubeconfig_env}, {"HOME", dir_ + "/nohome"}});
    return LoadRestConfig(o);
  }
  Result<RestConfig> LoadOne(const std::string& text, const std::string& context = "") {
    return Load(Write("config", text), context);
  }

  std::string dir_;
};

constexpr char kFileA[] = R"(apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://a.example:6443/
    certificate-authority: ca.pem
users:
- name: alice
  user:
    token: token-a
contexts:
- name: ctx-a
  context: {cluster: shared, user: alice, namespace: team-a}
)";

constexpr char kFileB[] = R"(clusters:
- name: shared
  cluster:
    server: https://b.example
- name: only-b
  cluster:
    server: https://only-b.example
    insecure-skip-tls-verify: true
users:
- name: alice
  user:
    token: token-b
- name: bob
  user:
    client-certificate: ../certs/bob.crt
    client-key: ../certs/bob.key
contexts:
- name: ctx-a
  context: {cluster: only-b, user: bob}
- name: ctx-b
  context: {cluster: only-b, user: bob}
current-context: ctx-b
)";

constexpr char kFileC[] = R"(current-context: ctx-a
contexts:
- name: ctx-c
  context: {cluster: shared, user: alice}
)";

TEST_F(KubeconfigTest, MergesKubeconfigListFirstDefinitionWins) {
  const std::string a = Write("a/config", kFileA);
  Write("a/ca.pem", "CA-A\n");
  const std::string b = Write("b/sub/config", kFileB);
  Write("b/certs/bob.crt", "CERT-BOB");
  Write("b/certs/bob.key", "KEY-BOB");
  const std::string c = Write("c/config", kFileC);

  KubeconfigOptions o;
  o.env = MapEnv({{"KUBECONFIG", "::" + dir_ + "/missing:" + a + ":" + b + "::" + c + ":" + a}});
  Result<Kubeconfig> kc = LoadKubeconfig(o);
  ASSERT_THAT(kc, IsOk());
  EXPECT_THAT(kc->files, ElementsAre(a, b, c));
  // current-context comes from the first file that sets one (b), not the last (c).
  EXPECT_EQ(kc->current_context, "ctx-b");
  EXPECT_EQ(kc->clusters.at("shared").file, a);
  EXPECT_EQ(kc->users.at("alice").file, a);
  EXPECT_EQ(kc->contexts.at("ctx-a").file, a);
  EXPECT_EQ(kc->contexts.at("ctx-c").file, c);

  // current context ctx-b: cluster only-b (insecure) and user bob with files
  // relative to b's directory.
  Result<RestConfig> rc = RestConfigFromKubeconfig(*kc, "");
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://only-b.example");
  EXPECT_TRUE(rc->insecure_skip_tls_verify);
  EXPECT_EQ(rc->auth.client_certificate_pem, "CERT-BOB");
  EXPECT_EQ(rc->auth.client_key_pem, "KEY-BOB");
  EXPECT_EQ(rc->ns, "default");
  EXPECT_EQ(rc->source, "context \"ctx-b\" in " + b);

  // ctx-a from file a (not b's redefinition): cluster "shared" from a with its CA
  // relative to a's directory, user alice with a's token.
  rc = RestConfigFromKubeconfig(*kc, "ctx-a");
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://a.example:6443");
  EXPECT_EQ(rc->ca_pem, "CA-A\n");
  EXPECT_EQ(rc->auth.token, "token-a");
  EXPECT_EQ(rc->ns, "team-a");

  // ctx-c, defined in c, uses entries defined in a.
  rc = RestConfigFromKubeconfig(*kc, "ctx-c");
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://a.example:6443");
  EXPECT_EQ(rc->ca_pem, "CA-A\n");
}

TEST_F(KubeconfigTest, CurrentContextFromFirstFileThatSetsIt) {
  const std::string c = Write("c/config", kFileC);
  const std::string b = Write("b/sub/config", kFileB);
  KubeconfigOptions o;
  o.env = MapEnv({{"KUBECONFIG", c + ":" + b}});
  Result<Kubeconfig> kc = LoadKubeconfig(o);
  ASSERT_THAT(kc, IsOk());
  EXPECT_EQ(kc->current_context, "ctx-a");
  EXPECT_EQ(kc->current_context_file, c);
}

TEST_F(KubeconfigTest, ExplicitPathIsTheOnlyFile) {
  const std::string a = Write("a/config", kFileA);
  Write("a/ca.pem", "CA-A\n");
  const std::string b = Write("b/sub/config", kFileB);
  KubeconfigOptions o;
  o.explicit_path = a;
  o.context = "ctx-a";
  o.env = MapEnv({{"KUBECONFIG", b}});
  Result<RestConfig> rc = LoadRestConfig(o);
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://a.example:6443");

  o.explicit_path = dir_ + "/nope";
  EXPECT_THAT(LoadRestConfig(o), StatusIs(ErrorCode::kNotFound,
                                          "kubeconfig " + dir_ + "/nope (--kubeconfig) not found"));
}

TEST_F(KubeconfigTest, HomeConfigWhenKubeconfigUnset) {
  const std::string home_config = Write("home/.kube/config", kFileB);
  KubeconfigOptions o;
  o.env = MapEnv({{"HOME", dir_ + "/home"}});
  EXPECT_THAT(KubeconfigFiles(o), ElementsAre(home_config));
  // An empty KUBECONFIG counts as unset.
  o.env = MapEnv({{"HOME", dir_ + "/home"}, {"KUBECONFIG", ""}});
  EXPECT_THAT(KubeconfigFiles(o), ElementsAre(home_config));
  // A set KUBECONFIG replaces the home file even when its files are missing.
  o.env = MapEnv({{"HOME", dir_ + "/home"}, {"KUBECONFIG", dir_ + "/missing"}});
  EXPECT_TRUE(KubeconfigFiles(o).empty());
}

TEST_F(KubeconfigTest, NothingFoundSaysWhereItLooked) {
  KubeconfigOptions o;
  o.env = MapEnv({{"HOME", dir_ + "/home"}});
  EXPECT_THAT(LoadRestConfig(o),
              StatusIs(ErrorCode::kNotFound,
                       "no kubeconfig found (looked for KUBECONFIG (unset) and " + dir_ +
                           "/home/.kube/config); pass --kubeconfig or set KUBECONFIG"));
  o.env = MapEnv({{"KUBECONFIG", dir_ + "/x:" + dir_ + "/y"}});
  EXPECT_THAT(LoadRestConfig(o), StatusIs(ErrorCode::kNotFound,
                                          HasSubstr("KUBECONFIG=" + dir_ + "/x:" + dir_ + "/y")));
}

TEST_F(KubeconfigTest, MissingPiecesAreNamed) {
  const std::string path = Write("config", R"(clusters:
- name: c
  cluster: {server: "https://c"}
- name: noserver
  cluster: {}
contexts:
- name: no-cluster
  context: {cluster: gone, user: u}
- name: no-user
  context: {cluster: c, user: ghost}
- name: empty-server
  context: {cluster: noserver}
- name: anonymous
  context: {cluster: c}
)");
  EXPECT_THAT(Load(path), StatusIs(ErrorCode::kInvalidRequest,
                                   "no context selected: current-context is not set in " + path +
                                       " (pass --context)"));
  EXPECT_THAT(Load(path, "nope"),
              StatusIs(ErrorCode::kNotFound, "context \"nope\" not found in " + path));
  EXPECT_THAT(Load(path, "no-cluster"),
              StatusIs(ErrorCode::kNotFound,
                       "cluster \"gone\" (of context \"no-cluster\") not found in " + path));
  EXPECT_THAT(Load(path, "no-user"),
              StatusIs(ErrorCode::kNotFound,
                       "user \"ghost\" (of context \"no-user\") not found in " + path));
  EXPECT_THAT(
      Load(path, "empty-server"),
      StatusIs(ErrorCode::kInvalidRequest, "cluster \"noserver\" in " + path + ": no server"));
  Result<RestConfig> rc = Load(path, "anonymous");
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://c");
  EXPECT_TRUE(rc->auth.token.empty());
  EXPECT_FALSE(rc->auth.exec.has_value());
}

TEST_F(KubeconfigTest, MalformedFilesNameTheFile) {
  const std::string path = Write("config", "clusters: [unclosed\n");
  EXPECT_THAT(Load(path),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("kubeconfig " + path + ": yaml: ")));
  const std::string list = Write("list", "- a\n");
  EXPECT_THAT(Load(list), StatusIs(ErrorCode::kInvalidRequest,
                                   "kubeconfig " + list + ": expected a mapping, got sequence"));
  const std::string dup = Write("dup", "clusters:\n- name: x\n- name: x\n");
  EXPECT_THAT(Load(dup), StatusIs(ErrorCode::kInvalidRequest,
                                  "kubeconfig " + dup + ": clusters: duplicate name \"x\""));
  // An empty file defines nothing.
  const std::string empty = Write("empty", "");
  KubeconfigOptions o;
  o.env = MapEnv({{"KUBECONFIG", empty}});
  Result<Kubeconfig> kc = LoadKubeconfig(o);
  ASSERT_THAT(kc, IsOk());
  EXPECT_TRUE(kc->empty());
  EXPECT_THAT(kc->files, ElementsAre(empty));
}

std::string Context(const std::string& cluster, const std::string& user) {
  return "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
         "clusters:\n- name: c\n  cluster:\n" +
         cluster + "users:\n- name: u\n  user:\n" + user;
}

TEST_F(KubeconfigTest, CertificateAuthorityDataAndFile) {
  Result<RestConfig> rc = LoadOne(Context(
      "    server: https://c\n    certificate-authority-data: " + EncodeBase64("CA-DATA") + "\n",
      "    token: t\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->ca_pem, "CA-DATA");

  Write("pki/ca.crt", "CA-FILE");
  rc = LoadOne(
      Context("    server: https://c\n    certificate-authority: pki/ca.crt\n", "    token: t\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->ca_pem, "CA-FILE");

  const std::string both =
      Write("both", Context("    server: https://c\n    certificate-authority: pki/ca.crt\n"
                            "    certificate-authority-data: " +
                                EncodeBase64("x") + "\n",
                            "    token: t\n"));
  EXPECT_THAT(Load(both),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cluster \"c\" in " + both +
                           ": certificate-authority-data and certificate-authority are both set"));

  const std::string bad = Write(
      "bad",
      Context("    server: https://c\n    certificate-authority-data: '%%%'\n", "    token: t\n"));
  EXPECT_THAT(Load(bad),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cluster \"c\" in " + bad + ": certificate-authority-data: invalid base64"));

  const std::string missing = Write(
      "missing",
      Context("    server: https://c\n    certificate-authority: nope.crt\n", "    token: t\n"));
  EXPECT_THAT(Load(missing),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cluster \"c\" in " + missing + ": certificate-authority: cannot read " +
                           dir_ + "/nope.crt: no such file or directory"));
}

TEST_F(KubeconfigTest, InsecureTlsServerNameAndProxy) {
  Result<RestConfig> rc =
      LoadOne(Context("    server: https://10.0.0.1:6443\n    insecure-skip-tls-verify: true\n"
                      "    tls-server-name: kubernetes.test\n    proxy-url: http://proxy:3128\n",
                      "    token: t\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->server, "https://10.0.0.1:6443");
  EXPECT_TRUE(rc->insecure_skip_tls_verify);
  EXPECT_EQ(rc->tls_server_name, "kubernetes.test");
  EXPECT_EQ(rc->proxy_url, "http://proxy:3128");

  const std::string path =
      Write("both", Context("    server: https://c\n    insecure-skip-tls-verify: true\n"
                            "    certificate-authority-data: " +
                                EncodeBase64("CA") + "\n",
                            "    token: t\n"));
  EXPECT_THAT(Load(path), StatusIs(ErrorCode::kInvalidRequest,
                                   HasSubstr("insecure-skip-tls-verify cannot be combined")));
  const std::string typed = Write(
      "typed",
      Context("    server: https://c\n    insecure-skip-tls-verify: 'yes'\n", "    token: t\n"));
  EXPECT_THAT(Load(typed), StatusIs(ErrorCode::kInvalidRequest,
                                    "cluster \"c\" in " + typed +
                                        ": insecure-skip-tls-verify: expected bool, got string"));
}

TEST_F(KubeconfigTest, UserTokenTokenFileAndBasicAuth) {
  Result<RestConfig> rc = LoadOne(Context("    server: https://c\n", "    token: abc\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->auth.token, "abc");

  rc = LoadOne(Context("    server: https://c\n", "    tokenFile: secrets/token\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->auth.token_file, dir_ + "/secrets/token");

  rc = LoadOne(Context("    server: https://c\n", "    username: admin\n    password: s3cret\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->auth.username, "admin");
  EXPECT_EQ(rc->auth.password, "s3cret");

  const std::string both =
      Write("both", Context("    server: https://c\n", "    token: t\n    username: u\n"));
  EXPECT_THAT(Load(both), StatusIs(ErrorCode::kInvalidRequest,
                                   "user \"u\" in " + both +
                                       ": more than one authentication method (token and basic "
                                       "auth); only one is allowed"));
}

TEST_F(KubeconfigTest, ClientCertificateDataAndFile) {
  Result<RestConfig> rc = LoadOne(Context(
      "    server: https://c\n", "    client-certificate-data: " + EncodeBase64("CERT") +
                                     "\n    client-key-data: " + EncodeBase64("KEY") + "\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->auth.client_certificate_pem, "CERT");
  EXPECT_EQ(rc->auth.client_key_pem, "KEY");

  Write("tls/client.crt", "CERT-FILE");
  Write("tls/client.key", "KEY-FILE");
  rc = LoadOne(Context(
      "    server: https://c\n",
      "    client-certificate: tls/client.crt\n    client-key: " + dir_ + "/tls/client.key\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->auth.client_certificate_pem, "CERT-FILE");
  EXPECT_EQ(rc->auth.client_key_pem, "KEY-FILE");

  const std::string half =
      Write("half", Context("    server: https://c\n", "    client-certificate: tls/client.crt\n"));
  EXPECT_THAT(Load(half),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("client-certificate and client-key must be set together")));
  const std::string bad =
      Write("bad", Context("    server: https://c\n",
                           "    client-key-data: 'a=b'\n    client-certificate-data: QQ==\n"));
  EXPECT_THAT(Load(bad), StatusIs(ErrorCode::kInvalidRequest,
                                  "user \"u\" in " + bad + ": client-key-data: invalid base64"));
}

TEST_F(KubeconfigTest, ExecPluginAndClusterExtension) {
  const std::string path = Write("config", R"(current-context: x
contexts:
- name: x
  context: {cluster: c, user: u}
clusters:
- name: c
  cluster:
    server: https://c
    extensions:
    - name: other
      extension: {ignored: true}
    - name: client.authentication.k8s.io/exec
      extension:
        audience: my-cluster
        region: 1
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/plugin
      args: [get-token, --cluster, c]
      env:
      - {name: A, value: "1"}
      - {name: B, value: two}
      interactiveMode: Never
      provideClusterInfo: true
      installHint: install it with make plugin
)");
  Result<RestConfig> rc = Load(path);
  ASSERT_THAT(rc, IsOk());
  ASSERT_TRUE(rc->auth.exec.has_value());
  const ExecConfig& e = *rc->auth.exec;
  EXPECT_EQ(e.api_version, "client.authentication.k8s.io/v1");
  EXPECT_EQ(e.command, dir_ + "/bin/plugin");
  EXPECT_THAT(e.args, ElementsAre("get-token", "--cluster", "c"));
  EXPECT_THAT(e.env, ElementsAre(std::pair<std::string, std::string>("A", "1"),
                                 std::pair<std::string, std::string>("B", "two")));
  EXPECT_EQ(e.interactive_mode, "Never");
  EXPECT_TRUE(e.provide_cluster_info);
  EXPECT_EQ(e.install_hint, "install it with make plugin");
  EXPECT_EQ(e.cluster_config_json, R"({"audience":"my-cluster","region":1})");
}

TEST_F(KubeconfigTest, ExecCommandWithoutSlashIsLookedUpInPath) {
  Result<RestConfig> rc = LoadOne(Context(
      "    server: https://c\n",
      "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n"));
  ASSERT_THAT(rc, IsOk());
  EXPECT_EQ(rc->auth.exec->command, "aws");
  EXPECT_EQ(rc->auth.exec->interactive_mode, "");
  EXPECT_EQ(rc->auth.exec->cluster_config_json, "");
}

TEST_F(KubeconfigTest, ExecValidation) {
  const std::string v1_no_mode =
      Write("a", Context("    server: https://c\n",
                         "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                         "      command: p\n"));
  EXPECT_THAT(
      Load(v1_no_mode),
      StatusIs(ErrorCode::kInvalidRequest,
               "user \"u\" in " + v1_no_mode +
                   ": exec: interactiveMode is required for client.authentication.k8s.io/v1"));
  const std::string alpha =
      Write("b", Context("    server: https://c\n",
                         "    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n"
                         "      command: p\n"));
  EXPECT_THAT(Load(alpha), StatusIs(ErrorCode::kInvalidRequest,
                                    HasSubstr("unsupported apiVersion "
                                              "\"client.authentication.k8s.io/v1alpha1\"")));
  const std::string no_command =
      Write("c", Context("    server: https://c\n",
                         "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"));
  EXPECT_THAT(Load(no_command),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("exec: command is required")));
  const std::string bad_mode =
      Write("d", Context("    server: https://c\n",
                         "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                         "      command: p\n      interactiveMode: Sometimes\n"));
  EXPECT_THAT(Load(bad_mode), StatusIs(ErrorCode::kInvalidRequest,
                                       HasSubstr("invalid interactiveMode \"Sometimes\"")));
}

TEST_F(KubeconfigTest, LegacyAuthProviderAndImpersonationAreRejected) {
  const std::string gcp =
      Write("gcp", Context("    server: https://c\n",
                           "    auth-provider:\n      name: gcp\n      config: {}\n"));
  EXPECT_THAT(Load(gcp), StatusIs(ErrorCode::kInvalidRequest,
                                  AllOf(HasSubstr("auth-provider \"gcp\" is not supported"),
                                        HasSubstr("exec credential plugin"))));
  const std::string as = Write("as", Context("    server: https://c\n", "    as: someone\n"));
  EXPECT_THAT(Load(as), StatusIs(ErrorCode::kInvalidRequest,
                                 HasSubstr("impersonation (as) is not supported")));
  const std::string empty_as =
      Write("empty-as", Context("    server: https://c\n", "    as: ''\n    as-groups: []\n"));
  EXPECT_THAT(Load(empty_as), IsOk());
}

}  // namespace
}  // namespace aicr::k8s
