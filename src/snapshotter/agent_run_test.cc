// RunSnapshotAgent against the in-repo test API server, whose simulated kubelet
// runs the agent Job's container as a local script (the image is mapped to it).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "k8s/client.h"
#include "k8s/rest_config.h"
#include "serialize/value.h"
#include "snapshotter/agent.h"
#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"

namespace aicr::snapshotter {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using serialize::Value;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRunId[] = "20260101-000000-0123456789abcdef";

// Writes the snapshot the way the agent does: a ConfigMap named by `-o`.
constexpr char kOkScript[] = R"(#!/bin/sh
target=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then target="$2"; shift; fi
  shift
done
[ "$AICR_AGENT_MODE" = true ] || { echo "not in agent mode"; exit 3; }
[ "$AICR_LOG_PREFIX" = agent ] || exit 3
[ -n "$NODE_NAME" ] || { echo "no NODE_NAME"; exit 4; }
[ -n "$SLOW" ] && sleep "$SLOW"
ref=${target#cm://}
ns=${ref%%/*}
name=${ref#*/}
body=$(printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","namespace":"%s","labels":{"app.kubernetes.io/name":"aicr","app.kubernetes.io/component":"Snapshot"}},"data":{"format":"yaml","snapshot.yaml":"kind: Snapshot\\nnode: %s\\n"}}' "$name" "$ns" "$NODE_NAME")
curl -sf -X POST -H 'Content-Type: application/json' -d "$body" \
  "http://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/$ns/configmaps" \
  >/dev/null || { echo "write failed"; exit 5; }
echo "wrote $target"
)";

constexpr char kSlowScript[] = R"(#!/bin/sh
sleep 2
exec env SLOW= "$(dirname "$0")/ok.sh" "$@"
)";

constexpr char kFailScript[] = R"(#!/bin/sh
echo "collecting gpu"
echo "gpu collector: no devices found"
exit 1
)";

constexpr char kHangScript[] = R"(#!/bin/sh
echo "started"
exec sleep 600
)";

// Every object the agent run could create or touch, as `resource/ns/name`.
std::set<std::string> Inventory(const k8s::Client& client) {
  namespace r = k8s::resources;
  std::set<std::string> out;
  for (const k8s::Resource* res :
       {&r::kServiceAccounts, &r::kRoles, &r::kRoleBindings, &r::kClusterRoles,
        &r::kClusterRoleBindings, &r::kJobs, &r::kPods, &r::kConfigMaps, &r::kNamespaces}) {
    auto list = client.ListAll(*res, "");
    EXPECT_THAT(list, IsOk());
    if (!list.ok()) {
      continue;
    }
    for (const Value& item : list->items) {
      const Value* ns = item.FindPath("metadata.namespace");
      out.insert(res->resource + "/" + (ns != nullptr ? *ns->if_string() : "") + "/" +
                 *item.FindPath("metadata.name")->if_string());
    }
  }
  return out;
}

// Whether every field of `want` is in `got` with the same value.
::testing::AssertionResult Contains(const Value& got, const Value& want, const std::string& at) {
  if (want.is_mapping()) {
    if (!got.is_mapping()) {
      return ::testing::AssertionFailure() << at << ": expected a mapping";
    }
    for (const auto& [k, v] : *want.if_mapping()) {
      const Value* g = got.Find(k);
      if (g == nullptr) {
        return ::testing::AssertionFailure() << at << "." << k << ": missing";
      }
      auto r = Contains(*g, v, at + "." + k);
      if (!r) {
        return r;
      }
    }
    return ::testing::AssertionSuccess();
  }
  if (want.is_sequence()) {
    if (!got.is_sequence() || got.size() != want.size()) {
      return ::testing::AssertionFailure() << at << ": sequence differs: " << got.DebugString();
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
      auto r =
          Contains((*got.if_sequence())[i], (*want.if_sequence())[i], at + "." + std::to_string(i));
      if (!r) {
        return r;
      }
    }
    return ::testing::AssertionSuccess();
  }
  if (!(got == want)) {
    return ::testing::AssertionFailure()
           << at << ": " << got.DebugString() << " != " << want.DebugString();
  }
  return ::testing::AssertionSuccess();
}

class AgentRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/aicr-agent-run-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    scripts_ = tmpl;
    for (const auto& [name, text] :
         std::vector<std::pair<std::string, std::string>>{{"ok.sh", kOkScript},
                                                          {"slow.sh", kSlowScript},
                                                          {"fail.sh", kFailScript},
                                                          {"hang.sh", kHangScript}}) {
      const std::string path = scripts_ + "/" + name;
      std::ofstream(path) << text;
      chmod(path.c_str(), 0755);
    }
  }
  static void TearDownTestSuite() { fs::remove_all(scripts_); }

  void Start(std::vector<std::string> seeds = {}, std::vector<std::string> args = {}) {
    TestApiServerOptions o;
    o.seeds = std::move(seeds);
    o.args = std::move(args);
    o.images = {{"registry.example/aicr:ok", scripts_ + "/ok.sh"},
                {"registry.example/aicr:slow", scripts_ + "/slow.sh"},
                {"registry.example/aicr:fail", scripts_ + "/fail.sh"},
                {"registry.example/aicr:hang", scripts_ + "/hang.sh"},
                {"registry.example/aicr:noop", "/bin/true"}};
    server_ = TestApiServer::Start(o);
    ASSERT_NE(server_, nullptr);
    admin_ = Connect("");
  }

  std::shared_ptr<const k8s::Client> Connect(const std::string& token) {
    k8s::RestConfig config;
    config.server = server_->url();
    config.auth.token = token;
    auto client = k8s::Client::Connect(config);
    EXPECT_THAT(client, IsOk());
    return std::make_shared<const k8s::Client>(std::move(client).value());
  }

  AgentConfig Config(const std::string& image_tag) {
    AgentConfig c;
    c.image = "registry.example/aicr:" + image_tag;
    c.timeout = std::chrono::seconds(60);
    return c;
  }

  AgentIo Io() {
    AgentIo io;
    io.clock = &clock_;
    io.random_hex = [] { return std::string("0123456789abcdef"); };
    io.progress = &progress_;
    io.log = &log_;
    return io;
  }

  // The request log: (method, path, query).
  std::vector<std::tuple<std::string, std::string, std::string>> Requests() {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    const auto j = nlohmann::json::parse(server_->Admin("GET", "/_test/requests"), nullptr, false);
    if (!j.is_object()) {
      ADD_FAILURE() << "no request log";
      return out;
    }
    for (const auto& r : j["requests"]) {
      out.emplace_back(r.value("method", ""), r.value("path", ""), r.value("query", ""));
    }
    return out;
  }

  std::vector<std::string> Posts() {
    std::vector<std::string> out;
    for (const auto& [method, path, query] : Requests()) {
      if (method == "POST" && path.find("accessreviews") == std::string::npos) {
        out.push_back(path);
      }
    }
    return out;
  }

  // Waits until the run's Job exists (the agent is then waiting for it).
  bool WaitForJob(const std::string& ns, const std::string& name) {
    for (int i = 0; i < 400; ++i) {
      if (admin_->Get(k8s::resources::kJobs, ns, name).ok()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }

  static std::string scripts_;
  std::unique_ptr<TestApiServer> server_;
  std::shared_ptr<const k8s::Client> admin_;
  FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1767225600))};
  std::ostringstream progress_;
  std::ostringstream log_;
};

std::string AgentRunTest::scripts_;

TEST_F(AgentRunTest, SucceedsReadsResultAndLeavesOnlyWhatWasThere) {
  Start();
  const std::set<std::string> before = Inventory(*admin_);
  const AgentConfig config = Config("ok");
  auto r = RunSnapshotAgent(admin_, config, Io());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->run_id, kRunId);
  EXPECT_EQ(r->document, "kind: Snapshot\nnode: test-node\n");
  EXPECT_EQ(r->format, "yaml");
  EXPECT_EQ(Inventory(*admin_), before);
  // Each object was created once, in order; nothing else was created by the CLI.
  const std::string id = kRunId;
  EXPECT_EQ(Posts(), (std::vector<std::string>{
                         "/api/v1/namespaces/default/serviceaccounts",
                         "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
                         "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                         "/apis/rbac.authorization.k8s.io/v1/clusterroles",
                         "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
                         "/apis/batch/v1/namespaces/default/jobs",
                         "/api/v1/namespaces/default/configmaps",  // the agent's write
                     }));
  // Cleanup deleted the recorded objects and the staging ConfigMap.
  std::set<std::string> deleted;
  for (const auto& [method, path, query] : Requests()) {
    if (method == "DELETE") {
      deleted.insert(path);
    }
  }
  EXPECT_EQ(deleted.count("/apis/batch/v1/namespaces/default/jobs/aicr-" + id), 1u);
  EXPECT_EQ(deleted.count("/apis/rbac.authorization.k8s.io/v1/clusterroles/aicr-node-reader-" + id),
            1u);
  EXPECT_EQ(deleted.count("/api/v1/namespaces/default/configmaps/aicr-agent-snapshot-" + id), 1u);
  EXPECT_EQ(deleted.size(), 7u);
  EXPECT_THAT(progress_.str(), HasSubstr("waiting for job \"default/aicr-" + id + "\""));
  EXPECT_EQ(log_.str(), "");
}

TEST_F(AgentRunTest, NoCleanupKeepsObjectsExactlyAsRendered) {
  Start();
  AgentConfig config = Config("ok");
  config.no_cleanup = true;
  auto r = RunSnapshotAgent(admin_, config, Io());
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0], HasSubstr("no cleanup"));
  const AgentObjects rendered = RenderAgentObjects(config, kRunId, false);
  std::vector<Value> all = rendered.rbac;
  all.push_back(rendered.job);
  for (const Value& want : all) {
    const std::string kind = *want.Find("kind")->if_string();
    const k8s::Resource& res = kind == "ServiceAccount"       ? k8s::resources::kServiceAccounts
                               : kind == "Role"               ? k8s::resources::kRoles
                               : kind == "RoleBinding"        ? k8s::resources::kRoleBindings
                               : kind == "ClusterRole"        ? k8s::resources::kClusterRoles
                               : kind == "ClusterRoleBinding" ? k8s::resources::kClusterRoleBindings
                                                              : k8s::resources::kJobs;
    auto got = admin_->Get(res, "default", *want.FindPath("metadata.name")->if_string());
    ASSERT_THAT(got, IsOk()) << kind;
    EXPECT_TRUE(Contains(*got, want, kind));
  }
  EXPECT_THAT(admin_->Get(k8s::resources::kConfigMaps, "default",
                          std::string("aicr-agent-snapshot-") + kRunId),
              IsOk());
}

TEST_F(AgentRunTest, MissingPermissionsAreReportedTogetherAndNothingIsCreated) {
  const std::string policy = R"(rules:
  - users: ["alice"]
    verbs: ["create"]
    resources: ["jobs"]
    apiGroups: ["batch"]
    effect: deny
  - users: ["alice"]
    verbs: ["delete"]
    resources: ["clusterroles"]
    effect: deny
  - users: ["alice"]
    verbs: ["get"]
    resources: ["pods/log"]
    effect: deny
default: allow
)";
  char tmpl[] = "/tmp/aicr-agent-policy-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/policy.yaml";
  std::ofstream(path) << policy;
  Start({}, {"--policy", path});
  server_->Admin("POST", "/_test/tokens", R"({"token":"alice-token","user":"alice","groups":[]})");
  const std::set<std::string> before = Inventory(*admin_);
  server_->Admin("DELETE", "/_test/requests");
  auto r = RunSnapshotAgent(Connect("alice-token"), Config("ok"), Io());
  fs::remove_all(tmpl);
  EXPECT_THAT(r, StatusIs(ErrorCode::kUnauthorized,
                          AllOf(HasSubstr("3 missing permissions"),
                                HasSubstr("the caller cannot create jobs.batch in namespace "
                                          "\"default\""),
                                HasSubstr("the caller cannot delete "
                                          "clusterroles.rbac.authorization.k8s.io cluster-wide"),
                                HasSubstr("the caller cannot get pods/log in namespace"))));
  EXPECT_THAT(Posts(), ::testing::IsEmpty());
  EXPECT_EQ(Inventory(*admin_), before);
}

TEST_F(AgentRunTest, ExistingServiceAccountIsUsedWithoutRbac) {
  Start({"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: agent-sa, namespace: default}\n"});
  const std::set<std::string> before = Inventory(*admin_);
  AgentConfig config = Config("ok");
  config.service_account_name = "agent-sa";
  config.service_account_name_set = true;
  auto r = RunSnapshotAgent(admin_, config, Io());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Posts(), (std::vector<std::string>{"/apis/batch/v1/namespaces/default/jobs",
                                               "/api/v1/namespaces/default/configmaps"}));
  // The agent's account was checked with SubjectAccessReview.
  bool sar = false;
  for (const auto& [method, path, query] : Requests()) {
    sar = sar || path == "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  }
  EXPECT_TRUE(sar);
  EXPECT_EQ(Inventory(*admin_), before);
}

TEST_F(AgentRunTest, ExistingServiceAccountWithoutPermissionsIsRefused) {
  const std::string policy = R"(rules:
  - users: ["system:serviceaccount:default:agent-sa"]
    verbs: ["list"]
    resources: ["nodes"]
    effect: deny
default: allow
)";
  char tmpl[] = "/tmp/aicr-agent-policy-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/policy.yaml";
  std::ofstream(path) << policy;
  Start({"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: agent-sa, namespace: default}\n"},
        {"--policy", path});
  AgentConfig config = Config("ok");
  config.service_account_name = "agent-sa";
  config.service_account_name_set = true;
  auto r = RunSnapshotAgent(admin_, config, Io());
  fs::remove_all(tmpl);
  EXPECT_THAT(r, StatusIs(ErrorCode::kUnauthorized,
                          HasSubstr("service account \"default/agent-sa\" cannot list nodes "
                                    "cluster-wide")));
}

TEST_F(AgentRunTest, DeliveredConfigMapIsKept) {
  Start();
  const std::set<std::string> before = Inventory(*admin_);
  AgentConfig config = Config("ok");
  config.output_configmap = "cm://default/my-snapshot";
  auto r = RunSnapshotAgent(admin_, config, Io());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->document, "kind: Snapshot\nnode: test-node\n");
  std::set<std::string> expected = before;
  expected.insert("configmaps/default/my-snapshot");
  EXPECT_EQ(Inventory(*admin_), expected);
}

TEST_F(AgentRunTest, DeliveredConfigMapInAnotherNamespaceIsRefusedBeforeAnything) {
  Start();
  AgentConfig config = Config("ok");
  config.output_configmap = "cm://elsewhere/my-snapshot";
  server_->Admin("DELETE", "/_test/requests");
  auto r = RunSnapshotAgent(admin_, config, Io());
  EXPECT_THAT(r, StatusIs(ErrorCode::kInvalidRequest,
                          AllOf(HasSubstr("\"elsewhere\""), HasSubstr("must equal"))));
  EXPECT_TRUE(Requests().empty());
}

TEST_F(AgentRunTest, AgentFailureDumpsLogsAndCleansUp) {
  Start();
  const std::set<std::string> before = Inventory(*admin_);
  AgentConfig config = Config("fail");
  config.ns = "agent-fail";  // created, and kept afterwards
  auto r = RunSnapshotAgent(admin_, config, Io());
  EXPECT_THAT(r, StatusIs(ErrorCode::kInternal,
                          AllOf(HasSubstr("job \"agent-fail/aicr-"), HasSubstr("failed"),
                                HasSubstr("BackoffLimitExceeded"))));
  EXPECT_EQ(log_.str(),
            "--- agent logs ---\ncollecting gpu\ngpu collector: no devices found\n"
            "--- end agent logs ---\n");
  std::set<std::string> expected = before;
  expected.insert("namespaces//agent-fail");
  EXPECT_EQ(Inventory(*admin_), expected);
  auto ns = admin_->Get(k8s::resources::kNamespaces, "", "agent-fail");
  ASSERT_THAT(ns, IsOk());
  EXPECT_EQ(*ns->FindPath("metadata.labels")->Find("app.kubernetes.io/name"), Value("aicr"));
}

TEST_F(AgentRunTest, TimeoutCleansUp) {
  Start();
  const std::set<std::string> before = Inventory(*admin_);
  AgentConfig config = Config("hang");
  config.timeout = std::chrono::milliseconds(1500);
  auto r = RunSnapshotAgent(admin_, config, Io());
  EXPECT_THAT(r, StatusIs(ErrorCode::kTimeout, HasSubstr("did not finish within 1500ms")));
  EXPECT_EQ(Inventory(*admin_), before);
}

TEST_F(AgentRunTest, CancellationWhileWaitingCleansUp) {
  Start();
  const std::set<std::string> before = Inventory(*admin_);
  AgentIo io = Io();
  std::thread canceler([&] {
    EXPECT_TRUE(WaitForJob("default", std::string("aicr-") + kRunId));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    io.cancel.Cancel();
  });
  auto r = RunSnapshotAgent(admin_, Config("hang"), io);
  canceler.join();
  EXPECT_THAT(r, StatusIs(ErrorCode::kCanceled, HasSubstr("canceled")));
  EXPECT_EQ(Inventory(*admin_), before);
}

TEST_F(AgentRunTest, WatchClosedByServerStillCompletes) {
  Start();
  const std::set<std::string> before = Inventory(*admin_);
  std::thread closer([&] {
    EXPECT_TRUE(WaitForJob("default", std::string("aicr-") + kRunId));
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      server_->Admin("POST", "/_test/watch/close");
    }
  });
  auto r = RunSnapshotAgent(admin_, Config("slow"), Io());
  closer.join();
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->document, "kind: Snapshot\nnode: test-node\n");
  int watches = 0;
  for (const auto& [method, path, query] : Requests()) {
    if (method == "GET" && path == "/apis/batch/v1/namespaces/default/jobs" &&
        query.find("watch=") != std::string::npos) {
      ++watches;
      EXPECT_THAT(query, HasSubstr("fieldSelector=metadata.name%3Daicr-"));
    }
  }
  EXPECT_GE(watches, 2) << "the watch was resumed after the server closed it";
  EXPECT_EQ(Inventory(*admin_), before);
}

TEST_F(AgentRunTest, MissingRuntimeClassIsNotFoundWithHint) {
  Start();
  AgentConfig config = Config("ok");
  config.runtime_class = "nvidia";
  server_->Admin("DELETE", "/_test/requests");
  auto r = RunSnapshotAgent(admin_, config, Io());
  EXPECT_THAT(r, StatusIs(ErrorCode::kNotFound, AllOf(HasSubstr("runtime class \"nvidia\""),
                                                      HasSubstr("kubectl get runtimeclass"))));
  EXPECT_THAT(Posts(), ::testing::IsEmpty());
}

TEST_F(AgentRunTest, ExistingRuntimeClassIsAccepted) {
  // RuntimeClass served through a CRD of the same group and name.
  Start({R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: runtimeclasses.node.k8s.io}
spec:
  group: node.k8s.io
  scope: Cluster
  names: {plural: runtimeclasses, singular: runtimeclass, kind: RuntimeClass, listKind: RuntimeClassList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: nvidia}
handler: nvidia
)"});
  AgentConfig config = Config("ok");
  config.runtime_class = "nvidia";
  auto r = RunSnapshotAgent(admin_, config, Io());
  ASSERT_THAT(r, IsOk());
}

TEST_F(AgentRunTest, ProgressOnTtyIsOneRewrittenLine) {
  Start();
  AgentIo io = Io();
  io.progress_is_tty = true;
  auto r = RunSnapshotAgent(admin_, Config("slow"), io);
  ASSERT_THAT(r, IsOk());
  const std::string p = progress_.str();
  EXPECT_EQ(p.front(), '\r');
  EXPECT_EQ(p.back(), '\n');
  EXPECT_EQ(std::count(p.begin(), p.end(), '\n'), 1) << p;
  EXPECT_THAT(p, HasSubstr("s)"));
}

TEST_F(AgentRunTest, ExpiredWatchIsRecoveredByRelisting) {
  Start();
  const std::set<std::string> before = Inventory(*admin_);
  std::thread closer([&] {
    EXPECT_TRUE(WaitForJob("default", std::string("aicr-") + kRunId));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // Another write moves the resourceVersion on; after the compaction the
    // resumed watch's resourceVersion is too old: 410 Expired.
    Value cm;
    cm.Set("apiVersion", "v1");
    cm.Set("kind", "ConfigMap");
    cm.Set("metadata", Value());
    cm.Find("metadata")->Set("name", "unrelated");
    EXPECT_THAT(admin_->Create(k8s::resources::kConfigMaps, "kube-system", cm), IsOk());
    server_->Admin("POST", "/_test/compact");
    server_->Admin("POST", "/_test/watch/close");
  });
  auto r = RunSnapshotAgent(admin_, Config("slow"), Io());
  closer.join();
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->document, "kind: Snapshot\nnode: test-node\n");
  int lists = 0;
  for (const auto& [method, path, query] : Requests()) {
    if (method == "GET" && path == "/apis/batch/v1/namespaces/default/jobs" &&
        query.find("watch=") == std::string::npos) {
      ++lists;
    }
  }
  EXPECT_GE(lists, 1) << "the job was read again after the watch expired";
  std::set<std::string> expected = before;
  expected.insert("configmaps/kube-system/unrelated");
  expected.insert("namespaces//kube-system");
  EXPECT_EQ(Inventory(*admin_), expected);
}

TEST_F(AgentRunTest, NameCollisionIsInternalAndForeignObjectIsKept) {
  Start({std::string("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: aicr-") + kRunId +
         ", namespace: default}\n"});
  const std::set<std::string> before = Inventory(*admin_);
  auto r = RunSnapshotAgent(admin_, Config("ok"), Io());
  EXPECT_THAT(r, StatusIs(ErrorCode::kInternal, HasSubstr("already exists")));
  EXPECT_EQ(Inventory(*admin_), before);
  EXPECT_EQ(Posts(), (std::vector<std::string>{"/api/v1/namespaces/default/serviceaccounts"}));
}

TEST_F(AgentRunTest, LostCreateAnswerIsReReadAndCleanedUp) {
  Start();
  const std::set<std::string> before = Inventory(*admin_);
  // The ClusterRole is created but its answer is cut in half.
  server_->Admin("POST", "/_test/faults",
                 R"({"method":"POST","path":"/apis/rbac.authorization.k8s.io/v1/clusterroles",)"
                 R"("truncate":true})");
  auto r = RunSnapshotAgent(admin_, Config("ok"), Io());
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("clusterroles"));
  EXPECT_EQ(Inventory(*admin_), before);
  bool deleted = false;
  for (const auto& [method, path, query] : Requests()) {
    deleted = deleted || (method == "DELETE" &&
                          path.find("/clusterroles/aicr-node-reader-") != std::string::npos);
  }
  EXPECT_TRUE(deleted);
}

// The staging ConfigMap of the fixed run id, written before the run (the agent
// image then does nothing).
std::string StagingSeed(const std::string& data) {
  return std::string("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aicr-agent-snapshot-") +
         kRunId + ", namespace: default}\ndata:\n" + data;
}

TEST_F(AgentRunTest, ResultKeyFollowsFormatWithFallback) {
  Start({StagingSeed("  format: json\n  snapshot.yaml: \"kind: Snapshot\\n\"\n")});
  auto r = RunSnapshotAgent(admin_, Config("noop"), Io());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->document, "kind: Snapshot\n");
  EXPECT_EQ(r->format, "json");
  EXPECT_THAT(admin_->Get(k8s::resources::kConfigMaps, "default",
                          std::string("aicr-agent-snapshot-") + kRunId),
              StatusIs(ErrorCode::kNotFound, ::testing::_));
}

TEST_F(AgentRunTest, MissingResultKeyIsNotFound) {
  Start({StagingSeed("  format: yaml\n  timestamp: now\n")});
  const std::set<std::string> before = Inventory(*admin_);
  auto r = RunSnapshotAgent(admin_, Config("noop"), Io());
  EXPECT_THAT(r, StatusIs(ErrorCode::kNotFound, HasSubstr("no snapshot.yaml key")));
  std::set<std::string> expected = before;
  expected.erase(std::string("configmaps/default/aicr-agent-snapshot-") + kRunId);
  EXPECT_EQ(Inventory(*admin_), expected);
}

}  // namespace
}  // namespace aicr::snapshotter
