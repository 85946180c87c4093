// Integration tests of the typed client against the test API server
// (tests/k8s-apiserver): every operation, paging, errors, faults, TLS.

#include "k8s/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "k8s/errors.h"
#include "serialize/json_reader.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using serialize::Value;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class StaticToken : public CredentialSource {
 public:
  explicit StaticToken(std::string token) : token_(std::move(token)) {}
  Result<RequestCredentials> Get(const CancelToken&) override {
    RequestCredentials c;
    c.authorization = "Bearer " + token_;
    return c;
  }
  void Invalidate() override {}
  bool Refreshable() const override { return false; }

 private:
  std::string token_;
};

Client MakeClient(RestConfig config, std::shared_ptr<CredentialSource> creds = nullptr) {
  auto t = Transport::Create(std::move(config), std::move(creds));
  EXPECT_THAT(t, IsOk());
  return Client(std::shared_ptr<const Transport>(std::move(t).value()));
}

Client MakeClient(const TestApiServer& server, std::shared_ptr<CredentialSource> creds = nullptr) {
  RestConfig config;
  config.server = server.url();
  return MakeClient(std::move(config), std::move(creds));
}

Value ConfigMap(const std::string& ns, const std::string& name,
                const std::map<std::string, std::string>& labels = {}) {
  Value cm = Value::EmptyMapping();
  cm.Set("apiVersion", "v1");
  cm.Set("kind", "ConfigMap");
  Value& md = cm.Set("metadata", Value::EmptyMapping());
  md.Set("name", name);
  md.Set("namespace", ns);
  if (!labels.empty()) {
    Value& l = md.Set("labels", Value::EmptyMapping());
    for (const auto& [k, v] : labels) {
      l.Set(k, v);
    }
  }
  cm.Set("data", Value::EmptyMapping()).Set("k", "v");
  return cm;
}

void CreateNamespace(const Client& c, const std::string& name) {
  Value ns = Value::EmptyMapping();
  ns.Set("apiVersion", "v1");
  ns.Set("kind", "Namespace");
  ns.Set("metadata", Value::EmptyMapping()).Set("name", name);
  EXPECT_THAT(c.Create(resources::kNamespaces, "", ns), IsOk());
}

std::string Str(const Value& v, std::string_view path) {
  const Value* f = v.FindPath(path);
  return f != nullptr && f->is_string() ? *f->if_string() : std::string("<absent>");
}

/// The requests the server saw whose path starts with `prefix` (and method matches).
int CountRequests(TestApiServer& server, const std::string& method, const std::string& path) {
  auto parsed = serialize::ParseJson(server.Admin("GET", "/_test/requests"));
  EXPECT_THAT(parsed, IsOk());
  int n = 0;
  if (const Value* reqs = parsed->Find("requests"); reqs != nullptr && reqs->is_sequence()) {
    for (const Value& r : *reqs->if_sequence()) {
      if (Str(r, "method") == method && Str(r, "path") == path) {
        ++n;
      }
    }
  }
  return n;
}

std::unique_ptr<TestApiServer> Start(const TestApiServerOptions& options = {}) {
  auto s = TestApiServer::Start(options);
  EXPECT_NE(s, nullptr);
  return s;
}

TEST(ClientTest, Discovery) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  auto version = c.ServerVersion();
  ASSERT_THAT(version, IsOk());
  EXPECT_NE(Str(*version, "gitVersion"), "<absent>");
  auto core = c.CoreApiVersions();
  ASSERT_THAT(core, IsOk());
  EXPECT_EQ(Str(*core, "versions.0"), "v1");
  auto groups = c.ApiGroups();
  ASSERT_THAT(groups, IsOk());
  EXPECT_EQ(Str(*groups, "kind"), "APIGroupList");
  auto v1 = c.ServerResources("v1");
  ASSERT_THAT(v1, IsOk());
  bool has_configmaps = false;
  for (const Value& r : *v1->Find("resources")->if_sequence()) {
    has_configmaps = has_configmaps || Str(r, "name") == "configmaps";
  }
  EXPECT_TRUE(has_configmaps);
  auto batch = c.ServerResources("batch/v1");
  ASSERT_THAT(batch, IsOk());
  EXPECT_EQ(Str(*batch, "groupVersion"), "batch/v1");
  EXPECT_EQ(c.ServerResources("nope.example/v9").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(c.ServerResources("a/b/c").status().code(), ErrorCode::kInvalidRequest);
}

TEST(ClientTest, CreateGetUpdatePatchDelete) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  const Resource& cms = resources::kConfigMaps;

  auto created = c.Create(cms, "default", ConfigMap("default", "x"));
  ASSERT_THAT(created, IsOk());
  const std::string uid = Str(*created, "metadata.uid");
  const std::string rv = Str(*created, "metadata.resourceVersion");
  EXPECT_NE(uid, "<absent>");

  auto dup = c.Create(cms, "default", ConfigMap("default", "x"));
  EXPECT_EQ(dup.status().code(), ErrorCode::kConflict);
  EXPECT_THAT(dup.status().message(),
              HasSubstr("create configmaps \"x\" in namespace \"default\": conflict"));

  auto got = c.Get(cms, "default", "x");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(Str(*got, "data.k"), "v");

  // Update with the current resourceVersion, then again with the stale one.
  Value changed = *got;
  changed.Find("data")->Set("k", "v2");
  auto updated = c.Update(cms, "", changed);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(Str(*updated, "data.k"), "v2");
  EXPECT_NE(Str(*updated, "metadata.resourceVersion"), rv);
  auto stale = c.Update(cms, "", changed);
  EXPECT_EQ(stale.status().code(), ErrorCode::kConflict);

  Value patch = Value::EmptyMapping();
  patch.Set("data", Value::EmptyMapping()).Set("extra", "e");
  auto patched = c.Patch(cms, "default", "x", patch);
  ASSERT_THAT(patched, IsOk());
  EXPECT_EQ(Str(*patched, "data.extra"), "e");
  EXPECT_EQ(Str(*patched, "data.k"), "v2");

  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "not-the-uid";
  EXPECT_EQ(c.Delete(cms, "default", "x", wrong_uid).status().code(), ErrorCode::kConflict);
  DeleteOptions right;
  right.precondition_uid = uid;
  right.propagation_policy = "Background";
  right.grace_period_seconds = 0;
  ASSERT_THAT(c.Delete(cms, "default", "x", right), IsOk());

  auto missing = c.Get(cms, "default", "x");
  EXPECT_EQ(missing.status(),
            NotFoundError("configmaps \"x\" in namespace \"default\": not found"));
  EXPECT_EQ(c.Delete(cms, "default", "x").status().code(), ErrorCode::kNotFound);
}

TEST(ClientTest, ServerSideApply) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  const std::string yaml =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\n"
      "data:\n  a: \"1\"\n";
  ApplyOptions mgr;
  mgr.field_manager = "aicr-test";
  auto applied = c.Apply(resources::kConfigMaps, "", "", yaml, mgr);
  ASSERT_THAT(applied, IsOk());
  EXPECT_EQ(Str(*applied, "data.a"), "1");
  EXPECT_EQ(Str(*applied, "metadata.managedFields.0.manager"), "aicr-test");

  // JSON text works too.
  const std::string json =
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"2"}})";
  auto again = c.Apply(resources::kConfigMaps, "default", "applied", json, mgr);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(Str(*again, "data.a"), "2");

  // Another manager conflicts on the field unless forced.
  ApplyOptions other;
  other.field_manager = "someone-else";
  const std::string other_yaml =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"3\"\n";
  auto conflict = c.Apply(resources::kConfigMaps, "default", "", other_yaml, other);
  EXPECT_EQ(conflict.status().code(), ErrorCode::kConflict);
  other.force = true;
  auto forced = c.Apply(resources::kConfigMaps, "default", "", other_yaml, other);
  ASSERT_THAT(forced, IsOk());
  EXPECT_EQ(Str(*forced, "data.a"), "3");

  ApplyOptions none;
  EXPECT_EQ(c.Apply(resources::kConfigMaps, "default", "", yaml, none).status().code(),
            ErrorCode::kInvalidRequest);
}

TEST(ClientTest, ListSelectorsAndPaging) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  CreateNamespace(c, "paging");
  constexpr int kCount = 2600;
  constexpr int kThreads = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kCount; i += kThreads) {
        const std::string parity = i % 2 == 0 ? "even" : "odd";
        if (!c.Create(resources::kConfigMaps, "paging",
                      ConfigMap("paging", "cm-" + std::to_string(i), {{"parity", parity}}))
                 .ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  ASSERT_EQ(failures, 0);

  ListOptions page;
  page.limit = 100;
  auto first = c.List(resources::kConfigMaps, "paging", page);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->items.size(), 100U);
  EXPECT_FALSE(first->continue_token.empty());
  EXPECT_FALSE(first->resource_version.empty());

  auto all = c.ListAll(resources::kConfigMaps, "paging");
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->items.size(), static_cast<std::size_t>(kCount));
  EXPECT_FALSE(all->resource_version.empty());
  std::set<std::string> names;
  for (const Value& item : all->items) {
    names.insert(Str(item, "metadata.name"));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kCount));
  const int pages = CountRequests(*server, "GET", "/api/v1/namespaces/paging/configmaps");
  EXPECT_GE(pages, 1 + kCount / 500);

  ListOptions even;
  even.label_selector = "parity=even";
  auto evens = c.ListAll(resources::kConfigMaps, "paging", even);
  ASSERT_THAT(evens, IsOk());
  EXPECT_EQ(evens->items.size(), static_cast<std::size_t>(kCount / 2));

  ListOptions by_name;
  by_name.field_selector = "metadata.name=cm-7";
  auto one = c.List(resources::kConfigMaps, "paging", by_name);
  ASSERT_THAT(one, IsOk());
  ASSERT_EQ(one->items.size(), 1U);
  EXPECT_EQ(Str(one->items[0], "metadata.labels.parity"), "odd");

  // All namespaces, and a response over the cap.
  auto everywhere = c.List(resources::kConfigMaps, "", by_name);
  ASSERT_THAT(everywhere, IsOk());
  EXPECT_EQ(everywhere->items.size(), 1U);
  CallOptions small;
  small.max_response_bytes = 10000;
  auto too_big = c.List(resources::kConfigMaps, "paging", {}, small);
  EXPECT_EQ(too_big.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(too_big.status().message(), HasSubstr("exceeds 10000 bytes"));
}

TEST(ClientTest, RetriesOn429WithRetryAfterButNotOn403) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  ASSERT_THAT(c.Create(resources::kConfigMaps, "default", ConfigMap("default", "r")), IsOk());
  const std::string path = "/api/v1/namespaces/default/configmaps/r";
  server->Admin("DELETE", "/_test/requests");
  server->Admin(
      "POST", "/_test/faults",
      R"({"method":"GET","path":")" + path + R"(","status":429,"retryAfter":1,"count":2})");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_THAT(c.Get(resources::kConfigMaps, "default", "r"), IsOk());
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(1900));
  EXPECT_EQ(CountRequests(*server, "GET", path), 3);

  server->Admin("DELETE", "/_test/requests");
  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":")" + path + R"(","status":403,"count":3})");
  auto denied = c.Get(resources::kConfigMaps, "default", "r");
  EXPECT_EQ(denied.status().code(), ErrorCode::kUnauthorized);
  EXPECT_THAT(denied.status().message(), HasSubstr("forbidden"));
  EXPECT_EQ(CountRequests(*server, "GET", path), 1);
  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":")" + path + R"(","status":503,"count":0})");
}

TEST(ClientTest, CancelTruncateAndTimeout) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  ASSERT_THAT(c.Create(resources::kConfigMaps, "default", ConfigMap("default", "slow")), IsOk());
  const std::string path = "/api/v1/namespaces/default/configmaps/slow";

  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":")" + path + R"(","delayMs":20000,"count":1})");
  CallOptions call;
  std::thread canceler([&] {
    std::this_thread::sleep_for(milliseconds(300));
    call.cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  auto canceled = c.Get(resources::kConfigMaps, "default", "slow", call);
  canceler.join();
  EXPECT_EQ(canceled.status().code(), ErrorCode::kCanceled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":")" + path + R"(","delayMs":20000,"count":1})");
  CallOptions quick;
  quick.timeout = milliseconds(300);
  EXPECT_EQ(c.Get(resources::kConfigMaps, "default", "slow", quick).status().code(),
            ErrorCode::kTimeout);

  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":")" + path + R"(","truncate":true,"count":1})");
  auto truncated = c.Get(resources::kConfigMaps, "default", "slow");
  EXPECT_EQ(truncated.status().code(), ErrorCode::kUnavailable) << truncated.status().ToString();

  server->Admin("POST", "/_test/faults",
                R"({"method":"GET","path":")" + path + R"(","closeConnection":true,"count":1})");
  EXPECT_THAT(c.Get(resources::kConfigMaps, "default", "slow"), IsOk());  // retried
}

TEST(ClientTest, AccessReviewsAndForbidden) {
  const std::string dir = ::testing::TempDir();
  const std::string policy = dir + "/k8sapi_policy.yaml";
  {
    std::ofstream out(policy);
    out << "rules:\n  - users: [\"bob\"]\n    verbs: [\"list\", \"get\"]\n"
           "    resources: [\"secrets\"]\n    effect: deny\ndefault: allow\n";
  }
  TestApiServerOptions options;
  options.args = {"--policy", policy,        "--token", "admintoken=admin,system:masters",
                  "--token",  "bobtoken=bob"};
  auto server = Start(options);
  ASSERT_NE(server, nullptr);
  Client admin = MakeClient(*server, std::make_shared<StaticToken>("admintoken"));
  Client bob = MakeClient(*server, std::make_shared<StaticToken>("bobtoken"));
  Client nobody = MakeClient(*server);

  AccessCheck list_secrets{"list", "", "secrets", "", "default", ""};
  auto self_admin = admin.SelfSubjectAccessReview(list_secrets);
  ASSERT_THAT(self_admin, IsOk());
  EXPECT_TRUE(self_admin->allowed);
  auto self_bob = bob.SelfSubjectAccessReview(list_secrets);
  ASSERT_THAT(self_bob, IsOk());
  EXPECT_FALSE(self_bob->allowed);

  auto sar_bob = admin.SubjectAccessReview(list_secrets, "bob", {});
  ASSERT_THAT(sar_bob, IsOk());
  EXPECT_FALSE(sar_bob->allowed);
  auto sar_master = admin.SubjectAccessReview(list_secrets, "bob", {"system:masters"});
  ASSERT_THAT(sar_master, IsOk());
  EXPECT_TRUE(sar_master->allowed);

  auto forbidden = bob.List(resources::kSecrets, "default");
  EXPECT_EQ(forbidden.status().code(), ErrorCode::kUnauthorized);
  EXPECT_THAT(forbidden.status().message(), HasSubstr("forbidden"));
  EXPECT_THAT(bob.List(resources::kConfigMaps, "default"), IsOk());

  // Connect() takes the credentials from the RestConfig.
  RestConfig bob_config;
  bob_config.server = server->url();
  bob_config.auth.token = "bobtoken";
  auto connected = Client::Connect(bob_config);
  ASSERT_THAT(connected, IsOk());
  EXPECT_EQ(connected->List(resources::kSecrets, "default").status().code(),
            ErrorCode::kUnauthorized);
  EXPECT_THAT(connected->List(resources::kConfigMaps, "default"), IsOk());

  auto anonymous = nobody.ServerVersion();
  EXPECT_EQ(anonymous.status().code(), ErrorCode::kUnauthorized);
}

TEST(ClientTest, PodLogs) {
  TestApiServerOptions options;
  options.images = {{"busybox", "-"}};
  auto server = Start(options);
  ASSERT_NE(server, nullptr);
  Client c = MakeClient(*server);
  // A Job's pod (the simulated kubelet runs it and keeps its output).
  auto job = serialize::ParseJson(R"({"apiVersion":"batch/v1","kind":"Job",
    "metadata":{"name":"talker","namespace":"default"},
    "spec":{"backoffLimit":0,"template":{"spec":{"restartPolicy":"Never",
      "containers":[{"name":"main","image":"busybox",
        "command":["/bin/sh","-c","echo one; echo two; echo three"]}]}}}})");
  ASSERT_THAT(job, IsOk());
  ASSERT_THAT(c.Create(resources::kJobs, "default", *job), IsOk());
  std::string phase;
  std::string pod;
  ListOptions of_job;
  of_job.label_selector = "job-name=talker";
  for (int i = 0; i < 200 && phase != "Succeeded" && phase != "Failed"; ++i) {
    auto pods = c.List(resources::kPods, "default", of_job);
    ASSERT_THAT(pods, IsOk());
    if (!pods->items.empty()) {
      pod = Str(pods->items[0], "metadata.name");
      phase = Str(pods->items[0], "status.phase");
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_EQ(phase, "Succeeded");

  auto logs = c.GetLogs("default", pod);
  ASSERT_THAT(logs, IsOk());
  EXPECT_EQ(*logs, "one\ntwo\nthree\n");
  LogOptions tail;
  tail.container = "main";
  tail.tail_lines = 1;
  auto last = c.GetLogs("default", pod, tail);
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(*last, "three\n");

  std::string streamed;
  LogOptions follow;
  follow.follow = true;
  ASSERT_THAT(c.StreamLogs("default", pod, follow,
                           [&](std::string_view chunk) {
                             streamed.append(chunk);
                             return true;
                           }),
              IsOk());
  EXPECT_EQ(streamed, "one\ntwo\nthree\n");

  auto missing = c.GetLogs("default", "nope");
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

TEST(ClientTest, TlsWithCaAndClientCertificate) {
  TestApiServerOptions options;
  options.tls = true;
  options.args = {"--token", "t=someone"};
  auto server = Start(options);
  ASSERT_NE(server, nullptr);
  const std::string ca = ReadFile(server->ca_pem_path());
  ASSERT_FALSE(ca.empty());

  RestConfig config;
  config.server = server->url();
  config.ca_pem = ca;
  config.auth.client_certificate_pem = ReadFile(server->client_cert_path());
  config.auth.client_key_pem = ReadFile(server->client_key_path());
  Client with_cert = MakeClient(config);
  auto review = with_cert.SelfSubjectAccessReview(AccessCheck{"delete", "", "nodes", "", "", ""});
  ASSERT_THAT(review, IsOk());  // CN=tester O=system:masters
  EXPECT_TRUE(review->allowed);

  // CA only: the TLS handshake works, the API refuses an anonymous request.
  RestConfig ca_only = config;
  ca_only.auth = {};
  EXPECT_EQ(MakeClient(ca_only).ServerVersion().status().code(), ErrorCode::kUnauthorized);

  // No CA: verification fails; insecure skips it.
  RestConfig no_ca = config;
  no_ca.ca_pem.clear();
  auto unverified = MakeClient(no_ca).ServerVersion();
  EXPECT_EQ(unverified.status().code(), ErrorCode::kUnavailable);
  no_ca.insecure_skip_tls_verify = true;
  EXPECT_THAT(MakeClient(no_ca).ServerVersion(), IsOk());

  // tls-server-name: the certificate names kubernetes.test, not this one.
  RestConfig named = config;
  named.tls_server_name = "kubernetes.test";
  EXPECT_THAT(MakeClient(named).ServerVersion(), IsOk());
  named.tls_server_name = "wrong.example";
  auto mismatch = MakeClient(named).ServerVersion();
  EXPECT_EQ(mismatch.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace aicr::k8s
