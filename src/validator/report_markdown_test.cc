#include "validator/report_markdown.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace aicr::validator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ctrf::TestResult MakeTest(std::string name, std::string phase, ctrf::TestStatus status,
                          std::int64_t ms, std::string message = "") {
  ctrf::TestResult t;
  t.name = std::move(name);
  t.suite = {std::move(phase)};
  t.status = status;
  t.duration = ms;
  t.message = std::move(message);
  return t;
}

ctrf::Report Sample() {
  ctrf::Report r;
  r.timestamp = "2026-05-08T10:23:11Z";
  r.generated_by = "aicr";
  r.tool = {"aicr", "v0.13.0"};
  r.tests = {
      MakeTest("dra-support", "conformance", ctrf::TestStatus::kPassed, 1200),
      MakeTest("operator-health", "deployment", ctrf::TestStatus::kFailed, 5123,
               "2 pods not ready"),
      MakeTest("check-nvidia-smi", "deployment", ctrf::TestStatus::kSkipped, 0, "no GPU nodes")};
  r.summary = ctrf::Summarize(r.tests, 1778235791000, 1778235851000);
  return r;
}

TEST(MarkdownReportTest, TablePerPhaseInRunOrder) {
  const std::string md = RenderMarkdownReport(Sample());
  EXPECT_THAT(md, HasSubstr("- Result: **failed**\n"));
  EXPECT_THAT(md, HasSubstr("| 3 | 1 | 1 | 1 | 0 | 0 | 1m00s |\n"));
  const auto dep = md.find("## deployment: **failed**");
  const auto conf = md.find("## conformance: passed");
  ASSERT_NE(dep, std::string::npos);
  ASSERT_NE(conf, std::string::npos);
  EXPECT_LT(dep, conf) << "deployment comes before conformance";
  EXPECT_THAT(md, HasSubstr("| operator-health | **failed** | 5.1s | 2 pods not ready |\n"));
  EXPECT_THAT(md, HasSubstr("| check-nvidia-smi | skipped | 0ms | no GPU nodes |\n"));
  EXPECT_THAT(md, Not(HasSubstr("performance")));
}

TEST(MarkdownReportTest, EmptyReportSaysNothingRan) {
  ctrf::Report r;
  r.tool.name = "aicr";
  const std::string md = RenderMarkdownReport(r);
  EXPECT_THAT(md, HasSubstr("- Result: skipped\n"));
  EXPECT_THAT(md, HasSubstr("No checks ran."));
}

TEST(MarkdownReportTest, HostileTextCannotBreakTheTable) {
  ctrf::Report r = Sample();
  r.tests[1].name = "evil|name";
  r.tests[1].message =
      "<script>alert(\"x\")</script> & | pipes\nnew row | x |\r\n`code` *b* _i_ [l](u)";
  const std::string md = RenderMarkdownReport(r);
  EXPECT_THAT(md, Not(HasSubstr("<script>")));
  EXPECT_THAT(md, HasSubstr("evil\\|name"));
  EXPECT_THAT(md, HasSubstr("&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; \\| pipes<br>new row "
                            "\\| x \\|<br>\\`code\\` \\*b\\* \\_i\\_ \\[l\\](u)"));
  // Every table row still has exactly five unescaped pipes.
  std::size_t pos = md.find("| evil");
  ASSERT_NE(pos, std::string::npos);
  const std::string row = md.substr(pos, md.find('\n', pos) - pos);
  int pipes = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) {
      ++pipes;
    }
  }
  EXPECT_EQ(pipes, 5) << row;
}

TEST(MarkdownReportTest, EscapeMarkdownCell) {
  EXPECT_EQ(EscapeMarkdownCell("plain text-1.2"), "plain text-1.2");
  EXPECT_EQ(EscapeMarkdownCell("a\\b"), "a\\\\b");
  EXPECT_EQ(EscapeMarkdownCell("x\ty\x01z"), "x yz");
  EXPECT_EQ(EscapeMarkdownCell("l1\rl2\nl3"), "l1<br>l2<br>l3");
}

}  // namespace
}  // namespace aicr::validator
