// cm:// I/O against the test API server: round trip, labels, the size limit
// (checked before sending, and the server's own answer), and errors that name the URI.

#include "k8s/configmap_store.h"

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

using ::testing::HasSubstr;

class ConfigMapStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::TestApiServer::Start({.args = {"--max-object-bytes", "1200000"}});
    ASSERT_NE(server_, nullptr);
    dir_ = server_->dir() + "/home";
    std::filesystem::create_directories(dir_);
    kubeconfig_ = server_->WriteKubeconfig(dir_);
  }

  ResolveOptions Resolve() const {
    ResolveOptions o;
    o.explicit_kubeconfig = kubeconfig_;
    o.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
    o.in_cluster_root = dir_ + "/no-service-account";
    return o;
  }

  int RequestsTo(const std::string& needle) const {
    const nlohmann::json log = nlohmann::json::parse(server_->Admin("GET", "/_test/requests"));
    int n = 0;
    for (const auto& r : log["requests"]) {
      if (r["path"].get<std::string>().find(needle) != std::string::npos) {
        ++n;
      }
    }
    return n;
  }

  std::unique_ptr<testing::TestApiServer> server_;
  std::string dir_;
  std::string kubeconfig_;
};

TEST_F(ConfigMapStoreTest, ApplyThenGetRoundTripsDataAndLabels) {
  ConfigMapStore store(Resolve());
  const serialize::ConfigMapRef ref{.ns = "default", .name = "aicr-recipe"};
  serialize::ConfigMapData data;
  data.data = {{"recipe.yaml", "kind: RecipeResult\n"}, {"format", "yaml"}};
  data.labels = {{"app.kubernetes.io/name", "aicr"}, {"app.kubernetes.io/component", "Recipe"}};
  ASSERT_THAT(store.Apply(ref, data, CancelToken::None()), IsOk());
  Result<serialize::ConfigMapData> got = store.Get(ref, CancelToken::None());
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_EQ(got->data, data.data);
  EXPECT_EQ(got->labels, data.labels);

  // A second write replaces the data (server-side apply, forced).
  data.data = {{"recipe.json", "{}\n"}, {"format", "json"}};
  ASSERT_THAT(store.Apply(ref, data, CancelToken::None()), IsOk());
  got = store.Get(ref, CancelToken::None());
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_EQ(got->data.at("format"), "json");
  EXPECT_EQ(got->data.count("recipe.json"), 1U);

  // Writes are server-side apply by field manager aicr, forced.
  const nlohmann::json log = nlohmann::json::parse(server_->Admin("GET", "/_test/requests"));
  bool saw_apply = false;
  for (const auto& r : log["requests"]) {
    if (r["method"] == "PATCH" &&
        r["path"] == "/api/v1/namespaces/default/configmaps/aicr-recipe") {
      saw_apply = true;
      EXPECT_THAT(r["query"].get<std::string>(), HasSubstr("fieldManager=aicr"));
      EXPECT_THAT(r["query"].get<std::string>(), HasSubstr("force=true"));
    }
  }
  EXPECT_TRUE(saw_apply);
}

TEST_F(ConfigMapStoreTest, MissingConfigMapAndNamespaceAreNotFoundNamingTheUri) {
  ConfigMapStore store(Resolve());
  Result<serialize::ConfigMapData> got =
      store.Get({.ns = "default", .name = "absent"}, CancelToken::None());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kNotFound);
  EXPECT_THAT(got.status().message(), HasSubstr("cm://default/absent"));
  Status put = store.Apply({.ns = "no-such-ns", .name = "x"}, {.data = {{"a", "b"}}, .labels = {}},
                           CancelToken::None());
  EXPECT_EQ(put.code(), ErrorCode::kNotFound) << put.ToString();
  EXPECT_THAT(put.message(), HasSubstr("cm://no-such-ns/x"));
}

TEST_F(ConfigMapStoreTest, OversizedDocumentFailsBeforeAnyRequest) {
  ConfigMapStore store(Resolve());
  serialize::ConfigMapData data;
  data.data["snapshot.yaml"] = std::string(kConfigMapDataLimit, 'x');
  Status s = store.Apply({.ns = "default", .name = "big"}, data, CancelToken::None());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(s.message(), HasSubstr("cm://default/big: the document does not fit in a ConfigMap"));
  EXPECT_THAT(s.message(), HasSubstr("1048589 bytes"));
  EXPECT_THAT(s.message(), HasSubstr("at most 1048576 bytes"));
  EXPECT_EQ(RequestsTo("/configmaps/big"), 0);
  EXPECT_EQ(ConfigMapDataSize(data), kConfigMapDataLimit + 13);
}

TEST_F(ConfigMapStoreTest, ServerSizeRejectionIsReportedAsTheLimit) {
  // The server's whole-object cap is lower than the data limit here, so a
  // document under 1 MiB of data is refused by the server (413/422).
  server_ = testing::TestApiServer::Start({.args = {"--max-object-bytes", "4096"}});
  ASSERT_NE(server_, nullptr);
  dir_ = server_->dir();
  kubeconfig_ = server_->WriteKubeconfig(dir_);
  ConfigMapStore store(Resolve());
  serialize::ConfigMapData data;
  data.data["snapshot.yaml"] = std::string(8192, 'y');
  Status s = store.Apply({.ns = "default", .name = "big"}, data, CancelToken::None());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("cm://default/big: the document does not fit in a ConfigMap"));
  EXPECT_EQ(RequestsTo("/configmaps/big"), 1);
}

TEST_F(ConfigMapStoreTest, NoKubeconfigIsAClearErrorOnFirstUse) {
  ResolveOptions o = Resolve();
  o.explicit_kubeconfig = dir_ + "/missing.yaml";
  ConfigMapStore store(o);
  Result<serialize::ConfigMapData> got =
      store.Get({.ns = "default", .name = "x"}, CancelToken::None());
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("cm://default/x"));
  EXPECT_THAT(got.status().message(), HasSubstr("missing.yaml"));
}

}  // namespace
}  // namespace aicr::k8s
