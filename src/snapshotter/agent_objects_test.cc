#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "snapshotter/agent.h"
#include "tests/testing/k8s_validate.h"
#include "tests/testing/status_matchers.h"

namespace aicr::snapshotter {
namespace {

namespace fs = std::filesystem;
using serialize::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kRunId[] = "20260101-000000-0123456789abcdef";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RunIdTest, FormatsUtcStampAndHex) {
  // 2026-03-04T05:06:07Z
  FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1772600767)));
  EXPECT_EQ(NewRunId(clock, [] { return std::string("0123456789abcdef"); }),
            "20260304-050607-0123456789abcdef");
}

TEST(RunIdTest, RandomSuffixIsSixteenHex) {
  FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(0)));
  const std::string a = NewRunId(clock, nullptr);
  const std::string b = NewRunId(clock, nullptr);
  ASSERT_EQ(a.size(), 32u);
  EXPECT_EQ(a.substr(0, 16), "19700101-000000-");
  for (char c : a.substr(16)) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << a;
  }
  EXPECT_NE(a, b);
}

TEST(RunScopedNameTest, TruncatesPrefixAndTrimsDashes) {
  EXPECT_EQ(RunScopedName("aicr", kRunId), std::string("aicr-") + kRunId);
  // 63 - 32 - 1 = 30 characters of prefix at most.
  const std::string longp = "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::string name = RunScopedName(longp, kRunId);
  EXPECT_EQ(name, "abcdefghijklmnopqrstuvwxyz0123-" + std::string(kRunId));
  EXPECT_EQ(name.size(), 63u);
  // A cut that ends in '-' loses it.
  EXPECT_EQ(RunScopedName("abcdefghijklmnopqrstuvwxyz012-456", kRunId),
            "abcdefghijklmnopqrstuvwxyz012-" + std::string(kRunId));
  EXPECT_EQ(RunScopedName("abcdefghijklmnopqrstuvwxyz01--456", kRunId),
            "abcdefghijklmnopqrstuvwxyz01-" + std::string(kRunId));
  EXPECT_EQ(RunScopedName("job-", kRunId), "job-" + std::string(kRunId));
}

TEST(ParseTolerationTest, BothShapes) {
  auto eq = ParseToleration("dedicated=gpu:NoSchedule");
  ASSERT_THAT(eq, IsOk());
  EXPECT_EQ(*eq, (Toleration{"dedicated", "Equal", "gpu", "NoSchedule"}));
  auto ex = ParseToleration("nvidia.com/gpu:NoExecute");
  ASSERT_THAT(ex, IsOk());
  EXPECT_EQ(*ex, (Toleration{"nvidia.com/gpu", "Exists", "", "NoExecute"}));
  auto pref = ParseToleration("a=:PreferNoSchedule");
  ASSERT_THAT(pref, IsOk());
  EXPECT_EQ(*pref, (Toleration{"a", "Equal", "", "PreferNoSchedule"}));
}

TEST(ParseTolerationTest, RejectsBadShapes) {
  EXPECT_THAT(ParseToleration("key=value"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("missing effect")));
  EXPECT_THAT(ParseToleration("key=value:Sometimes"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("NoSchedule, PreferNoSchedule")));
  EXPECT_THAT(ParseToleration("key:"), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("effect")));
  EXPECT_THAT(ParseToleration("=v:NoSchedule"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("needs a key")));
  EXPECT_THAT(ParseToleration("bad key:NoSchedule"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid key")));
  EXPECT_THAT(ParseToleration("k=bad value:NoSchedule"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid value")));
}

TEST(ParseResourceListTest, ParsesQuantities) {
  auto r = ParseResourceList("cpu=500m, memory=1Gi,ephemeral-storage=2.5G,nvidia.com/gpu=2");
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(*r, ElementsAre(Pair("cpu", "500m"), Pair("ephemeral-storage", "2.5G"),
                              Pair("memory", "1Gi"), Pair("nvidia.com/gpu", "2")));
  EXPECT_THAT(ParseResourceList(""), IsOk());
  for (const char* q : {"1", "0.5", ".5", "1.", "+1", "1e3", "1E-2", "128974848", "129e6", "129M",
                        "123Mi", "1Ki", "5Ei", "100m"}) {
    EXPECT_TRUE(IsResourceQuantity(q)) << q;
  }
  for (const char* q : {"", "-1", "1.5.5", "1GB", "Gi", "1 Gi", "1e", "1ki", "m", ".", "1e1.5"}) {
    EXPECT_FALSE(IsResourceQuantity(q)) << q;
  }
}

TEST(ParseResourceListTest, RejectsBadEntries) {
  EXPECT_THAT(ParseResourceList("cpu"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not name=quantity")));
  EXPECT_THAT(ParseResourceList("=1"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("empty resource name")));
  EXPECT_THAT(ParseResourceList("cpu=lots"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not a Kubernetes quantity")));
  EXPECT_THAT(ParseResourceList("cpu=1,,memory=1Gi"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not name=quantity")));
  EXPECT_THAT(ParseResourceList("cpu=1,cpu=2"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("given twice")));
}

AgentConfig BaseConfig() {
  AgentConfig c;
  c.image = "registry.example/aicr:test";
  return c;
}

const Value& Container(const Value& job) {
  return *job.FindPath("spec.template.spec.containers.0");
}

TEST(RenderAgentObjectsTest, PrivilegedDefaults) {
  const AgentObjects o = RenderAgentObjects(BaseConfig(), kRunId, false);
  ASSERT_EQ(o.rbac.size(), 5u);
  const std::string scoped = std::string("aicr-") + kRunId;
  const std::string reader = std::string("aicr-node-reader-") + kRunId;
  EXPECT_EQ(o.rbac[0].FindPath("metadata.name")->DebugString(), Value(scoped).DebugString());
  EXPECT_EQ(*o.rbac[3].FindPath("metadata.name"), Value(reader));
  EXPECT_EQ(*o.rbac[4].FindPath("roleRef.name"), Value(reader));
  EXPECT_EQ(*o.rbac[4].FindPath("subjects.0.name"), Value(scoped));
  EXPECT_EQ(*o.job.FindPath("metadata.name"), Value(scoped));
  EXPECT_EQ(*o.job.FindPath("spec.template.spec.serviceAccountName"), Value(scoped));
  EXPECT_EQ(*o.job.FindPath("spec.template.spec.nodeSelector"),
            serialize::ParseYaml("nvidia.com/gpu.present: \"true\"").value());
  EXPECT_EQ(*o.job.FindPath("spec.template.spec.tolerations"),
            serialize::ParseYaml("- operator: Exists").value());
  EXPECT_EQ(*Container(o.job).Find("args"),
            serialize::ParseYaml(std::string("[snapshot, -o, cm://default/aicr-agent-snapshot-") +
                                 kRunId + "]")
                .value());
  EXPECT_EQ(*Container(o.job).FindPath("securityContext.privileged"), Value(true));
  EXPECT_EQ(Container(o.job).FindPath("volumeMounts")->size(), 3u);
  // Every object and the pod template carry the run labels.
  std::vector<const Value*> labelled = {o.job.FindPath("metadata.labels"),
                                        o.job.FindPath("spec.template.metadata.labels")};
  for (const Value& r : o.rbac) {
    labelled.push_back(r.FindPath("metadata.labels"));
  }
  for (const Value* l : labelled) {
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(*l->Find("aicr.run/run-id"), Value(kRunId));
    EXPECT_EQ(*l->Find("app.kubernetes.io/component"), Value("snapshot-agent"));
  }
}

TEST(RenderAgentObjectsTest, SelectorRules) {
  AgentConfig c = BaseConfig();
  c.require_gpu = true;
  AgentObjects o = RenderAgentObjects(c, kRunId, false);
  EXPECT_EQ(o.job.FindPath("spec.template.spec.nodeSelector"), nullptr);
  const Value& res = *Container(o.job).Find("resources");
  EXPECT_EQ(*res.Find("limits")->Find("nvidia.com/gpu"), Value("1"));
  EXPECT_EQ(*res.Find("requests")->Find("nvidia.com/gpu"), Value("1"));
  c.require_gpu = false;
  c.node_selector = std::map<std::string, std::string>{{"pool", "gpu"}};
  o = RenderAgentObjects(c, kRunId, false);
  EXPECT_EQ(*o.job.FindPath("spec.template.spec.nodeSelector"),
            serialize::ParseYaml("pool: gpu").value());
}

TEST(RenderAgentObjectsTest, GpuRequestFollowsLimit) {
  AgentConfig c = BaseConfig();
  c.require_gpu = true;
  c.limits = std::map<std::string, std::string>{{"nvidia.com/gpu", "4"}, {"cpu", "3"}};
  const AgentObjects o = RenderAgentObjects(c, kRunId, false);
  const Value& res = *Container(o.job).Find("resources");
  EXPECT_EQ(*res.Find("limits")->Find("nvidia.com/gpu"), Value("4"));
  EXPECT_EQ(*res.Find("requests")->Find("nvidia.com/gpu"), Value("4"));
  EXPECT_EQ(*res.Find("requests")->Find("cpu"), Value("1"));
  c.limits.reset();
  c.require_gpu = false;
  c.node_selector = std::map<std::string, std::string>{};
  c.tolerations = std::vector<Toleration>{};
  c.runtime_class = "nvidia";
  const AgentObjects p = RenderAgentObjects(c, kRunId, false);
  EXPECT_EQ(Container(p.job).FindPath("resources.limits")->Find("nvidia.com/gpu"), nullptr);
  EXPECT_EQ(p.job.FindPath("spec.template.spec.nodeSelector"), nullptr);
  EXPECT_EQ(p.job.FindPath("spec.template.spec.tolerations"), nullptr);
  EXPECT_EQ(*p.job.FindPath("spec.template.spec.runtimeClassName"), Value("nvidia"));
  const Value& env = *Container(p.job).Find("env");
  EXPECT_EQ(*env.FindPath("3.name"), Value("NVIDIA_VISIBLE_DEVICES"));
}

TEST(RenderAgentObjectsTest, ExistingServiceAccountHasNoRbac) {
  AgentConfig c = BaseConfig();
  c.service_account_name = "my-sa";
  c.service_account_name_set = true;
  const AgentObjects o = RenderAgentObjects(c, kRunId, true);
  EXPECT_TRUE(o.rbac.empty());
  EXPECT_EQ(*o.job.FindPath("spec.template.spec.serviceAccountName"), Value("my-sa"));
}

TEST(RenderAgentObjectsTest, Deterministic) {
  const AgentObjects a = RenderAgentObjects(BaseConfig(), kRunId, false);
  const AgentObjects b = RenderAgentObjects(BaseConfig(), kRunId, false);
  EXPECT_EQ(serialize::WriteYaml(a.job), serialize::WriteYaml(b.job));
}

class RbacDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/aicr-agent-rbac-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(RbacDirTest, WritesFourFiles) {
  AgentConfig c = BaseConfig();
  c.ns = "gpu-ops";
  auto path = WriteServiceAccountRbac(c, "agent", dir_.string(), kRunId);
  ASSERT_THAT(path, IsOk());
  EXPECT_EQ(*path, (dir_ / (std::string("snapshot-rbac-") + kRunId)).string());
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_THAT(names, ElementsAre(std::string("snapshot-rbac-") + kRunId));
  const fs::path out(*path);
  const Value role = serialize::ParseYaml(ReadFile(out / "01-role.yaml")).value();
  EXPECT_EQ(*role.FindPath("kind"), Value("Role"));
  EXPECT_EQ(*role.FindPath("metadata.name"), Value("aicr-agent-agent-rbac"));
  EXPECT_EQ(*role.FindPath("metadata.namespace"), Value("gpu-ops"));
  const Value rb = serialize::ParseYaml(ReadFile(out / "02-rolebinding.yaml")).value();
  EXPECT_EQ(*rb.FindPath("subjects.0.name"), Value("agent"));
  const Value cr = serialize::ParseYaml(ReadFile(out / "03-clusterrole.yaml")).value();
  EXPECT_EQ(*cr.FindPath("metadata.name"), Value("aicr-agent-gpu-ops.agent-rbac"));
  EXPECT_EQ(cr.FindPath("rules")->size(), 6u);
  const Value crb = serialize::ParseYaml(ReadFile(out / "04-clusterrolebinding.yaml")).value();
  EXPECT_EQ(*crb.FindPath("roleRef.name"), Value("aicr-agent-gpu-ops.agent-rbac"));
  EXPECT_EQ(*crb.FindPath("subjects.0.namespace"), Value("gpu-ops"));

  REQUIRE_K8S_VALIDATOR();
  const auto v = ::aicr::testing::ValidateK8sFiles(
      {(out / "01-role.yaml").string(), (out / "02-rolebinding.yaml").string(),
       (out / "03-clusterrole.yaml").string(), (out / "04-clusterrolebinding.yaml").string()},
      true);
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

TEST_F(RbacDirTest, ExistingDirectoryIsConflictAndUntouched) {
  const fs::path existing = dir_ / (std::string("snapshot-rbac-") + kRunId);
  fs::create_directories(existing);
  std::ofstream(existing / "mine.txt") << "keep";
  EXPECT_THAT(WriteServiceAccountRbac(BaseConfig(), "agent", dir_.string(), kRunId),
              StatusIs(ErrorCode::kConflict, HasSubstr("already exists")));
  EXPECT_EQ(ReadFile(existing / "mine.txt"), "keep");
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u) << "no temporary directory left behind";
}

TEST_F(RbacDirTest, FailureLeavesNoPartialDirectory) {
  // A child process whose file-size limit makes the first file write fail
  // (EFBIG, also for root) after the temporary directory was made.
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    rlimit limit{64, 64};
    setrlimit(RLIMIT_FSIZE, &limit);
    auto r = WriteServiceAccountRbac(BaseConfig(), "agent", dir_.string(), kRunId);
    _exit(r.ok() ? 1 : (r.status().code() == ErrorCode::kUnavailable ? 0 : 2));
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1 = written despite the limit, 2 = other error code";
  EXPECT_TRUE(fs::is_empty(dir_)) << "a partial or temporary directory was left";
  // Without the limit the same call succeeds.
  EXPECT_THAT(WriteServiceAccountRbac(BaseConfig(), "agent", dir_.string(), kRunId), IsOk());
  EXPECT_THAT(WriteServiceAccountRbac(BaseConfig(), "agent", (dir_ / "missing").string(), kRunId),
              StatusIs(ErrorCode::kNotFound, HasSubstr("does not exist")));
}

TEST_F(RbacDirTest, RejectsBadNames) {
  EXPECT_THAT(WriteServiceAccountRbac(BaseConfig(), "Bad_SA", dir_.string(), kRunId),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("service account")));
  EXPECT_TRUE(fs::is_empty(dir_));
}

}  // namespace
}  // namespace aicr::snapshotter
