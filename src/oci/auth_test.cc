#include "oci/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/base64.h"
#include "tests/testing/status_matchers.h"

namespace aicr::oci {
namespace {

using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "aicr-oci-auth-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text, bool exec = false) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    if (exec) {
      chmod(p.c_str(), 0755);
    }
    return p;
  }

 private:
  std::string path_;
};

/// Puts `dir` first on PATH for the lifetime of the object.
class PathPrefix {
 public:
  explicit PathPrefix(const std::string& dir) {
    const char* old = std::getenv("PATH");
    old_ = old != nullptr ? old : "";
    setenv("PATH", (dir + ":" + old_).c_str(), 1);
  }
  ~PathPrefix() { setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

TEST(DockerConfigTest, MissingFileMeansAnonymous) {
  TempDir dir;
  auto c = LookupCredential("r.io", dir.path() + "/nope.json");
  ASSERT_THAT(c, IsOk());
  EXPECT_FALSE(c->has_value());
}

TEST(DockerConfigTest, AuthFieldIsBase64UserColonPassword) {
  TempDir dir;
  const std::string cfg = dir.Write("config.json", R"({"auths":{"r.io:5000":{"auth":")" +
                                                       EncodeBase64("alice:pa:ss") + R"("}}})");
  auto c = LookupCredential("r.io:5000", cfg);
  ASSERT_THAT(c, IsOk());
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ(**c, (Credential{"alice", "pa:ss"}));
  auto other = LookupCredential("other.io", cfg);
  ASSERT_THAT(other, IsOk());
  EXPECT_FALSE(other->has_value());
}

TEST(DockerConfigTest, KeysWithSchemeAndPathMatch) {
  TempDir dir;
  const std::string cfg =
      dir.Write("config.json",
                R"({"auths":{"https://r.io/v2/":{"username":"bob","password":"pw"},
                   "https://index.docker.io/v1/":{"identitytoken":"tok"}}})");
  auto c = LookupCredential("r.io", cfg);
  ASSERT_THAT(c, IsOk());
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ(**c, (Credential{"bob", "pw"}));
  auto hub = LookupCredential("docker.io", cfg);
  ASSERT_THAT(hub, IsOk());
  ASSERT_TRUE(hub->has_value());
  EXPECT_EQ(**hub, (Credential{"<token>", "tok"}));
}

TEST(DockerConfigTest, MalformedFilesAreInvalidRequests) {
  TempDir dir;
  EXPECT_THAT(LookupCredential("r.io", dir.Write("a.json", "{not json")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("docker config")));
  EXPECT_THAT(LookupCredential("r.io", dir.Write("b.json", R"({"auths":[]})")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("\"auths\" is not an object")));
  EXPECT_THAT(LookupCredential("r.io", dir.Write("c.json", R"({"auths":{"r.io":{"auth":"%%%"}}})")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not valid base64")));
  EXPECT_THAT(
      LookupCredential("r.io", dir.Write("d.json", R"({"auths":{"r.io":{"auth":")" +
                                                       EncodeBase64("nocolon") + R"("}}})")),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("username:password")));
}

TEST(DockerConfigTest, CredentialHelperIsRunWithServerOnStdin) {
  TempDir dir;
  // The fake helper echoes the server it was asked about into the username.
  dir.Write(
      "docker-credential-fake",
      "#!/bin/sh\n"
      "[ \"$1\" = get ] || exit 3\n"
      "read server\n"
      "if [ \"$server\" = unknown.io ]; then echo 'credentials not found in native keychain'; "
      "exit 1; fi\n"
      "if [ \"$server\" = broken.io ]; then echo 'boom' >&2; exit 2; fi\n"
      "printf '{\"ServerURL\":\"%s\",\"Username\":\"user-%s\",\"Secret\":\"s3cret\"}' "
      "\"$server\" \"$server\"\n",
      true);
  PathPrefix path(dir.path());
  const std::string cfg =
      dir.Write("config.json",
                R"({"credHelpers":{"helped.io":"fake","unknown.io":"fake","broken.io":"fake"},
          "auths":{"helped.io":{"username":"ignored","password":"x"}}})");
  auto c = LookupCredential("helped.io", cfg);
  ASSERT_THAT(c, IsOk());
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ(**c, (Credential{"user-helped.io", "s3cret"}));

  auto none = LookupCredential("unknown.io", cfg);
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());

  EXPECT_THAT(LookupCredential("broken.io", cfg),
              StatusIs(ErrorCode::kUnauthorized, HasSubstr("boom")));

  const std::string store = dir.Write("store.json", R"({"credsStore":"fake"})");
  auto via_store = LookupCredential("any.io", store);
  ASSERT_THAT(via_store, IsOk());
  ASSERT_TRUE(via_store->has_value());
  EXPECT_EQ((*via_store)->username, "user-any.io");

  const std::string missing = dir.Write("missing.json", R"({"credsStore":"does-not-exist"})");
  EXPECT_THAT(LookupCredential("any.io", missing),
              StatusIs(ErrorCode::kNotFound, HasSubstr("docker-credential-does-not-exist")));
}

TEST(DockerConfigTest, ResolvePathPrefersExplicitThenDockerConfigThenHome) {
  EXPECT_EQ(ResolveDockerConfigPath("/x/config.json"), "/x/config.json");
  const char* old = std::getenv("DOCKER_CONFIG");
  const std::string saved = old != nullptr ? old : "";
  setenv("DOCKER_CONFIG", "/dc", 1);
  EXPECT_EQ(ResolveDockerConfigPath(""), "/dc/config.json");
  unsetenv("DOCKER_CONFIG");
  const char* home = std::getenv("HOME");
  if (home != nullptr) {
    EXPECT_EQ(ResolveDockerConfigPath(""), std::string(home) + "/.docker/config.json");
  }
  if (old != nullptr) {
    setenv("DOCKER_CONFIG", saved.c_str(), 1);
  }
}

TEST(AuthChallengeTest, ParsesBearerAndBasic) {
  auto b = ParseAuthChallenge(
      R"(Bearer realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull,push")");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->scheme, "bearer");
  EXPECT_EQ(b->params.at("realm"), "https://auth.io/token");
  EXPECT_EQ(b->params.at("service"), "registry.io");
  EXPECT_EQ(b->params.at("scope"), "repository:a/b:pull,push");
  auto basic = ParseAuthChallenge(R"(Basic realm="Registry Realm")");
  ASSERT_THAT(basic, IsOk());
  EXPECT_EQ(basic->scheme, "basic");
  EXPECT_EQ(basic->params.at("realm"), "Registry Realm");
  auto unquoted = ParseAuthChallenge("Bearer realm=https://a/t, service=s");
  ASSERT_THAT(unquoted, IsOk());
  EXPECT_EQ(unquoted->params.at("realm"), "https://a/t");
  EXPECT_EQ(unquoted->params.at("service"), "s");
  EXPECT_THAT(ParseAuthChallenge(""), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("empty")));
  EXPECT_THAT(ParseAuthChallenge(R"(Bearer realm="unterminated)"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unterminated")));
}

}  // namespace
}  // namespace aicr::oci
