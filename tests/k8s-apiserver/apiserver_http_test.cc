// Direct HTTP tests of the test API server program (through test_apiserver.h).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <thread>

#include "tests/k8s-apiserver/test_apiserver.h"

namespace aicr::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kCms = "/api/v1/namespaces/default/configmaps";

json Body(const httplib::Result& r) { return r ? json::parse(r->body, nullptr, false) : json(); }

std::string CmJson(const std::string& name, const std::string& labels = "{}") {
  return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name + R"(","labels":)" +
         labels + R"(},"data":{"a":"b"}})";
}

std::vector<json> Events(const std::string& stream) {
  std::vector<json> out;
  std::istringstream in(stream);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) {
      out.push_back(json::parse(line));
    }
  }
  return out;
}

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestApiServer::Start({});
    ASSERT_NE(server_, nullptr);
  }
  std::unique_ptr<TestApiServer> server_;
};

TEST_F(HttpTest, PagingOver2500ConfigMaps) {
  std::string seed;
  for (int i = 0; i < 2500; ++i) {
    seed += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" + std::to_string(i) +
            "\n  namespace: paging\ndata:\n  k: v\n";
  }
  ASSERT_THAT(server_->Admin("POST", "/_test/seed", seed), HasSubstr("ok"));
  std::set<std::string> names;
  std::string cont;
  int pages = 0;
  std::string prev;
  do {
    std::string path = "/api/v1/namespaces/paging/configmaps?limit=500";
    if (!cont.empty()) {
      path += "&continue=" + cont;
    }
    const json page = Body(server_->Request("GET", path));
    ASSERT_EQ(page["kind"], "ConfigMapList");
    ASSERT_LE(page["items"].size(), 500u);
    for (const json& item : page["items"]) {
      const std::string name = item["metadata"]["name"];
      EXPECT_LT(prev, name) << "items sorted by name";
      prev = name;
      EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
    }
    // A create between pages must not disturb the pages.
    (void)server_->Request("POST", "/api/v1/namespaces/paging/configmaps",
                           CmJson("new-" + std::to_string(pages)));
    cont = page["metadata"].value("continue", "");
    ++pages;
  } while (!cont.empty());
  for (int i = 0; i < 2500; ++i) {
    EXPECT_EQ(names.count("cm-" + std::to_string(i)), 1u);
  }
  EXPECT_GE(pages, 5);
  EXPECT_LE(pages, 6);  // the objects created meanwhile sort last
  // All namespaces, with a limit.
  const json all = Body(server_->Request("GET", "/api/v1/configmaps?limit=10"));
  EXPECT_EQ(all["items"].size(), 10u);
}

TEST_F(HttpTest, SelectorsFilterLists) {
  ASSERT_EQ(server_->Request("POST", kCms, CmJson("a", R"({"app":"web","tier":"front"})"))->status,
            201);
  ASSERT_EQ(server_->Request("POST", kCms, CmJson("b", R"({"app":"db"})"))->status, 201);
  ASSERT_EQ(server_->Request("POST", kCms, CmJson("c"))->status, 201);
  auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    const json list = Body(server_->Request("GET", std::string(kCms) + "?" + query));
    for (const json& item : list["items"]) {
      out.push_back(item["metadata"]["name"]);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("labelSelector=app%3Dweb"), V({"a"}));
  EXPECT_EQ(names("labelSelector=app%20in%20(web,db)"), V({"a", "b"}));
  EXPECT_EQ(names("labelSelector=app%20notin%20(web)"), V({"b", "c"}));
  EXPECT_EQ(names("labelSelector=!app"), V({"c"}));
  EXPECT_EQ(names("labelSelector=app,app!%3Ddb"), V({"a"}));
  EXPECT_EQ(names("fieldSelector=metadata.name%3Db"), V({"b"}));
  EXPECT_EQ(names("fieldSelector=metadata.name!%3Db"), V({"a", "c"}));
  EXPECT_EQ(names("fieldSelector=metadata.namespace%3Dother"), V({}));
}

TEST_F(HttpTest, ErrorBodiesAreStatusObjects) {
  auto r = server_->Request("GET", std::string(kCms) + "/missing");
  EXPECT_EQ(r->status, 404);
  json s = Body(r);
  EXPECT_EQ(s["kind"], "Status");
  EXPECT_EQ(s["reason"], "NotFound");
  EXPECT_EQ(s["message"], "configmaps \"missing\" not found");
  EXPECT_EQ(s["details"]["name"], "missing");

  EXPECT_EQ(server_->Request("POST", kCms, CmJson("dup"))->status, 201);
  r = server_->Request("POST", kCms, CmJson("dup"));
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(Body(r)["reason"], "AlreadyExists");

  r = server_->Request("POST", "/api/v1/namespaces/nope/configmaps", CmJson("x"));
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Body(r)["message"], "namespaces \"nope\" not found");

  r = server_->Request("POST", kCms, CmJson("Bad_Name"));
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(Body(r)["reason"], "Invalid");
  EXPECT_EQ(Body(r)["details"]["causes"][0]["field"], "metadata.name");

  r = server_->Request("POST", kCms, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{}})");
  EXPECT_EQ(r->status, 422);
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("name or generateName is required"));

  const std::string big(1048577, 'x');
  r = server_->Request(
      "POST", kCms,
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":")" + big +
          "\"}}");
  EXPECT_EQ(r->status, 422);
  EXPECT_THAT(Body(r)["message"].get<std::string>(),
              HasSubstr("Too long: must have at most 1048576 bytes"));

  const std::string huge(1700000, 'x');
  r = server_->Request(
      "POST", kCms,
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"huge"},"data":{"k":")" + huge +
          "\"}}");
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Body(r)["reason"], "RequestEntityTooLarge");

  // Stale resourceVersion on update.
  json obj = Body(server_->Request("GET", std::string(kCms) + "/dup"));
  obj["data"]["a"] = "1";
  EXPECT_EQ(server_->Request("PUT", std::string(kCms) + "/dup", obj.dump())->status, 200);
  r = server_->Request("PUT", std::string(kCms) + "/dup", obj.dump());
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(Body(r)["reason"], "Conflict");
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("the object has been modified"));

  // UID precondition on delete.
  r = server_->Request("DELETE", std::string(kCms) + "/dup",
                       R"({"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"x"}})");
  EXPECT_EQ(r->status, 409);
  EXPECT_THAT(Body(r)["message"].get<std::string>(), HasSubstr("Precondition failed: UID"));
  r = server_->Request("DELETE", std::string(kCms) + "/dup");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["metadata"]["name"], "dup");
}

TEST_F(HttpTest, PatchesAndGenerateName) {
  auto r = server_->Request(
      "POST", kCms, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}})");
  ASSERT_EQ(r->status, 201);
  const std::string name = Body(r)["metadata"]["name"];
  EXPECT_EQ(name.rfind("gen-", 0), 0u);
  EXPECT_EQ(name.size(), 9u);
  const std::string path = std::string(kCms) + "/" + name;
  r = server_->Request("PATCH", path, R"({"data":{"m":"1"}})", "application/merge-patch+json");
  EXPECT_EQ(Body(r)["data"]["m"], "1");
  r = server_->Request(
      "PATCH", path,
      R"([{"op":"add","path":"/data/j","value":"2"},{"op":"remove","path":"/data/m"}])",
      "application/json-patch+json");
  EXPECT_EQ(Body(r)["data"], json({{"j", "2"}}));
  r = server_->Request("PATCH", path, R"([{"op":"test","path":"/data/j","value":"3"}])",
                       "application/json-patch+json");
  EXPECT_EQ(r->status, 422);
  r = server_->Request("PATCH", path, R"({"data":{"s":"3"}})",
                       "application/strategic-merge-patch+json");
  EXPECT_EQ(Body(r)["data"]["s"], "3");
  // Server-side apply without a field manager is rejected.
  r = server_->Request("PATCH", std::string(kCms) + "/applied", "apiVersion: v1\nkind: ConfigMap\n",
                       "application/apply-patch+yaml");
  EXPECT_EQ(r->status, 400);
  r = server_->Request("PATCH", std::string(kCms) + "/applied?fieldManager=m1",
                       "apiVersion: v1\nkind: ConfigMap\ndata:\n  k: v\n",
                       "application/apply-patch+yaml");
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(Body(r)["metadata"]["managedFields"][0]["manager"], "m1");
  EXPECT_EQ(Body(r)["metadata"]["managedFields"][0]["operation"], "Apply");
  r = server_->Request("PATCH", std::string(kCms) + "/applied?fieldManager=m2",
                       "apiVersion: v1\nkind: ConfigMap\ndata:\n  k: w\n",
                       "application/apply-patch+yaml");
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(Body(r)["reason"], "Conflict");
  r = server_->Request("PATCH", std::string(kCms) + "/applied?fieldManager=m2&force=true",
                       "apiVersion: v1\nkind: ConfigMap\ndata:\n  k: w\n",
                       "application/apply-patch+yaml");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["data"]["k"], "w");
}

TEST_F(HttpTest, WatchResumesAndExpiresAfterCompact) {
  ASSERT_EQ(server_->Request("POST", kCms, CmJson("w1"))->status, 201);
  const std::string rv1 =
      Body(server_->Request("GET", std::string(kCms) + "/w1"))["metadata"]["resourceVersion"];
  ASSERT_EQ(server_->Request("POST", kCms, CmJson("w2"))->status, 201);
  ASSERT_EQ(server_->Request("DELETE", std::string(kCms) + "/w1")->status, 200);
  // Resume after rv1: w2 ADDED then w1 DELETED, then the stream times out.
  auto r = server_->Request("GET",
                            std::string(kCms) + "?watch=1&timeoutSeconds=1&resourceVersion=" + rv1);
  ASSERT_TRUE(r);
  auto events = Events(r->body);
  ASSERT_EQ(events.size(), 2u) << r->body;
  EXPECT_EQ(events[0]["type"], "ADDED");
  EXPECT_EQ(events[0]["object"]["metadata"]["name"], "w2");
  EXPECT_EQ(events[1]["type"], "DELETED");
  EXPECT_EQ(events[1]["object"]["metadata"]["name"], "w1");
  // Without resourceVersion: the current objects as ADDED; bookmarks on request.
  r = server_->Request("GET",
                       std::string(kCms) + "?watch=true&timeoutSeconds=2&allowWatchBookmarks=true");
  events = Events(r->body);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0]["type"], "ADDED");
  EXPECT_EQ(events.back()["type"], "BOOKMARK");
  EXPECT_FALSE(events.back()["object"]["metadata"]["resourceVersion"].get<std::string>().empty());
  // After compaction the old version is gone: ERROR 410 Expired in the stream.
  ASSERT_THAT(server_->Admin("POST", "/_test/compact"), HasSubstr("ok"));
  r = server_->Request("GET",
                       std::string(kCms) + "?watch=1&timeoutSeconds=1&resourceVersion=" + rv1);
  events = Events(r->body);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "ERROR");
  EXPECT_EQ(events[0]["object"]["code"], 410);
  EXPECT_EQ(events[0]["object"]["reason"], "Expired");
}

TEST_F(HttpTest, WatchStreamsLiveEventsAndCloses) {
  std::string received;
  std::thread watcher([&] {
    auto cli = server_->Client();
    cli->Get(std::string(kCms) + "?watch=1&resourceVersion=1&labelSelector=app%3Dx",
             [&](const char* data, size_t n) {
               received.append(data, n);
               return true;
             });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(server_->Request("POST", kCms, CmJson("live", R"({"app":"x"})"))->status, 201);
  ASSERT_EQ(server_->Request("POST", kCms, CmJson("other"))->status, 201);
  ASSERT_EQ(server_
                ->Request("PATCH", std::string(kCms) + "/live",
                          R"({"metadata":{"labels":{"app":"y"}}})", "application/merge-patch+json")
                ->status,
            200);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_THAT(server_->Admin("POST", "/_test/watch/close"), HasSubstr("ok"));
  watcher.join();
  const auto events = Events(received);
  ASSERT_EQ(events.size(), 2u) << received;
  EXPECT_EQ(events[0]["type"], "ADDED");
  EXPECT_EQ(events[1]["type"], "DELETED");  // left the selector
}

TEST_F(HttpTest, FaultsAndRequestLog) {
  ASSERT_THAT(
      server_->Admin(
          "POST", "/_test/faults",
          R"({"method":"GET","path":"/api/v1/namespaces/default/configmaps","status":429,"retryAfter":1,"count":2})"),
      HasSubstr("ok"));
  for (int i = 0; i < 2; ++i) {
    auto r = server_->Request("GET", kCms);
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(r->get_header_value("Retry-After"), "1");
    EXPECT_EQ(Body(r)["reason"], "TooManyRequests");
  }
  EXPECT_EQ(server_->Request("GET", kCms)->status, 200);

  server_->Admin("POST", "/_test/faults",
                 R"({"path":"/api/v1/namespaces","closeConnection":true})");
  auto closed = server_->Request("GET", kCms);
  EXPECT_FALSE(closed) << "expected a dropped connection";
  EXPECT_EQ(server_->Request("GET", kCms)->status, 200);

  server_->Admin("POST", "/_test/faults", R"({"path":"/api/v1/namespaces","truncate":true})");
  auto truncated = server_->Request("GET", kCms);
  EXPECT_TRUE(!truncated || json::parse(truncated->body, nullptr, false).is_discarded());

  server_->Admin("POST", "/_test/faults", R"({"path":"/version","delayMs":300})");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->Request("GET", "/version")->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));

  const json log = json::parse(server_->Admin("GET", "/_test/requests"));
  ASSERT_GE(log["requests"].size(), 5u);
  EXPECT_EQ(log["requests"][0]["method"], "GET");
  EXPECT_EQ(log["requests"][0]["path"], kCms);
  EXPECT_EQ(log["requests"][0]["user"], "admin");
  server_->Admin("DELETE", "/_test/requests");
  EXPECT_EQ(json::parse(server_->Admin("GET", "/_test/requests"))["requests"].size(), 0u);
}

TEST_F(HttpTest, CustomResourcesFromCrds) {
  const std::string crd =
      R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"clusterpolicies.nvidia.com"},
    "spec":{"group":"nvidia.com","scope":"Cluster","names":{"plural":"clusterpolicies","singular":"clusterpolicy","kind":"ClusterPolicy"},
            "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}}]}})";
  ASSERT_EQ(server_->Request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
                ->status,
            201);
  const json groups = Body(server_->Request("GET", "/apis"));
  EXPECT_THAT(groups.dump(), HasSubstr("\"nvidia.com/v1\""));
  const json resources = Body(server_->Request("GET", "/apis/nvidia.com/v1"));
  EXPECT_EQ(resources["resources"][0]["name"], "clusterpolicies");
  EXPECT_EQ(resources["resources"][0]["namespaced"], false);
  auto r = server_->Request(
      "POST", "/apis/nvidia.com/v1/clusterpolicies",
      R"({"apiVersion":"nvidia.com/v1","kind":"ClusterPolicy","metadata":{"name":"cp"},"spec":{"x":1}})");
  ASSERT_EQ(r->status, 201);
  EXPECT_EQ(Body(r)["metadata"]["generation"], 1);
  r = server_->Request(
      "PUT", "/apis/nvidia.com/v1/clusterpolicies/cp/status",
      R"({"apiVersion":"nvidia.com/v1","kind":"ClusterPolicy","metadata":{"name":"cp"},"status":{"state":"ready"}})");
  EXPECT_EQ(Body(r)["status"]["state"], "ready");
  EXPECT_EQ(Body(r)["metadata"]["generation"], 1);
  EXPECT_EQ(
      server_
          ->Request(
              "DELETE",
              "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusterpolicies.nvidia.com")
          ->status,
      200);
  EXPECT_EQ(server_->Request("GET", "/apis/nvidia.com/v1/clusterpolicies/cp")->status, 404);
}

TEST(HttpAuthTest, TlsClientCertTokenAndPolicy) {
  const std::string policy_path =
      std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
      "/aicr-apiserver-policy-" + std::to_string(getpid()) + ".yaml";
  std::ofstream(policy_path) << "rules:\n- users: [\"bob\"]\n  verbs: [\"get\"]\n  resources: "
                                "[\"configmaps\"]\n  effect: deny\ndefault: allow\n";
  auto server =
      TestApiServer::Start({{"--token", "alice-token=alice,devs", "--token", "bob-token=bob",
                             "--basic", "carol:pw=carol", "--policy", policy_path},
                            true});
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->url().rfind("https://127.0.0.1:", 0), 0u);
  // No credentials: 401 Status.
  auto r = server->Request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(Body(r)["reason"], "Unauthorized");
  // Tokens.
  r = server->Request("GET", "/api/v1/namespaces", "", "",
                      {{"Authorization", "Bearer alice-token"}});
  EXPECT_EQ(r->status, 200);
  r = server->Request("GET", "/api/v1/namespaces", "", "", {{"Authorization", "Bearer wrong"}});
  EXPECT_EQ(r->status, 401);
  // Basic.
  r = server->Request("GET", "/api/v1/namespaces", "", "",
                      {{"Authorization", "Basic Y2Fyb2w6cHc="}});
  EXPECT_EQ(r->status, 200);
  // Policy: bob may not get configmaps.
  r = server->Request("GET", "/api/v1/namespaces/default/configmaps/x", "", "",
                      {{"Authorization", "Bearer bob-token"}});
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Body(r)["message"],
            "configmaps \"x\" is forbidden: User \"bob\" cannot get resource \"configmaps\" in API "
            "group \"\" in the namespace \"default\"");
  // Tokens added and revoked at run time.
  server->Admin("POST", "/_test/tokens", R"({"token":"t2","user":"dave","groups":["g"]})");
  r = server->Request("GET", "/api/v1/namespaces", "", "", {{"Authorization", "Bearer t2"}});
  EXPECT_EQ(r->status, 200);
  server->Admin("DELETE", "/_test/tokens/t2");
  r = server->Request("GET", "/api/v1/namespaces", "", "", {{"Authorization", "Bearer t2"}});
  EXPECT_EQ(r->status, 401);
  // Client certificate: CN=tester, O=system:masters.
  httplib::Client cli(server->url());
  cli.set_ca_cert_path(server->ca_pem_path());
  cli.enable_server_certificate_verification(true);
  httplib::SSLClient ssl("127.0.0.1", std::stoi(server->url().substr(server->url().rfind(':') + 1)),
                         server->client_cert_path(), server->client_key_path());
  ssl.set_ca_cert_path(server->ca_pem_path());
  ssl.enable_server_certificate_verification(true);
  r = ssl.Get("/api/v1/namespaces");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  const json log = json::parse(server->Admin("GET", "/_test/requests"));
  EXPECT_EQ(log["requests"].back()["user"], "tester");
  std::remove(policy_path.c_str());
}

}  // namespace
}  // namespace aicr::testing
