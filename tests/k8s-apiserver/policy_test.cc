#include "tests/k8s-apiserver/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace aicr::testing::apiserver {
namespace {

using ::testing::HasSubstr;

Attributes Req(const std::string& user, const std::string& verb, const std::string& resource,
               const std::string& ns, std::vector<std::string> groups = {}) {
  Attributes a;
  a.user = user;
  a.groups = std::move(groups);
  a.verb = verb;
  a.resource = resource;
  a.ns = ns;
  return a;
}

Policy MustLoad(const std::string& yaml) {
  Policy p;
  std::string err;
  EXPECT_TRUE(Policy::LoadText(yaml, &p, &err)) << err;
  return p;
}

TEST(PolicyTest, AllowAllAllowsEverything) {
  std::string reason;
  EXPECT_TRUE(Policy::AllowAll().Allowed(Req("bob", "delete", "nodes", ""), &reason));
  EXPECT_EQ(reason, "allowed by default");
}

TEST(PolicyTest, UserRuleDeniesOnlyThatUser) {
  const Policy p = MustLoad(R"(
rules:
  - users: ["alice"]
    verbs: ["get", "list"]
    resources: ["configmaps"]
    effect: deny
)");
  std::string reason;
  EXPECT_FALSE(p.Allowed(Req("alice", "get", "configmaps", "default"), &reason));
  EXPECT_EQ(reason, "denied by rule 0");
  EXPECT_TRUE(p.Allowed(Req("alice", "create", "configmaps", "default"), &reason));
  EXPECT_EQ(reason, "allowed by default");
  EXPECT_TRUE(p.Allowed(Req("bob", "get", "configmaps", "default"), &reason));
  EXPECT_TRUE(p.Allowed(Req("alice", "get", "secrets", "default"), &reason));
}

TEST(PolicyTest, GroupRuleAndFirstMatchWins) {
  const Policy p = MustLoad(R"(
rules:
  - groups: ["readers"]
    verbs: ["get", "list", "watch"]
    resources: ["*"]
    apiGroups: ["*"]
  - groups: ["readers"]
    verbs: ["*"]
    effect: deny
default: allow
)");
  std::string reason;
  EXPECT_TRUE(p.Allowed(Req("carol", "watch", "pods", "x", {"readers"}), &reason));
  EXPECT_EQ(reason, "allowed by rule 0");
  EXPECT_FALSE(p.Allowed(Req("carol", "delete", "pods", "x", {"readers"}), &reason));
  EXPECT_EQ(reason, "denied by rule 1");
  EXPECT_TRUE(p.Allowed(Req("carol", "delete", "pods", "x", {"writers"}), &reason));
}

TEST(PolicyTest, NamespacesApiGroupsSubresourcesAndDefaultDeny) {
  const Policy p = MustLoad(R"(
rules:
  - verbs: ["get"]
    resources: ["pods/log"]
    namespaces: ["aicr"]
  - verbs: ["create"]
    resources: ["jobs"]
    apiGroups: ["batch"]
    namespaces: ["aicr"]
  - verbs: ["get", "list"]
    resources: ["nodes"]
    apiGroups: [""]
default: deny
)");
  std::string reason;
  Attributes log = Req("dave", "get", "pods", "aicr");
  log.subresource = "log";
  EXPECT_TRUE(p.Allowed(log, &reason));
  EXPECT_EQ(reason, "allowed by rule 0");
  EXPECT_FALSE(p.Allowed(Req("dave", "get", "pods", "aicr"), &reason));
  EXPECT_EQ(reason, "denied by default");
  log.ns = "other";
  EXPECT_FALSE(p.Allowed(log, &reason));
  Attributes job = Req("dave", "create", "jobs", "aicr");
  job.group = "batch";
  EXPECT_TRUE(p.Allowed(job, &reason));
  job.group = "";
  EXPECT_FALSE(p.Allowed(job, &reason));
  EXPECT_TRUE(p.Allowed(Req("dave", "list", "nodes", ""), &reason));  // cluster scope
  EXPECT_FALSE(p.Allowed(Req("dave", "delete", "nodes", ""), &reason));
}

TEST(PolicyTest, SystemMastersAlwaysAllowed) {
  const Policy p = MustLoad("rules:\n  - verbs: [\"*\"]\n    effect: deny\ndefault: deny\n");
  std::string reason;
  EXPECT_TRUE(p.Allowed(Req("admin", "delete", "nodes", "", {"system:masters"}), &reason));
  EXPECT_THAT(reason, HasSubstr("system:masters"));
  EXPECT_FALSE(p.Allowed(Req("admin", "get", "nodes", "", {"system:authenticated"}), &reason));
  EXPECT_EQ(reason, "denied by rule 0");
  EXPECT_EQ(p.rule_count(), 1u);
}

TEST(PolicyTest, RejectsMalformedDocuments) {
  Policy p;
  std::string err;
  EXPECT_FALSE(Policy::LoadText("rules:\n  - verbs: [get]\n    effect: maybe\n", &p, &err));
  EXPECT_THAT(err, HasSubstr("rule 0: effect must be allow or deny"));
  EXPECT_FALSE(Policy::LoadText("rules:\n  - verb: [get]\n", &p, &err));
  EXPECT_THAT(err, HasSubstr("unknown field \"verb\""));
  EXPECT_FALSE(Policy::LoadText("default: sometimes\n", &p, &err));
  EXPECT_FALSE(Policy::LoadText("rules: {}\n", &p, &err));
  EXPECT_FALSE(Policy::LoadText("rules:\n  - verbs: get\n", &p, &err));
  EXPECT_THAT(err, HasSubstr("\"verbs\" must be a list"));
  EXPECT_FALSE(Policy::LoadText("rules: [\n", &p, &err));
  EXPECT_FALSE(Policy::LoadText("- a\n", &p, &err));
  EXPECT_TRUE(Policy::LoadText("", &p, &err));
}

TEST(PolicyTest, LoadFile) {
  char path[] = "/tmp/policy-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "rules:\n  - users: [eve]\n    effect: deny\n";
  Policy p;
  std::string err;
  ASSERT_TRUE(Policy::LoadFile(path, &p, &err)) << err;
  EXPECT_FALSE(p.Allowed(Req("eve", "get", "pods", "x"), nullptr));
  EXPECT_TRUE(p.Allowed(Req("mallory", "get", "pods", "x"), nullptr));
  unlink(path);
  EXPECT_FALSE(Policy::LoadFile(path, &p, &err));
  EXPECT_THAT(err, HasSubstr("cannot read"));
}

}  // namespace
}  // namespace aicr::testing::apiserver
