// The container contract, in process: a registry of stand-in checks run through
// RunValidator against the test API server (reached through KUBECONFIG).

#include "validator/checks/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "tests/k8s-apiserver/test_apiserver.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/validator_cluster_fixture.h"

namespace aicr::validator::checks {
namespace {

using ::aicr::testing::TestApiServer;
using ::aicr::testing::TestApiServerOptions;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/aicr-validator-runner-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    server_ = TestApiServer::Start(TestApiServerOptions{});
    ASSERT_NE(server_, nullptr);
    std::ofstream(dir_ + "/snapshot.yaml") << testdata::kSnapshot;
    std::ofstream(dir_ + "/recipe.yaml") << testdata::Recipe();
    env_ = {{"KUBECONFIG", server_->WriteKubeconfig(dir_)},
            {"AICR_SNAPSHOT_PATH", dir_ + "/snapshot.yaml"},
            {"AICR_RECIPE_PATH", dir_ + "/recipe.yaml"},
            {"AICR_TERMINATION_LOG", dir_ + "/termination-log"},
            {"AICR_NAMESPACE", "aicr-validation"}};
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  int Run(const std::vector<std::string>& args) {
    RunnerOptions o;
    o.env = [this](std::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    o.out = &out_;
    o.in_cluster_root = dir_ + "/no-service-account";
    return RunValidator(args, registry_, o);
  }

  std::string TerminationLog() const { return ReadFile(dir_ + "/termination-log"); }
  bool TerminationLogExists() const { return std::filesystem::exists(dir_ + "/termination-log"); }

  std::string dir_;
  std::unique_ptr<TestApiServer> server_;
  std::map<std::string, std::string> env_;
  CheckRegistry registry_;
  std::ostringstream out_;
  CheckContext seen_;
};

TEST_F(RunnerTest, PassExitsZeroAndLoadsTheContext) {
  ASSERT_THAT(registry_.Add("ok",
                            [this](const CheckContext& ctx) {
                              seen_.ns = ctx.ns;
                              seen_.recipe = ctx.recipe;
                              seen_.snapshot = ctx.snapshot;
                              ctx.Out() << "evidence line\n";
                              return ctx.client != nullptr ? CheckResult::Passed()
                                                           : CheckResult::Failed("no client");
                            }),
              IsOk());
  EXPECT_EQ(Run({"aicr-validator", "ok"}), kExitPassed);
  EXPECT_EQ(out_.str(), "evidence line\n");
  EXPECT_FALSE(TerminationLogExists());
  EXPECT_EQ(seen_.ns, "aicr-validation");
  ASSERT_TRUE(seen_.recipe.has_value());
  EXPECT_EQ(seen_.recipe->component_refs.size(), 2U);
  ASSERT_TRUE(seen_.snapshot.has_value());
  EXPECT_EQ(seen_.snapshot->measurements.size(), 1U);
}

TEST_F(RunnerTest, FailExitsOneAndWritesTheTerminationLog) {
  ASSERT_THAT(registry_.Add("bad",
                            [](const CheckContext&) {
                              return CheckResult::Failed("no gpu-operator pods found");
                            }),
              IsOk());
  EXPECT_EQ(Run({"aicr-validator", "bad"}), kExitFailed);
  EXPECT_EQ(TerminationLog(), "no gpu-operator pods found");
}

TEST_F(RunnerTest, SkipExitsTwoWithTheReason) {
  ASSERT_THAT(registry_.Add(
                  "skip", [](const CheckContext&) { return CheckResult::Skipped("no GPU nodes"); }),
              IsOk());
  EXPECT_EQ(Run({"aicr-validator", "skip"}), kExitSkipped);
  EXPECT_EQ(TerminationLog(), "no GPU nodes");
}

TEST_F(RunnerTest, ExtraLineIsTheLastStdoutLine) {
  ASSERT_THAT(registry_.Add("extra",
                            [](const CheckContext& ctx) {
                              ctx.Out() << "first\n";
                              ctx.SetExtra("nodes", 4);
                              ctx.SetExtra("mode", "fast");
                              ctx.Out() << "second\n";
                              return CheckResult::Failed("boom");
                            }),
              IsOk());
  EXPECT_EQ(Run({"aicr-validator", "extra"}), kExitFailed);
  EXPECT_EQ(out_.str(), "first\nsecond\n##AICR-EXTRA## {\"mode\":\"fast\",\"nodes\":4}\n");
}

TEST_F(RunnerTest, LongFailureIsTruncatedTo4096Bytes) {
  const std::string message = "x" + std::string(5000, 'y');
  ASSERT_THAT(registry_.Add(
                  "long", [message](const CheckContext&) { return CheckResult::Failed(message); }),
              IsOk());
  EXPECT_EQ(Run({"aicr-validator", "long"}), kExitFailed);
  const std::string log = TerminationLog();
  EXPECT_EQ(log.size(), kMaxTerminationMessageBytes);
  EXPECT_EQ(log, message.substr(0, kMaxTerminationMessageBytes));
}

TEST_F(RunnerTest, MissingArgumentAndUnknownCheckExitOne) {
  EXPECT_EQ(Run({"aicr-validator"}), kExitFailed);
  EXPECT_EQ(TerminationLog(), "usage: aicr-validator <check-name>");
  EXPECT_EQ(Run({"aicr-validator", "nope"}), kExitFailed);
  EXPECT_EQ(TerminationLog(), "unknown check: nope (available: )");
}

TEST_F(RunnerTest, MissingSnapshotFailsTheContext) {
  ASSERT_THAT(registry_.Add("ok", [](const CheckContext&) { return CheckResult::Passed(); }),
              IsOk());
  env_["AICR_SNAPSHOT_PATH"] = dir_ + "/absent.yaml";
  EXPECT_EQ(Run({"aicr-validator", "ok"}), kExitFailed);
  EXPECT_THAT(TerminationLog(), StartsWith("failed to load context: failed to load snapshot: "));
  EXPECT_THAT(TerminationLog(), HasSubstr("absent.yaml"));
}

TEST_F(RunnerTest, MissingRecipeFileMeansNoRecipe) {
  bool had_recipe = true;
  ASSERT_THAT(registry_.Add("ok",
                            [&had_recipe](const CheckContext& ctx) {
                              had_recipe = ctx.recipe.has_value();
                              return CheckResult::Passed();
                            }),
              IsOk());
  env_["AICR_RECIPE_PATH"] = dir_ + "/absent.yaml";
  EXPECT_EQ(Run({"aicr-validator", "ok"}), kExitPassed);
  EXPECT_FALSE(had_recipe);
}

TEST_F(RunnerTest, MalformedRecipeFailsTheContext) {
  ASSERT_THAT(registry_.Add("ok", [](const CheckContext&) { return CheckResult::Passed(); }),
              IsOk());
  std::ofstream(dir_ + "/recipe.yaml") << "kind: Overlay\n";
  EXPECT_EQ(Run({"aicr-validator", "ok"}), kExitFailed);
  EXPECT_THAT(TerminationLog(), StartsWith("failed to load context: failed to load recipe: "));
}

TEST(TruncateUtf8, NeverSplitsACharacter) {
  EXPECT_EQ(TruncateUtf8("abc", 3), "abc");
  EXPECT_EQ(TruncateUtf8("abcd", 3), "abc");
  // "é" is two bytes; cutting after its first byte backs off before it.
  EXPECT_EQ(TruncateUtf8("ab\xC3\xA9", 3), "ab");
  EXPECT_EQ(TruncateUtf8("ab\xC3\xA9z", 4), "ab\xC3\xA9");
}

TEST(ExtraLine, OnlyForANonEmptyMapping) {
  EXPECT_EQ(ExtraLine(serialize::Value::EmptyMapping()), "");
  EXPECT_EQ(ExtraLine(serialize::Value()), "");
  serialize::Value v;
  v.Set("b", 2);
  v.Set("a", "x");
  EXPECT_EQ(ExtraLine(v), "##AICR-EXTRA## {\"a\":\"x\",\"b\":2}");
}

}  // namespace
}  // namespace aicr::validator::checks
