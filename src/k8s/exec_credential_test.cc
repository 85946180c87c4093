#include "k8s/exec_credential.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/base64.h"
#include "base/error_code.h"
#include "k8s/kubeconfig.h"
#include "serialize/json_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kV1[] = "client.authentication.k8s.io/v1";
constexpr char kV1beta1[] = "client.authentication.k8s.io/v1beta1";

// 2030-01-01T00:00:00Z
std::chrono::system_clock::time_point Base() {
  return std::chrono::sys_days(std::chrono::year(2030) / 1 / 1);
}

class ExecCredentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "aicr-exec-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes an executable /bin/sh script that appends a line to `calls` each run.
  std::string Script(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::trunc) << "#!/bin/sh\necho run >> '" << dir_ << "/calls'\n"
                                         << body;
    chmod(path.c_str(), 0755);
    return path;
  }
  // A script printing an ExecCredential with `status` (a JSON object body).
  std::string CredentialScript(const std::string& api_version, const std::string& status) {
    return Script("plugin", "cat <<'EOF'\n{\"apiVersion\":\"" + api_version +
                                "\",\"kind\":\"ExecCredential\",\"status\":" + status + "}\nEOF\n");
  }
  int Calls() const {
    std::ifstream in(dir_ + "/calls");
    int n = 0;
    std::string line;
    while (std::getline(in, line)) {
      ++n;
    }
    return n;
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(dir_ + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  RestConfig Config(const std::string& command, const std::string& api_version = kV1) {
    RestConfig rc;
    rc.server = "https://api.example:6443";
    rc.auth.exec = ExecConfig{};
    rc.auth.exec->api_version = api_version;
    rc.auth.exec->command = command;
    rc.auth.exec->interactive_mode = "Never";
    rc.auth.exec->install_hint = "install the plugin with: make plugin";
    return rc;
  }
  ExecPluginOptions Options() {
    ExecPluginOptions o;
    o.clock = &clock_;
    o.stdin_is_terminal = false;
    return o;
  }

  std::string dir_;
  FakeClock clock_{Base()};
};

TEST_F(ExecCredentialTest, V1TokenWithArgsAndEnv) {
  const std::string plugin = Script(
      "plugin",
      "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '" + dir_ + "/info'\n" +
          "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
          "\"status\":{\"token\":\"%s-%s-%s-%s\"}}' \"$1\" \"$2\" \"$PLUGIN_A\" \"$PLUGIN_B\"\n");
  RestConfig rc = Config(plugin);
  rc.auth.exec->args = {"get token", "--flag"};
  rc.auth.exec->env = {{"PLUGIN_A", "alpha"}, {"PLUGIN_B", "x"}, {"PLUGIN_B", "beta"}};
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(rc, Options());
  Result<RequestCredentials> c = s->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "Bearer get token---flag-alpha-beta");
  EXPECT_EQ(c->client_certificate_pem, "");
  // Without provideClusterInfo there is no spec.cluster.
  EXPECT_EQ(Read("info"),
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
            R"("spec":{"interactive":false}})");
}

TEST_F(ExecCredentialTest, V1beta1Token) {
  const std::string plugin = CredentialScript(kV1beta1, R"({"token":"beta-token"})");
  RestConfig rc = Config(plugin, kV1beta1);
  rc.auth.exec->interactive_mode = "";
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(rc, Options());
  Result<RequestCredentials> c = s->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "Bearer beta-token");
}

TEST_F(ExecCredentialTest, InheritsTheProcessEnvironment) {
  setenv("AICR_EXEC_TEST_INHERITED", "from-parent", 1);
  const std::string plugin = Script(
      "plugin",
      "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
      "\"status\":{\"token\":\"%s\"}}' \"$AICR_EXEC_TEST_INHERITED\"\n");
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(Config(plugin), Options());
  Result<RequestCredentials> c = s->Get(CancelToken::None());
  unsetenv("AICR_EXEC_TEST_INHERITED");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "Bearer from-parent");
}

TEST_F(ExecCredentialTest, ExecInfoWithClusterInfo) {
  const std::string plugin =
      Script("plugin", "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '" + dir_ +
                           "/info'\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                           "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'\n");
  RestConfig rc = Config(plugin);
  rc.ca_pem = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
  rc.tls_server_name = "kubernetes.test";
  rc.proxy_url = "http://proxy:3128";
  rc.auth.exec->provide_cluster_info = true;
  rc.auth.exec->cluster_config_json = R"({"audience":"aud","n":1})";
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(rc, Options());
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  Result<serialize::Value> info = serialize::ParseJson(Read("info"));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(*info->FindPath("apiVersion")->if_string(), kV1);
  EXPECT_EQ(*info->FindPath("kind")->if_string(), "ExecCredential");
  EXPECT_EQ(*info->FindPath("spec.interactive")->if_bool(), false);
  EXPECT_EQ(*info->FindPath("spec.cluster.server")->if_string(), "https://api.example:6443");
  EXPECT_EQ(*info->FindPath("spec.cluster.certificate-authority-data")->if_string(),
            EncodeBase64(rc.ca_pem));
  EXPECT_EQ(*info->FindPath("spec.cluster.tls-server-name")->if_string(), "kubernetes.test");
  EXPECT_EQ(*info->FindPath("spec.cluster.proxy-url")->if_string(), "http://proxy:3128");
  EXPECT_EQ(info->FindPath("spec.cluster.insecure-skip-tls-verify"), nullptr);
  EXPECT_EQ(*info->FindPath("spec.cluster.config.audience")->if_string(), "aud");
  EXPECT_EQ(*info->FindPath("spec.cluster.config.n")->if_int(), 1);

  rc.ca_pem.clear();
  rc.insecure_skip_tls_verify = true;
  rc.auth.exec->cluster_config_json.clear();
  Result<std::string> text = BuildExecInfo(rc, true);
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(*text,
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
            R"("spec":{"cluster":{"insecure-skip-tls-verify":true,"proxy-url":"http://proxy:3128",)"
            R"("server":"https://api.example:6443","tls-server-name":"kubernetes.test"},)"
            R"("interactive":true}})");
}

TEST_F(ExecCredentialTest, CachedUntilExpiration) {
  const std::string plugin =
      CredentialScript(kV1, R"({"token":"t1","expirationTimestamp":"2030-01-01T01:00:00Z"})");
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(Config(plugin), Options());
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  EXPECT_EQ(Calls(), 1);
  clock_.Advance(std::chrono::minutes(59));
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  EXPECT_EQ(Calls(), 1);
  // Within the 10 s skew of expiry: refreshed.
  clock_.Advance(std::chrono::seconds(55));
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  EXPECT_EQ(Calls(), 2);
  // The plugin keeps returning the same (now past) expiry: every call refreshes.
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  EXPECT_EQ(Calls(), 3);
}

TEST_F(ExecCredentialTest, RefreshedAfterExpiryWithNewToken) {
  // Each run returns token-<n> where n counts the runs.
  const std::string plugin =
      Script("plugin", "n=$(wc -l < '" + dir_ +
                           "/calls')\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                           "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"token-%s\","
                           "\"expirationTimestamp\":\"2030-01-01T00:10:00.5+00:00\"}}' $n\n");
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(Config(plugin), Options());
  Result<RequestCredentials> c = s->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "Bearer token-1");
  clock_.Advance(std::chrono::minutes(11));
  c = s->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "Bearer token-2");
}

TEST_F(ExecCredentialTest, WithoutExpiryCachedUntilInvalidate) {
  const std::string plugin = CredentialScript(kV1, R"({"token":"forever"})");
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(Config(plugin), Options());
  EXPECT_TRUE(s->Refreshable());
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  clock_.Advance(std::chrono::hours(24 * 365));
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  EXPECT_EQ(Calls(), 1);
  s->Invalidate();
  ASSERT_THAT(s->Get(CancelToken::None()), IsOk());
  EXPECT_EQ(Calls(), 2);
}

TEST_F(ExecCredentialTest, ConcurrentCallersRunThePluginOnce) {
  const std::string plugin =
      Script("plugin",
             "sleep 0.2\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
             "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"shared\"}}'\n");
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(Config(plugin), Options());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      Result<RequestCredentials> c = s->Get(CancelToken::None());
      if (c.ok() && c->authorization == "Bearer shared") {
        ++ok;
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), 6);
  EXPECT_EQ(Calls(), 1);
}

TEST_F(ExecCredentialTest, ClientCertificateCredentials) {
  const std::string plugin = CredentialScript(
      kV1, R"({"clientCertificateData":"-----CERT-----\n","clientKeyData":"-----KEY-----\n"})");
  RestConfig rc = Config(plugin);
  rc.auth.client_certificate_pem = "STATIC-CERT";
  rc.auth.client_key_pem = "STATIC-KEY";
  std::shared_ptr<CredentialSource> s = MakeExecCredentialSource(rc, Options());
  Result<RequestCredentials> c = s->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "");
  EXPECT_EQ(c->client_certificate_pem, "-----CERT-----\n");
  EXPECT_EQ(c->client_key_pem, "-----KEY-----\n");
}

TEST_F(ExecCredentialTest, StaticClientCertificateAccompaniesAPluginToken) {
  const std::string plugin = CredentialScript(kV1, R"({"token":"tok"})");
  RestConfig rc = Config(plugin);
  rc.auth.client_certificate_pem = "STATIC-CERT";
  rc.auth.client_key_pem = "STATIC-KEY";
  Result<RequestCredentials> c = MakeExecCredentialSource(rc, Options())->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "Bearer tok");
  EXPECT_EQ(c->client_certificate_pem, "STATIC-CERT");
}

TEST_F(ExecCredentialTest, FailingPluginIsUnauthorizedWithStderrAndHint) {
  const std::string plugin =
      Script("plugin", "echo 'error: login required' >&2\necho 'run: plugin login' >&2\nexit 3\n");
  Result<RequestCredentials> c =
      MakeExecCredentialSource(Config(plugin), Options())->Get(CancelToken::None());
  EXPECT_THAT(c, StatusIs(ErrorCode::kUnauthorized,
                          "exec plugin \"" + plugin +
                              "\": exited with status 3: stderr: error: login required; run: "
                              "plugin login; install the plugin with: make plugin"));
  EXPECT_EQ(ExitCodeFor(c.status()), 4);
}

TEST_F(ExecCredentialTest, MissingCommandMentionsInstallHint) {
  RestConfig rc = Config("aicr-no-such-credential-plugin");
  Result<RequestCredentials> c = MakeExecCredentialSource(rc, Options())->Get(CancelToken::None());
  EXPECT_THAT(c, StatusIs(ErrorCode::kUnauthorized,
                          "exec plugin \"aicr-no-such-credential-plugin\": executable not found; "
                          "install the plugin with: make plugin"));
}

TEST_F(ExecCredentialTest, WrongApiVersion) {
  const std::string plugin = CredentialScript(kV1beta1, R"({"token":"t"})");
  Result<RequestCredentials> c =
      MakeExecCredentialSource(Config(plugin), Options())->Get(CancelToken::None());
  EXPECT_THAT(c, StatusIs(ErrorCode::kUnauthorized,
                          HasSubstr("plugin returned apiVersion "
                                    "\"client.authentication.k8s.io/v1beta1\", configured "
                                    "\"client.authentication.k8s.io/v1\"")));
}

TEST_F(ExecCredentialTest, InvalidJsonAndMissingCredential) {
  std::string plugin = Script("plugin", "echo 'not json'\necho 'oops' >&2\n");
  EXPECT_THAT(MakeExecCredentialSource(Config(plugin), Options())->Get(CancelToken::None()),
              StatusIs(ErrorCode::kUnauthorized,
                       AllOf(HasSubstr("invalid ExecCredential on stdout: json: "),
                             HasSubstr("stderr: oops"), HasSubstr("make plugin"))));
  plugin = CredentialScript(kV1, R"({})");
  EXPECT_THAT(MakeExecCredentialSource(Config(plugin), Options())->Get(CancelToken::None()),
              StatusIs(ErrorCode::kUnauthorized,
                       HasSubstr("plugin returned neither a token nor a client certificate")));
  plugin = CredentialScript(kV1, R"({"clientCertificateData":"C"})");
  EXPECT_THAT(MakeExecCredentialSource(Config(plugin), Options())->Get(CancelToken::None()),
              StatusIs(ErrorCode::kUnauthorized, HasSubstr("only one of")));
  plugin = CredentialScript(kV1, R"({"token":"t","expirationTimestamp":"tomorrow"})");
  EXPECT_THAT(
      MakeExecCredentialSource(Config(plugin), Options())->Get(CancelToken::None()),
      StatusIs(ErrorCode::kUnauthorized,
               HasSubstr("status.expirationTimestamp: invalid RFC 3339 time \"tomorrow\"")));
  plugin = Script("plugin", "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\"}'\n");
  EXPECT_THAT(MakeExecCredentialSource(Config(plugin), Options())->Get(CancelToken::None()),
              StatusIs(ErrorCode::kUnauthorized, HasSubstr("kind other than ExecCredential")));
}

TEST_F(ExecCredentialTest, TimeoutKillsThePlugin) {
  const std::string plugin = Script("plugin", "echo 'waiting for browser' >&2\nsleep 30\n");
  ExecPluginOptions o = Options();
  o.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  Result<RequestCredentials> c =
      MakeExecCredentialSource(Config(plugin), o)->Get(CancelToken::None());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_THAT(c,
              StatusIs(ErrorCode::kUnauthorized, AllOf(HasSubstr("timed out after 300ms"),
                                                       HasSubstr("stderr: waiting for browser"))));
}

TEST_F(ExecCredentialTest, InteractiveModes) {
  const std::string plugin =
      Script("plugin", "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '" + dir_ +
                           "/info'\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                           "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'\n");
  RestConfig rc = Config(plugin);
  ExecPluginOptions o = Options();

  rc.auth.exec->interactive_mode = "Always";
  EXPECT_THAT(
      RunExecPlugin(rc, o, CancelToken::None()),
      StatusIs(ErrorCode::kUnauthorized,
               HasSubstr("interactiveMode is Always but standard input is not a terminal")));
  EXPECT_EQ(Calls(), 0);

  rc.auth.exec->interactive_mode = "IfAvailable";
  ASSERT_THAT(RunExecPlugin(rc, o, CancelToken::None()), IsOk());
  EXPECT_THAT(Read("info"), HasSubstr("\"interactive\":false"));

  o.stdin_is_terminal = true;
  ASSERT_THAT(RunExecPlugin(rc, o, CancelToken::None()), IsOk());
  EXPECT_THAT(Read("info"), HasSubstr("\"interactive\":true"));

  rc.auth.exec->interactive_mode = "Never";
  ASSERT_THAT(RunExecPlugin(rc, o, CancelToken::None()), IsOk());
  EXPECT_THAT(Read("info"), HasSubstr("\"interactive\":false"));
}

TEST_F(ExecCredentialTest, CancelStopsThePlugin) {
  const std::string plugin = Script("plugin", "sleep 30\n");
  CancelToken cancel;
  std::thread t([cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.Cancel();
  });
  Result<RequestCredentials> c = MakeExecCredentialSource(Config(plugin), Options())->Get(cancel);
  t.join();
  EXPECT_THAT(c, StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
}

TEST(ParseRfc3339Test, Forms) {
  const auto base = Base();
  EXPECT_THAT(ParseRfc3339("2030-01-01T00:00:00Z"), IsOkAndHolds(base));
  EXPECT_THAT(ParseRfc3339("2030-01-01T02:30:00+02:30"), IsOkAndHolds(base));
  EXPECT_THAT(ParseRfc3339("2029-12-31T23:00:00-01:00"), IsOkAndHolds(base));
  EXPECT_THAT(ParseRfc3339("2030-01-01T00:00:01.25Z"),
              IsOkAndHolds(base + std::chrono::milliseconds(1250)));
  for (const char* bad : {"", "2030-01-01", "2030-01-01 00:00:00Z", "2030-13-01T00:00:00Z",
                          "2030-02-30T00:00:00Z", "2030-01-01T00:00:00", "2030-01-01T00:00:00.Z",
                          "2030-01-01T00:00:00+0100", "2030-01-01T24:00:00Z"}) {
    EXPECT_THAT(ParseRfc3339(bad),
                StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid RFC 3339")))
        << bad;
  }
}

}  // namespace
}  // namespace aicr::k8s
