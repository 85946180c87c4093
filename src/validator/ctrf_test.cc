#include "validator/ctrf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "serialize/json_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::validator::ctrf {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr char kPhase[] = "deployment";

// 2026-05-08T10:23:11Z
const std::chrono::system_clock::time_point kT0{std::chrono::seconds(1778235791)};

ValidatorResult Result(std::string name, int exit_code, std::chrono::milliseconds d,
                       std::string message = "", std::vector<std::string> out = {}) {
  ValidatorResult r;
  r.name = std::move(name);
  r.phase = kPhase;
  r.exit_code = exit_code;
  r.duration = d;
  r.termination_message = std::move(message);
  r.stdout_lines = std::move(out);
  return r;
}

TEST(CtrfTest, ExitCodeToCTRFStatus) {
  EXPECT_EQ(ExitCodeToStatus(0), TestStatus::kPassed);
  EXPECT_EQ(ExitCodeToStatus(1), TestStatus::kFailed);
  EXPECT_EQ(ExitCodeToStatus(2), TestStatus::kSkipped);
  EXPECT_EQ(ExitCodeToStatus(137), TestStatus::kOther);
  EXPECT_EQ(ExitCodeToStatus(-1), TestStatus::kOther);
  EXPECT_EQ(ExitCodeToStatus(255), TestStatus::kOther);
  EXPECT_EQ(ExitCodeToStatus(3), TestStatus::kOther);
}

TEST(CtrfTest, StatusNamesRoundTrip) {
  for (TestStatus s : {TestStatus::kPassed, TestStatus::kFailed, TestStatus::kSkipped,
                       TestStatus::kPending, TestStatus::kOther}) {
    EXPECT_EQ(ParseStatus(StatusName(s)), s);
  }
  EXPECT_EQ(StatusName(TestStatus::kSkipped), "skipped");
  EXPECT_EQ(ParseStatus("Passed"), std::nullopt);
  EXPECT_EQ(ParseStatus(""), std::nullopt);
}

TEST(CtrfTest, IsFailingStatus) {
  EXPECT_TRUE(IsFailingStatus(TestStatus::kFailed));
  EXPECT_TRUE(IsFailingStatus(TestStatus::kOther));
  EXPECT_FALSE(IsFailingStatus(TestStatus::kPassed));
  EXPECT_FALSE(IsFailingStatus(TestStatus::kSkipped));
  EXPECT_FALSE(IsFailingStatus(TestStatus::kPending));
}

TEST(CtrfTest, BuilderEmpty) {
  FakeClock clock(kT0);
  Builder b("aicr", "1.0.0", clock);
  clock.Advance(2s);
  const Report r = b.Build();
  EXPECT_EQ(r.report_format, "CTRF");
  EXPECT_EQ(r.spec_version, "0.0.1");
  EXPECT_EQ(r.generated_by, "aicr");
  EXPECT_EQ(r.tool, (Tool{"aicr", "1.0.0"}));
  EXPECT_EQ(r.summary.tests, 0);
  EXPECT_TRUE(r.tests.empty());
  EXPECT_FALSE(r.environment.has_value());
}

TEST(CtrfTest, BuilderTimestampsComeFromTheClock) {
  FakeClock clock(kT0);
  Builder b("aicr", "1.0.0", clock);
  clock.Advance(61500ms);
  const Report r = b.Build();
  EXPECT_EQ(r.timestamp, "2026-05-08T10:24:12Z");
  EXPECT_EQ(r.summary.start, 1778235791000);
  EXPECT_EQ(r.summary.stop, 1778235852500);
}

TEST(CtrfTest, BuilderAddResult) {
  FakeClock clock(kT0);
  Builder b("aicr", "1.0.0", clock);
  b.AddResult(Result("gpu-operator-health", 0, 15s, "", {"All pods running"}));
  b.AddResult(Result("expected-resources", 1, 8s, "DaemonSet nvidia-driver: expected 8, got 6",
                     {"Ready: 6/8"}));
  b.AddResult(Result("optional-check", 2, 1s));
  b.AddResult(Result("crashed-check", 137, 30s, "OOMKilled"));
  b.AddResult(Result("never-ran", -1, 0ms, "failed to deploy Job: boom"));
  const Report r = b.Build();

  EXPECT_EQ(r.summary.tests, 5);
  EXPECT_EQ(r.summary.passed, 1);
  EXPECT_EQ(r.summary.failed, 1);
  EXPECT_EQ(r.summary.skipped, 1);
  EXPECT_EQ(r.summary.pending, 0);
  EXPECT_EQ(r.summary.other, 2);
  ASSERT_EQ(r.tests.size(), 5u);
  EXPECT_EQ(r.tests[0].name, "gpu-operator-health");
  EXPECT_EQ(r.tests[0].status, TestStatus::kPassed);
  EXPECT_EQ(r.tests[0].duration, 15000);
  EXPECT_THAT(r.tests[0].suite, ElementsAre(kPhase));
  EXPECT_EQ(r.tests[0].message, "");
  EXPECT_THAT(r.tests[0].stdout_lines, ElementsAre("All pods running"));
  EXPECT_EQ(r.tests[1].status, TestStatus::kFailed);
  EXPECT_EQ(r.tests[1].message, "DaemonSet nvidia-driver: expected 8, got 6");
  EXPECT_EQ(r.tests[2].status, TestStatus::kSkipped);
  EXPECT_EQ(r.tests[3].status, TestStatus::kOther);
  EXPECT_EQ(r.tests[4].status, TestStatus::kOther);
  EXPECT_EQ(r.tests[4].message, "failed to deploy Job: boom");
}

TEST(CtrfTest, BuilderAddSkipped) {
  FakeClock clock(kT0);
  Builder b("aicr", "1.0.0", clock);
  b.AddSkipped("dra-support", "conformance", kSkippedNoCluster);
  const Report r = b.Build();
  EXPECT_EQ(r.summary.tests, 1);
  EXPECT_EQ(r.summary.skipped, 1);
  EXPECT_EQ(r.tests[0].name, "dra-support");
  EXPECT_EQ(r.tests[0].status, TestStatus::kSkipped);
  EXPECT_EQ(r.tests[0].message, "skipped - no-cluster mode");
  EXPECT_THAT(r.tests[0].suite, ElementsAre("conformance"));
  EXPECT_EQ(r.tests[0].duration, 0);
}

TEST(CtrfTest, BuilderEnvironment) {
  FakeClock clock(kT0);
  Builder b("aicr", "1.0.0", clock);
  b.SetEnvironment({"aicr", "1.0.0", "eks-h100-training"});
  const Report r = b.Build();
  ASSERT_TRUE(r.environment.has_value());
  EXPECT_EQ(r.environment->test_environment, "eks-h100-training");
}

TEST(CtrfTest, BuilderAddResultCopiesExtra) {
  FakeClock clock(kT0);
  Builder b("aicr", "1.0.0", clock);
  ValidatorResult src = Result("check-nvidia-smi", 0, 1s);
  src.extra = {{"nodesValidated", "1"}, {"nodesTotal", "2"}};
  b.AddResult(src);
  b.AddResult(Result("no-extra", 0, 1s));
  src.extra["nodesValidated"] = "999";
  src.extra["injected"] = "10.0.0.5";
  const Report r = b.Build();
  EXPECT_EQ(r.tests[0].extra,
            (std::map<std::string, std::string>{{"nodesTotal", "2"}, {"nodesValidated", "1"}}));
  EXPECT_TRUE(r.tests[1].extra.empty());
}

TEST(CtrfTest, PhaseStatus) {
  auto status_of = [](std::vector<TestStatus> statuses) {
    Report r;
    for (TestStatus s : statuses) {
      TestResult t;
      t.name = "t";
      t.status = s;
      r.tests.push_back(t);
    }
    return PhaseStatus(r);
  };
  EXPECT_EQ(status_of({}), TestStatus::kSkipped);
  EXPECT_EQ(status_of({TestStatus::kPassed, TestStatus::kSkipped}), TestStatus::kPassed);
  EXPECT_EQ(status_of({TestStatus::kSkipped}), TestStatus::kPassed);
  EXPECT_EQ(status_of({TestStatus::kPassed, TestStatus::kOther}), TestStatus::kOther);
  EXPECT_EQ(status_of({TestStatus::kOther, TestStatus::kFailed, TestStatus::kPassed}),
            TestStatus::kFailed);
}

TEST(CtrfTest, DisplayStatusShowsAllSkippedAsSkipped) {
  std::vector<TestResult> tests = {SkippedTest("a", "performance", kSkippedAfterFailure),
                                   SkippedTest("b", "performance", kSkippedAfterFailure)};
  EXPECT_EQ(AggregateStatus(tests), TestStatus::kPassed) << "the phase status rule";
  EXPECT_EQ(DisplayStatus(tests), TestStatus::kSkipped);
  tests[0].status = TestStatus::kPassed;
  EXPECT_EQ(DisplayStatus(tests), TestStatus::kPassed);
  tests[1].status = TestStatus::kOther;
  EXPECT_EQ(DisplayStatus(tests), TestStatus::kOther);
  EXPECT_EQ(DisplayStatus({}), TestStatus::kSkipped);
}

TEST(CtrfTest, ReportJSONOmitsEmptyOptionalFields) {
  FakeClock clock(kT0);
  Builder b("aicr", "", clock);
  b.AddResult(Result("simple-check", 0, 1s));
  ValidatorResult no_phase = Result("no-phase", 0, 1s);
  no_phase.phase = "";
  b.AddResult(no_phase);
  const std::string json = WriteReportJson(b.Build());
  auto doc = serialize::ParseJson(json);
  ASSERT_THAT(doc, IsOk());
  const serialize::Value* results = doc->Find("results");
  ASSERT_NE(results, nullptr);
  const serialize::Value& test = (*results->Find("tests")->if_sequence())[0];
  EXPECT_EQ(test.Find("message"), nullptr);
  EXPECT_EQ(test.Find("stdout"), nullptr);
  EXPECT_EQ(test.Find("extra"), nullptr);
  EXPECT_NE(test.Find("suite"), nullptr);
  EXPECT_EQ((*results->Find("tests")->if_sequence())[1].Find("suite"), nullptr);
  EXPECT_EQ(results->Find("environment"), nullptr);
  EXPECT_EQ(results->Find("tool")->Find("version"), nullptr);
  // Required fields stay even when zero.
  EXPECT_NE(results->Find("summary")->Find("pending"), nullptr);

  Report empty_env = b.Build();
  empty_env.environment = Environment{};
  EXPECT_EQ(serialize::ParseJson(WriteReportJson(empty_env))->FindPath("results.environment"),
            nullptr);
}

TEST(CtrfTest, JsonLayoutIsExact) {
  Report r;
  r.timestamp = "2026-05-08T10:23:11Z";
  r.generated_by = "aicr";
  r.tool = {"aicr", "v0.13.0"};
  TestResult passed;
  passed.name = "operator-health";
  passed.status = TestStatus::kPassed;
  passed.duration = 5123;
  passed.suite = {"deployment"};
  passed.stdout_lines = {"Found 12 gpu-operator pod(s):", "  gpu-operator-abc: Running"};
  passed.extra = {{"zeta", "1"}, {"alpha", "no-gpu-nodes"}};
  TestResult skipped = SkippedTest("check-nvidia-smi", "deployment", "no GPU nodes <&>");
  r.tests = {passed, skipped};
  r.summary = Summarize(r.tests, 1746699791000, 1746699851000);
  r.environment = Environment{"aicr", "", "eks"};
  EXPECT_EQ(WriteReportJson(r), R"({
  "reportFormat": "CTRF",
  "specVersion": "0.0.1",
  "timestamp": "2026-05-08T10:23:11Z",
  "generatedBy": "aicr",
  "results": {
    "tool": {
      "name": "aicr",
      "version": "v0.13.0"
    },
    "summary": {
      "tests": 2,
      "passed": 1,
      "failed": 0,
      "skipped": 1,
      "pending": 0,
      "other": 0,
      "start": 1746699791000,
      "stop": 1746699851000
    },
    "tests": [
      {
        "name": "operator-health",
        "status": "passed",
        "duration": 5123,
        "suite": [
          "deployment"
        ],
        "stdout": [
          "Found 12 gpu-operator pod(s):",
          "  gpu-operator-abc: Running"
        ],
        "extra": {
          "alpha": "no-gpu-nodes",
          "zeta": "1"
        }
      },
      {
        "name": "check-nvidia-smi",
        "status": "skipped",
        "duration": 0,
        "suite": [
          "deployment"
        ],
        "message": "no GPU nodes \u003c\u0026\u003e"
      }
    ],
    "environment": {
      "appName": "aicr",
      "testEnvironment": "eks"
    }
  }
}
)");
}

TEST(CtrfTest, EmptyReportKeepsAnEmptyTestsArray) {
  Report r;
  r.tool.name = "aicr";
  const std::string json = WriteReportJson(r);
  EXPECT_THAT(json, HasSubstr("\"tests\": []"));
}

TEST(CtrfTest, ReportJSONRoundTrip) {
  FakeClock clock(kT0);
  Builder b("aicr", "0.8.12", clock);
  b.AddResult(
      Result("gpu-operator-health", 0, 15s, "", {"All pods running", "ClusterPolicy: ready"}));
  ValidatorResult failed =
      Result("expected-resources", 1, 8s, "DaemonSet check failed", {"Ready: 6/8"});
  failed.extra = {{"missing", "2"}};
  b.AddResult(failed);
  b.AddSkipped("dra-support", "conformance", kSkippedAfterFailure);
  b.SetEnvironment({"aicr", "0.8.12", "h100-eks"});
  clock.Advance(30s);
  const Report original = b.Build();
  auto decoded = ParseReportJson(WriteReportJson(original));
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, original);
  EXPECT_EQ(WriteReportJson(*decoded), WriteReportJson(original));
}

TEST(CtrfTest, ParseReportJsonRejectsMalformedDocuments) {
  const std::string good =
      R"({"reportFormat":"CTRF","specVersion":"0.0.1","results":{"tool":{"name":"x"},)"
      R"("summary":{"tests":0,"passed":0,"failed":0,"skipped":0,"pending":0,"other":0,)"
      R"("start":0,"stop":0},"tests":[]}})";
  EXPECT_THAT(ParseReportJson(good), IsOk());
  struct Case {
    std::string json;
    std::string want;
  };
  const Case cases[] = {
      {"{", "ctrf: json: "},
      {"[]", "ctrf: document: expected object, got sequence"},
      {R"({"reportFormat":"JUNIT","specVersion":"0.0.1","results":{}})",
       "ctrf: reportFormat: expected \"CTRF\", got \"JUNIT\""},
      {R"({"reportFormat":"CTRF","results":{}})", "ctrf: document: missing \"specVersion\""},
      {R"({"reportFormat":"CTRF","specVersion":"0.0.1"})", "ctrf: document: missing \"results\""},
      {R"({"reportFormat":"CTRF","specVersion":"0.0.1","results":{"summary":{}}})",
       "ctrf: results: missing \"tool\""},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseReportJson(c.json), StatusIs(ErrorCode::kInvalidRequest, HasSubstr(c.want)))
        << c.json;
  }
  auto with_test = [&](const std::string& test) {
    std::string json = good;
    json.replace(json.find("\"tests\":[]"), 10, "\"tests\":[" + test + "]");
    return ParseReportJson(json);
  };
  EXPECT_THAT(with_test(R"({"name":"a","status":"passed","duration":1})"), IsOk());
  EXPECT_THAT(with_test(R"({"name":"a","status":"broken","duration":1})"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "ctrf: results.tests[0].status: unknown status \"broken\""));
  EXPECT_THAT(with_test(R"({"name":"a","status":"passed","duration":1.5})"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "ctrf: results.tests[0].duration: expected integer, got float"));
  EXPECT_THAT(with_test(R"({"status":"passed","duration":1})"),
              StatusIs(ErrorCode::kInvalidRequest, "ctrf: results.tests[0]: missing \"name\""));
  EXPECT_THAT(with_test(R"({"name":"a","status":"passed","duration":1,"stdout":[1]})"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("results.tests[0].stdout[0]")));
  EXPECT_THAT(with_test(R"({"name":"a","status":"passed","duration":1,"extra":{"k":2}})"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("results.tests[0].extra.k")));
  // Fields of other producers are ignored.
  EXPECT_THAT(with_test(R"({"name":"a","status":"passed","duration":1,"flaky":true})"), IsOk());
}

Report PhaseReport(const std::string& phase, const std::vector<ValidatorResult>& results,
                   std::chrono::system_clock::time_point start, std::chrono::seconds took) {
  FakeClock clock(start);
  Builder b("aicr", "1.0.0", clock);
  for (ValidatorResult r : results) {
    r.phase = phase;
    b.AddResult(r);
  }
  clock.Advance(took);
  return b.Build();
}

TEST(CtrfTest, MergeReportsSingleReport) {
  const Report only = PhaseReport("deployment", {Result("v1", 0, 5s)}, kT0, 10s);
  FakeClock clock(kT0 + 1h);
  EXPECT_EQ(MergeReports("aicr", "2.0.0", {only}, clock), only);
}

TEST(CtrfTest, MergeReportsMultiple) {
  const Report r1 = PhaseReport("deployment", {Result("v1", 0, 5s), Result("v2", 1, 3s)}, kT0, 10s);
  Report r2 = PhaseReport("performance", {Result("v3", 0, 10s)}, kT0 + 20s, 30s);
  r2.tests.push_back(SkippedTest("v4", "performance", "skipped"));
  r2.summary.tests += 1;
  r2.summary.skipped += 1;
  FakeClock clock(kT0 + 1h);
  const Report merged = MergeReports("aicr", "1.0.0", {r1, r2}, clock);
  EXPECT_EQ(merged.report_format, "CTRF");
  EXPECT_EQ(merged.generated_by, "aicr");
  EXPECT_EQ(merged.summary.tests, 4);
  EXPECT_EQ(merged.summary.passed, 2);
  EXPECT_EQ(merged.summary.failed, 1);
  EXPECT_EQ(merged.summary.skipped, 1);
  ASSERT_EQ(merged.tests.size(), 4u);
  EXPECT_EQ(merged.tests[0].name, "v1");
  EXPECT_EQ(merged.tests[3].name, "v4");
  EXPECT_EQ(merged.summary.start, r1.summary.start);
  EXPECT_EQ(merged.summary.stop, r2.summary.stop);
  EXPECT_EQ(merged.timestamp, r1.timestamp);

  // Earliest start and latest stop hold whatever the order.
  const Report reversed = MergeReports("aicr", "1.0.0", {r2, r1}, clock);
  EXPECT_EQ(reversed.summary.start, r1.summary.start);
  EXPECT_EQ(reversed.summary.stop, r2.summary.stop);
  EXPECT_EQ(reversed.timestamp, r2.timestamp) << "the first report's timestamp";
}

TEST(CtrfTest, MergeReportsEmpty) {
  FakeClock clock(kT0);
  const Report merged = MergeReports("aicr", "1.0.0", {}, clock);
  EXPECT_EQ(merged.summary.tests, 0);
  EXPECT_EQ(merged.timestamp, "2026-05-08T10:23:11Z");
  EXPECT_THAT(WriteReportJson(merged), HasSubstr("\"tests\": []"));
}

TEST(CtrfTest, MergeReportsSkipsUnsetStartsAndEmptyTimestamps) {
  Report a;
  a.summary.start = 0;
  a.summary.stop = 0;
  const Report b = PhaseReport("conformance", {Result("v1", 0, 1s)}, kT0, 5s);
  FakeClock clock(kT0 + 1h);
  const Report merged = MergeReports("aicr", "1.0.0", {a, b}, clock);
  EXPECT_EQ(merged.summary.start, b.summary.start);
  EXPECT_EQ(merged.timestamp, b.timestamp);
}

TEST(CtrfTest, MergeReportsEnvironmentFromLast) {
  Report r1 = PhaseReport("deployment", {Result("v1", 0, 1s)}, kT0, 1s);
  r1.environment = Environment{"", "", "env-first"};
  Report r2 = PhaseReport("performance", {Result("v2", 0, 1s)}, kT0, 1s);
  r2.environment = Environment{"", "", "env-second"};
  Report r3 = PhaseReport("conformance", {Result("v3", 0, 1s)}, kT0, 1s);
  FakeClock clock(kT0);
  const Report merged = MergeReports("aicr", "1.0.0", {r1, r2, r3}, clock);
  ASSERT_TRUE(merged.environment.has_value());
  EXPECT_EQ(merged.environment->test_environment, "env-second");
}

TEST(CtrfTest, CaptureStdoutStripsExtraLines) {
  const CapturedOutput out = CaptureStdout(
      "Found 2 pods\n##AICR-EXTRA## {\"nodes\":1}\nall good\n"
      "##AICR-EXTRA## {\"nodesTotal\":2,\"mode\":\"fast\",\"ok\":true,\"list\":[1]}\n\n\n");
  EXPECT_THAT(out.stdout_lines, ElementsAre("Found 2 pods", "all good"));
  EXPECT_EQ(out.extra, (std::map<std::string, std::string>{
                           {"mode", "fast"}, {"nodesTotal", "2"}, {"ok", "true"}}))
      << "only the last extra line counts; non-scalar values are dropped";
  EXPECT_EQ(CaptureStdout(""), CapturedOutput{});
  EXPECT_EQ(CaptureStdout("\n\n"), CapturedOutput{});
  const CapturedOutput bad = CaptureStdout("x\n##AICR-EXTRA## {not json\n");
  EXPECT_THAT(bad.stdout_lines, ElementsAre("x"));
  EXPECT_TRUE(bad.extra.empty());
  EXPECT_THAT(CaptureStdout("a\n\nb").stdout_lines, ElementsAre("a", "", "b"));
}

TEST(CtrfTest, FilterStdoutLines) {
  std::string logs;
  for (int i = 0; i < 1005; ++i) {
    logs += "line " + std::to_string(i) + "\n";
  }
  logs += std::string(600, 'x') + "\n";
  const CapturedOutput out = CaptureStdout(logs);
  ASSERT_EQ(out.stdout_lines.size(), kMaxStdoutLines);
  EXPECT_EQ(out.stdout_lines.front(), "line 6") << "the tail is kept";
  EXPECT_EQ(out.stdout_lines.back(), std::string(512, 'x') + "... [truncated 88 chars]");
  EXPECT_THAT(CaptureStdout(std::string(512, 'y')).stdout_lines,
              ElementsAre(std::string(512, 'y')));
}

TEST(CtrfTest, BoundTerminationMessage) {
  EXPECT_EQ(BoundTerminationMessage("short"), "short");
  EXPECT_EQ(BoundTerminationMessage(std::string(4096, 'a')), std::string(4096, 'a'));
  EXPECT_EQ(BoundTerminationMessage(std::string(4100, 'a')),
            std::string(4096, 'a') + "... [truncated 4 bytes]");
  // "é" is two bytes; a cut inside it steps back to the character boundary.
  EXPECT_EQ(BoundTerminationMessage("ab\xC3\xA9"
                                    "cd",
                                    3),
            "ab... [truncated 4 bytes]");
}

TEST(CtrfTest, HumanDuration) {
  EXPECT_EQ(HumanDuration(0), "0ms");
  EXPECT_EQ(HumanDuration(850), "850ms");
  EXPECT_EQ(HumanDuration(5123), "5.1s");
  EXPECT_EQ(HumanDuration(59999), "59.9s");
  EXPECT_EQ(HumanDuration(125000), "2m05s");
  EXPECT_EQ(HumanDuration(3723000), "1h02m03s");
  EXPECT_EQ(HumanDuration(-5), "0ms");
}

TEST(CtrfTest, GroupBySuiteUsesPhaseOrder) {
  Report r;
  auto add = [&](const std::string& name, std::vector<std::string> suite) {
    TestResult t;
    t.name = name;
    t.status = TestStatus::kPassed;
    t.suite = std::move(suite);
    r.tests.push_back(t);
  };
  add("c1", {"conformance"});
  add("x1", {"zeta"});
  add("n1", {});
  add("d1", {"deployment"});
  add("c2", {"conformance"});
  add("a1", {"alpha"});
  add("p1", {"performance"});
  std::vector<std::string> seen;
  for (const SuiteGroup& g : GroupBySuite(r)) {
    std::string line = g.suite + ":";
    for (const TestResult& t : g.tests) {
      line += " " + t.name;
    }
    seen.push_back(line);
  }
  EXPECT_THAT(seen, ElementsAre("deployment: d1", "performance: p1", "conformance: c1 c2",
                                "alpha: a1", "zeta: x1", ": n1"));
}

}  // namespace
}  // namespace aicr::validator::ctrf
