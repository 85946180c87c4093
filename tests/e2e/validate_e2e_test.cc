// Black-box tests of `aicr validate` with the real binary, fully offline: a recipe
// produced by `aicr recipe` from the embedded catalogue, snapshots that pass and
// fail its readiness constraints, `--no-cluster` reports in every format, phase
// filtering, unresolvable checks and the config file.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/e2e/offline_aicr.h"
#include "tests/e2e/subprocess.h"

namespace aicr {
namespace {

using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestTempDir;
using ::aicr::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Satisfies the Kubernetes version constraints of the EKS training recipes.
constexpr char kHealthySnapshot[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-03T10:30:00Z"}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4-eks-3025e55}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: "24.04"}
)";

// A cluster too old for the recipe.
constexpr char kOldSnapshot[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {timestamp: "2026-01-03T10:30:00Z"}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.30.2}
)";

ProcessResult Aicr(std::vector<std::string> args) {
  return ::aicr::testing::OfflineAicr(std::move(args));
}

const std::string& RecipePath() {
  const std::string& path = ::aicr::testing::EksH100TrainingRecipe();
  EXPECT_FALSE(path.empty()) << "aicr recipe failed";
  return path;
}

// The check names the recipe declares, per phase.
std::vector<std::string> DeclaredChecks(const std::string& phase) {
  auto doc = serialize::ParseYaml(ReadFile(RecipePath()));
  EXPECT_TRUE(doc.ok());
  std::vector<std::string> out;
  const serialize::Value* checks = doc->FindPath("validation." + phase + ".checks");
  if (checks != nullptr && checks->is_sequence()) {
    for (std::size_t i = 0; i < checks->size(); ++i) {
      out.push_back(*(*checks->if_sequence())[i].if_string());
    }
  }
  return out;
}

struct Row {
  std::string name, status, suite, message;
};

std::vector<Row> CtrfTests(const std::string& json) {
  auto doc = serialize::ParseJson(json);
  EXPECT_TRUE(doc.ok()) << json;
  std::vector<Row> out;
  if (!doc.ok()) {
    return out;
  }
  EXPECT_EQ(*doc->Find("reportFormat")->if_string(), "CTRF");
  const serialize::Value* tests = doc->FindPath("results.tests");
  EXPECT_NE(tests, nullptr);
  for (const serialize::Value& t : *tests->if_sequence()) {
    Row row;
    row.name = *t.Find("name")->if_string();
    row.status = *t.Find("status")->if_string();
    if (const serialize::Value* s = t.Find("suite")) {
      row.suite = *(*s->if_sequence())[0].if_string();
    }
    if (const serialize::Value* m = t.Find("message")) {
      row.message = *m->if_string();
    }
    out.push_back(row);
  }
  return out;
}

TEST(ValidateE2eTest, NoClusterReportsEveryDeclaredCheckSkipped) {
  const std::string snap = WriteTempFile("healthy.yaml", kHealthySnapshot);
  ProcessResult r = Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<Row> tests = CtrfTests(r.out);
  std::vector<std::string> expected;
  for (const char* phase : {"deployment", "performance", "conformance"}) {
    for (const std::string& c : DeclaredChecks(phase)) {
      expected.push_back(std::string(phase) + "/" + c);
    }
  }
  ASSERT_FALSE(expected.empty());
  std::multiset<std::string> got, want(expected.begin(), expected.end());
  for (const Row& t : tests) {
    got.insert(t.suite + "/" + t.name);
    EXPECT_EQ(t.status, "skipped") << t.name;
    EXPECT_EQ(t.message, "skipped - no-cluster mode") << t.name;
  }
  EXPECT_EQ(got, want);
  // Readiness outcomes are logged, never CTRF rows.
  EXPECT_THAT(r.err, HasSubstr("K8s.server.version"));
  EXPECT_THAT(r.out, Not(HasSubstr("K8s.server.version")));
}

TEST(ValidateE2eTest, ReadinessFailureExitsTwoWithExpectedAndGotLines) {
  const std::string snap = WriteTempFile("old.yaml", kOldSnapshot);
  ProcessResult r =
      Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "--fail-on-error=false"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("readiness check failed"));
  EXPECT_THAT(r.err, HasSubstr("K8s.server.version: expected >= "));
  EXPECT_THAT(r.err, HasSubstr(", got v1.30.2"));
}

TEST(ValidateE2eTest, UnknownDeclaredCheckExitsTwo) {
  std::string recipe = ReadFile(RecipePath());
  const std::size_t at = recipe.find("- operator-health");
  ASSERT_NE(at, std::string::npos);
  recipe.replace(at, 17, "- operator-healht");
  const std::string path = WriteTempFile("typo-recipe.yaml", recipe);
  const std::string snap = WriteTempFile("healthy.yaml", kHealthySnapshot);
  ProcessResult r = Aicr({"validate", "-r", path, "-s", snap, "--no-cluster"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("operator-healht"));
  EXPECT_THAT(r.out, IsEmpty());
}

TEST(ValidateE2eTest, PhaseFilterKeepsOnlyTheSelectedPhases) {
  const std::string snap = WriteTempFile("healthy.yaml", kHealthySnapshot);
  ProcessResult r = Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "--phase",
                          "conformance", "--phase", "deployment"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<Row> tests = CtrfTests(r.out);
  ASSERT_EQ(tests.size(),
            DeclaredChecks("deployment").size() + DeclaredChecks("conformance").size());
  // Run order: deployment first, whatever the flag order.
  EXPECT_EQ(tests.front().suite, "deployment");
  EXPECT_EQ(tests.back().suite, "conformance");
  for (const Row& t : tests) {
    EXPECT_NE(t.suite, "performance");
  }

  ProcessResult bad =
      Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "--phase", "readiness"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("readiness"));
}

TEST(ValidateE2eTest, MarkdownAndHtmlReportsToFiles) {
  const std::string snap = WriteTempFile("healthy.yaml", kHealthySnapshot);
  const std::string md = TestTempDir() + "/report.md";
  ProcessResult r = Aicr(
      {"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "-t", "markdown", "-o", md});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, IsEmpty());
  const std::string md_text = ReadFile(md);
  EXPECT_THAT(md_text, HasSubstr("operator-health"));
  EXPECT_THAT(md_text, HasSubstr("|"));

  const std::string html = TestTempDir() + "/report.html";
  r = Aicr(
      {"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "--format", "html", "-o", html});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html_text = ReadFile(html);
  EXPECT_THAT(html_text, HasSubstr("<html"));
  EXPECT_THAT(html_text, HasSubstr("operator-health"));

  const std::string json = TestTempDir() + "/report.json";
  r = Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "-o", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(CtrfTests(ReadFile(json)).empty());

  r = Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "-t", "yaml"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(ValidateE2eTest, FailFastAndSkipCheckOfflineStillSkipEverything) {
  const std::string snap = WriteTempFile("healthy.yaml", kHealthySnapshot);
  ProcessResult r = Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "--fail-fast",
                          "--skip-check", "operator-health"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const Row& t : CtrfTests(r.out)) {
    EXPECT_EQ(t.status, "skipped");
  }
}

TEST(ValidateE2eTest, ConfigFileSuppliesInputsAndNoCluster) {
  const std::string snap = WriteTempFile("healthy.yaml", kHealthySnapshot);
  const std::string cfg = WriteTempFile("validate-config.yaml",
                                        "kind: AICRConfig\napiVersion: aicr.run/v1beta1\n"
                                        "spec:\n  validate:\n    input: {recipe: " +
                                            RecipePath() + ", snapshot: " + snap +
                                            "}\n    execution: {noCluster: true, phases: "
                                            "[performance]}\n");
  ProcessResult r = Aicr({"validate", "--config", cfg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<Row> tests = CtrfTests(r.out);
  ASSERT_EQ(tests.size(), DeclaredChecks("performance").size());
  for (const Row& t : tests) {
    EXPECT_EQ(t.suite, "performance");
  }

  const std::string evidence =
      WriteTempFile("evidence-config.yaml",
                    "kind: AICRConfig\napiVersion: aicr.run/v1beta1\n"
                    "spec:\n  validate:\n    evidence: {cncf: {dir: out}}\n");
  r = Aicr({"validate", "--config", evidence, "-r", RecipePath(), "-s", snap, "--no-cluster"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not supported yet"));
}

TEST(ValidateE2eTest, BadInputsExitTwo) {
  const std::string snap = WriteTempFile("healthy.yaml", kHealthySnapshot);
  ProcessResult r = Aicr({"validate", "-s", snap, "--no-cluster"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--recipe"));

  r = Aicr({"validate", "-r", RecipePath(), "--no-cluster"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--no-cluster requires --snapshot"));

  r = Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "--skip-check", "nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("\"nope\" matches no validator"));

  r = Aicr({"validate", "-r", RecipePath(), "-s", snap, "--no-cluster", "--evidence-dir", "x"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace aicr
