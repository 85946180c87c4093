// Golden tests for the validate reports: each case writes tests/golden/validator/
// <case>/report.{json,md,html} byte for byte. The human reports are rendered a
// second time from the same tests interleaved differently across phases (they
// group by phase, so nothing may change), and the JSON must read back to the same
// report and bytes. AICR_UPDATE_GOLDEN=1 rewrites the expected files.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/testing/status_matchers.h"
#include "validator/ctrf.h"
#include "validator/report_html.h"
#include "validator/report_markdown.h"

namespace aicr::validator {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool UpdateGolden() {
  const char* v = std::getenv("AICR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

fs::path GoldenDir() { return fs::path(AICR_SOURCE_DIR) / "tests" / "golden" / "validator"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// 2026-05-08T10:23:11Z
const std::chrono::system_clock::time_point kT0{std::chrono::seconds(1778235791)};

ctrf::ValidatorResult Run(std::string name, std::string phase, int exit_code,
                          std::chrono::milliseconds d, std::string message = "",
                          std::vector<std::string> out = {},
                          std::map<std::string, std::string> extra = {}) {
  ctrf::ValidatorResult r;
  r.name = std::move(name);
  r.phase = std::move(phase);
  r.exit_code = exit_code;
  r.duration = d;
  r.termination_message = std::move(message);
  r.stdout_lines = std::move(out);
  r.extra = std::move(extra);
  return r;
}

// A run whose deployment phase fails: later phases are skipped (fail-fast).
ctrf::Report FailedRun() {
  FakeClock clock(kT0);
  std::vector<ctrf::Report> phases;
  {
    ctrf::Builder b("aicr", "v0.13.0", clock);
    b.SetEnvironment({"aicr", "v0.13.0", "h100-eks-ubuntu-training"});
    b.AddResult(Run("operator-health", "deployment", 0, 5123ms, "",
                    {"Found 12 gpu-operator pod(s):", "  gpu-operator-7d9f: Running"}));
    b.AddResult(Run("expected-resources", "deployment", 1, 8042ms,
                    "DaemonSet gpu-operator/nvidia-driver-daemonset: 6/8 ready\n"
                    "Deployment gpu-operator/gpu-operator: 0/1 available",
                    {"checking 14 resources", "Ready: 12/14"}, {{"missing", "2"}}));
    b.AddResult(Run("check-nvidia-smi", "deployment", 2, 950ms, "no schedulable GPU nodes", {},
                    {{"reason", "no-schedulable-gpu-nodes"}}));
    b.AddResult(Run("gpu-operator-version", "deployment", -1, 0ms,
                    "ImagePullBackOff: Back-off pulling image \"ghcr.io/nvidia/x:v0.13.0\""));
    clock.Advance(75s);
    phases.push_back(b.Build());
  }
  {
    ctrf::Builder b("aicr", "v0.13.0", clock);
    b.AddSkipped("nccl-all-reduce-bw", "performance", ctrf::kSkippedAfterFailure);
    phases.push_back(b.Build());
  }
  {
    ctrf::Builder b("aicr", "v0.13.0", clock);
    b.AddSkipped("dra-support", "conformance", ctrf::kSkippedAfterFailure);
    b.AddSkipped("gang-scheduling", "conformance", ctrf::kSkippedAfterFailure);
    phases.push_back(b.Build());
  }
  return ctrf::MergeReports("aicr", "v0.13.0", phases, clock);
}

// A passing run over two phases, one check skipped, no environment.
ctrf::Report PassedRun() {
  FakeClock clock(kT0);
  std::vector<ctrf::Report> phases;
  {
    ctrf::Builder b("aicr", "v0.13.0", clock);
    b.AddResult(Run("operator-health", "deployment", 0, 4100ms, "", {"ok"}));
    clock.Advance(5s);
    phases.push_back(b.Build());
  }
  {
    ctrf::Builder b("aicr", "v0.13.0", clock);
    b.AddResult(Run("dra-support", "conformance", 0, 62500ms, "",
                    {"ResourceSlice count: 8", "claim allocated"}, {{"devices", "8"}}));
    b.AddResult(Run("cluster-autoscaling", "conformance", 2, 300ms, "no Karpenter NodePool found"));
    b.AddResult(Run("gang-scheduling", "conformance", 0, 3725000ms));
    clock.Advance(1h + 3min);
    phases.push_back(b.Build());
  }
  return ctrf::MergeReports("aicr", "v0.13.0", phases, clock);
}

// The same tests with the phases in reverse order (within-phase order kept).
ctrf::Report Interleaved(ctrf::Report r) {
  const auto rank = [](const ctrf::TestResult& t) {
    const std::string suite = t.suite.empty() ? "" : t.suite.front();
    return suite == "deployment" ? 0 : suite == "performance" ? 1 : 2;
  };
  std::stable_sort(
      r.tests.begin(), r.tests.end(),
      [&](const ctrf::TestResult& a, const ctrf::TestResult& b) { return rank(a) > rank(b); });
  return r;
}

struct Case {
  std::string name;
  ctrf::Report report;
};

std::vector<Case> Cases() { return {{"failed", FailedRun()}, {"passed", PassedRun()}}; }

void CompareOrUpdate(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path path = dir / name;
  if (UpdateGolden()) {
    fs::create_directories(dir);
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " missing; run with AICR_UPDATE_GOLDEN=1";
  EXPECT_EQ(ReadFile(path), text) << "golden " << dir.filename() << "/" << name
                                  << " differs; review and rerun with AICR_UPDATE_GOLDEN=1";
}

TEST(ReportGoldenTest, ReportsMatchGoldenFiles) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const fs::path dir = GoldenDir() / c.name;
    const std::string json = ctrf::WriteReportJson(c.report);
    const std::string md = RenderMarkdownReport(c.report);
    const std::string html = RenderHtmlReport(c.report);

    const ctrf::Report shuffled = Interleaved(c.report);
    ASSERT_NE(shuffled.tests, c.report.tests) << "the interleaving must change the order";
    EXPECT_EQ(RenderMarkdownReport(shuffled), md) << "markdown depends on test interleaving";
    EXPECT_EQ(RenderHtmlReport(shuffled), html) << "html depends on test interleaving";

    auto reread = ctrf::ParseReportJson(json);
    ASSERT_THAT(reread, IsOk());
    EXPECT_EQ(*reread, c.report);
    EXPECT_EQ(ctrf::WriteReportJson(*reread), json);

    CompareOrUpdate(dir, "report.json", json);
    CompareOrUpdate(dir, "report.md", md);
    CompareOrUpdate(dir, "report.html", html);

    const std::set<std::string> expected = {"report.json", "report.md", "report.html"};
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (expected.count(name) == 0) {
        if (UpdateGolden()) {
          fs::remove(entry.path());
        } else {
          ADD_FAILURE() << "stale golden " << c.name << "/" << name;
        }
      }
    }
  }
}

TEST(ReportGoldenTest, FailedRunFollowsFailFastShape) {
  const ctrf::Report r = FailedRun();
  EXPECT_EQ(r.summary.tests, 7);
  EXPECT_EQ(r.summary.passed, 1);
  EXPECT_EQ(r.summary.failed, 1);
  EXPECT_EQ(r.summary.skipped, 4);
  EXPECT_EQ(r.summary.other, 1);
  EXPECT_EQ(r.timestamp, "2026-05-08T10:24:26Z");
  ASSERT_TRUE(r.environment.has_value());
  EXPECT_EQ(ctrf::PhaseStatus(r), ctrf::TestStatus::kFailed);
}

}  // namespace
}  // namespace aicr::validator
