#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "base/status_macros.h"
#include "k8s/credentials.h"
#include "k8s/in_cluster.h"
#include "k8s/kubeconfig.h"
#include "k8s/transport.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class CredentialSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "aicr-creds-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string p = dir_ + "/" + name;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return p;
  }
  static std::string Authorization(CredentialSource& source) {
    Result<RequestCredentials> c = source.Get(CancelToken::None());
    return c.ok() ? c->authorization : "error: " + c.status().ToString();
  }

  std::string dir_;
};

TEST_F(CredentialSourceTest, StaticToken) {
  RestConfig rc;
  rc.auth.token = "abc";
  Result<std::shared_ptr<CredentialSource>> s = MakeCredentialSource(rc);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(Authorization(**s), "Bearer abc");
  EXPECT_FALSE((*s)->Refreshable());
  (*s)->Invalidate();
  EXPECT_EQ(Authorization(**s), "Bearer abc");
}

TEST_F(CredentialSourceTest, BasicAuthHeader) {
  RestConfig rc;
  rc.auth.username = "admin";
  rc.auth.password = "p@ss:word";
  Result<std::shared_ptr<CredentialSource>> s = MakeCredentialSource(rc);
  ASSERT_THAT(s, IsOk());
  // base64("admin:p@ss:word")
  EXPECT_EQ(Authorization(**s), "Basic YWRtaW46cEBzczp3b3Jk");
}

TEST_F(CredentialSourceTest, TokenWinsOverBasicAuth) {
  RestConfig rc;
  rc.auth.token = "t";
  rc.auth.username = "u";
  Result<std::shared_ptr<CredentialSource>> s = MakeCredentialSource(rc);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(Authorization(**s), "Bearer t");
}

TEST_F(CredentialSourceTest, ClientCertificate) {
  RestConfig rc;
  rc.auth.client_certificate_pem = "CERT";
  rc.auth.client_key_pem = "KEY";
  Result<std::shared_ptr<CredentialSource>> s = MakeCredentialSource(rc);
  ASSERT_THAT(s, IsOk());
  Result<RequestCredentials> c = (*s)->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "");
  EXPECT_EQ(c->client_certificate_pem, "CERT");
  EXPECT_EQ(c->client_key_pem, "KEY");

  rc.auth.client_key_pem.clear();
  EXPECT_THAT(
      MakeCredentialSource(rc),
      StatusIs(ErrorCode::kInvalidRequest, "credentials: a client certificate needs its key"));
}

TEST_F(CredentialSourceTest, NoCredentials) {
  Result<std::shared_ptr<CredentialSource>> s = MakeCredentialSource(RestConfig{});
  ASSERT_THAT(s, IsOk());
  Result<RequestCredentials> c = (*s)->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "");
  EXPECT_EQ(c->client_certificate_pem, "");
}

TEST_F(CredentialSourceTest, CanceledTokenIsReported) {
  RestConfig rc;
  rc.auth.token = "abc";
  Result<std::shared_ptr<CredentialSource>> s = MakeCredentialSource(rc);
  ASSERT_THAT(s, IsOk());
  CancelToken cancel;
  cancel.Cancel();
  EXPECT_THAT((*s)->Get(cancel), StatusIs(ErrorCode::kCanceled, "operation canceled"));
}

TEST_F(CredentialSourceTest, TokenFileIsReReadWhenItChanges) {
  const std::string path = Write("token", "first-token\n");
  RestConfig rc;
  rc.auth.token_file = path;
  rc.auth.client_certificate_pem = "CERT";
  rc.auth.client_key_pem = "KEY";
  Result<std::shared_ptr<CredentialSource>> s = MakeCredentialSource(rc);
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE((*s)->Refreshable());
  Result<RequestCredentials> c = (*s)->Get(CancelToken::None());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->authorization, "Bearer first-token");
  EXPECT_EQ(c->client_certificate_pem, "CERT");

  // A different size is noticed at once.
  Write("token", "second-token-longer");
  EXPECT_EQ(Authorization(**s), "Bearer second-token-longer");

  // Same size, new modification time: noticed too.
  Write("token", "third--token-longer");
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(5));
  EXPECT_EQ(Authorization(**s), "Bearer third--token-longer");
}

TEST_F(CredentialSourceTest, TokenFileIsReReadAfterInvalidateAndMaxAge) {
  const std::string path = Write("token", "aaaa");
  const auto mtime = fs::last_write_time(path);
  std::shared_ptr<CredentialSource> s =
      MakeTokenFileCredentialSource(path, std::chrono::milliseconds(200));
  EXPECT_EQ(Authorization(*s), "Bearer aaaa");

  // Same size and the same mtime: only Invalidate() or the age forces a re-read.
  Write("token", "bbbb");
  fs::last_write_time(path, mtime);
  EXPECT_EQ(Authorization(*s), "Bearer aaaa");
  s->Invalidate();
  EXPECT_EQ(Authorization(*s), "Bearer bbbb");

  Write("token", "cccc");
  fs::last_write_time(path, mtime);
  EXPECT_EQ(Authorization(*s), "Bearer bbbb");
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_EQ(Authorization(*s), "Bearer cccc");
}

TEST_F(CredentialSourceTest, TokenFileKeepsLastGoodTokenAndFailsWithoutOne) {
  const std::string path = Write("token", "good");
  std::shared_ptr<CredentialSource> s = MakeTokenFileCredentialSource(path);
  EXPECT_EQ(Authorization(*s), "Bearer good");
  fs::remove(path);
  s->Invalidate();
  EXPECT_EQ(Authorization(*s), "Bearer good");

  std::shared_ptr<CredentialSource> missing = MakeTokenFileCredentialSource(dir_ + "/absent");
  Result<RequestCredentials> c = missing->Get(CancelToken::None());
  EXPECT_THAT(c, StatusIs(ErrorCode::kUnauthorized,
                          "token file " + dir_ + "/absent: no such file or directory"));
  Write("empty", " \n");
  std::shared_ptr<CredentialSource> empty = MakeTokenFileCredentialSource(dir_ + "/empty");
  EXPECT_THAT(empty->Get(CancelToken::None()),
              StatusIs(ErrorCode::kUnauthorized, "token file " + dir_ + "/empty is empty"));
}

TEST_F(CredentialSourceTest, ExecConfigMakesARefreshableSource) {
  RestConfig rc;
  rc.auth.exec = ExecConfig{};
  rc.auth.exec->api_version = "client.authentication.k8s.io/v1";
  rc.auth.exec->command = "true";
  rc.auth.exec->interactive_mode = "Never";
  Result<std::shared_ptr<CredentialSource>> s = MakeCredentialSource(rc);
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE((*s)->Refreshable());
  // `true` prints nothing: no credential.
  EXPECT_THAT((*s)->Get(CancelToken::None()),
              StatusIs(ErrorCode::kUnauthorized, HasSubstr("exec plugin \"true\": ")));
}

// End to end against the test API server: the transport's 401 handling refreshes
// an exec plugin's token and a token file's token.
class CredentialRefreshE2ETest : public CredentialSourceTest {
 protected:
  void StartServer() {
    testing::TestApiServerOptions o;
    o.args = {"--token", "bootstrap=admin,system:masters"};
    server_ = testing::TestApiServer::Start(o);
    ASSERT_NE(server_, nullptr);
    for (const char* token : {"tok-1", "tok-2"}) {
      server_->Admin("POST", "/_test/tokens",
                     std::string(R"({"token":")") + token +
                         R"(","user":"admin","groups":["system:masters"]})");
    }
  }
  Result<std::unique_ptr<Transport>> Connect(const std::string& kubeconfig) {
    KubeconfigOptions ko;
    ko.explicit_path = kubeconfig;
    AICR_ASSIGN_OR_RETURN(RestConfig rc, LoadRestConfig(ko));
    AICR_ASSIGN_OR_RETURN(std::shared_ptr<CredentialSource> creds, MakeCredentialSource(rc));
    return Transport::Create(rc, creds);
  }
  int Get(const Transport& t) {
    Request r;
    r.path = "/api/v1/namespaces/default/configmaps";
    Result<Response> resp = t.Do(r);
    return resp.ok() ? resp->status : -1;
  }
  std::string Kubeconfig(const std::string& user) {
    return Write("kubeconfig",
                 "apiVersion: v1\nkind: Config\ncurrent-context: e2e\nclusters:\n- name: c\n"
                 "  cluster:\n    server: " +
                     server_->url() +
                     "\ncontexts:\n- name: e2e\n  context: {cluster: c, user: u}\n"
                     "users:\n- name: u\n  user:\n" +
                     user);
  }

  std::unique_ptr<testing::TestApiServer> server_;
};

TEST_F(CredentialRefreshE2ETest, ExecPluginTokenRefreshedAfter401) {
  StartServer();
  // Run n prints token tok-n.
  const std::string plugin = Write(
      "plugin.sh", "#!/bin/sh\necho run >> '" + dir_ + "/calls'\nn=$(wc -l < '" + dir_ +
                       "/calls')\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                       "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"tok-%s\"}}' $n\n");
  chmod(plugin.c_str(), 0755);
  Result<std::unique_ptr<Transport>> t =
      Connect(Kubeconfig("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                         "      command: ./plugin.sh\n      interactiveMode: Never\n"));
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(Get(**t), 200);
  EXPECT_EQ(Get(**t), 200);
  server_->Admin("DELETE", "/_test/tokens/tok-1");
  EXPECT_EQ(Get(**t), 200);
  EXPECT_EQ(Get(**t), 200);

  const nlohmann::json log =
      nlohmann::json::parse(server_->Admin("GET", "/_test/requests"))["requests"];
  std::vector<std::string> seen;
  for (const auto& r : log) {
    if (r["path"] == "/api/v1/namespaces/default/configmaps") {
      seen.push_back(r["authorization"].get<std::string>());
    }
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("Bearer tok-1", "Bearer tok-1", "Bearer tok-1",
                                           "Bearer tok-2", "Bearer tok-2"));
}

TEST_F(CredentialRefreshE2ETest, ExecPluginThatCannotRefreshSurfacesUnauthorized) {
  StartServer();
  // Always returns the revoked token: the retry after the 401 also fails.
  const std::string plugin =
      Write("plugin.sh",
            "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
            "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"tok-1\"}}'\n");
  chmod(plugin.c_str(), 0755);
  Result<std::unique_ptr<Transport>> t =
      Connect(Kubeconfig("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                         "      command: ./plugin.sh\n      interactiveMode: Never\n"));
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(Get(**t), 200);
  server_->Admin("DELETE", "/_test/tokens/tok-1");
  EXPECT_EQ(Get(**t), 401);
}

TEST_F(CredentialRefreshE2ETest, TokenFileRotationAfter401) {
  StartServer();
  const std::string token_path = Write("token", "tok-1\n");
  const auto mtime = fs::last_write_time(token_path);
  Result<std::unique_ptr<Transport>> t = Connect(Kubeconfig("    tokenFile: token\n"));
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(Get(**t), 200);
  // Rotate in place with the same size and modification time, so only the 401
  // (Invalidate) makes the source re-read it.
  Write("token", "tok-2\n");
  fs::last_write_time(token_path, mtime);
  server_->Admin("DELETE", "/_test/tokens/tok-1");
  EXPECT_EQ(Get(**t), 200);
}

}  // namespace
}  // namespace aicr::k8s
