#pragma once

/// \file
/// CTRF (Common Test Report Format, https://ctrf.io, specVersion 0.0.1): the report
/// `aicr validate` writes. The model, the mapping from a validator container's
/// outcome to a test entry, a per-phase builder, MergeReports, and the JSON writer
/// and reader.
///
/// JSON layout (fields in this order; optional ones omitted when empty):
///   reportFormat, specVersion, timestamp, generatedBy,
///   results{tool{name, version?}, summary{tests, passed, failed, skipped, pending,
///   other, start, stop}, tests[{name, status, duration, suite?, message?, stdout?,
///   extra?}], environment?{appName?, appVersion?, testEnvironment?}}

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "serialize/value.h"

namespace aicr::validator::ctrf {

inline constexpr std::string_view kReportFormat = "CTRF";
inline constexpr std::string_view kSpecVersion = "0.0.1";
/// The tool name aicr reports under (`generatedBy` and `results.tool.name`).
inline constexpr std::string_view kToolName = "aicr";
/// The stdout prefix a check uses to hand structured `extra` data to the report.
inline constexpr std::string_view kExtraLinePrefix = "##AICR-EXTRA## ";
/// The message of a check skipped because an earlier phase failed.
inline constexpr std::string_view kSkippedAfterFailure = "skipped due to previous phase failure";
/// The message of every check in `--no-cluster` mode.
inline constexpr std::string_view kSkippedNoCluster = "skipped - no-cluster mode";

/// A test's (or a phase's) outcome.
enum class TestStatus { kPassed, kFailed, kSkipped, kPending, kOther };

/// `passed`, `failed`, `skipped`, `pending` or `other`.
std::string_view StatusName(TestStatus status);

/// The status named `name`; nullopt for anything else.
std::optional<TestStatus> ParseStatus(std::string_view name);

/// Whether `status` blocks progress (fails a gate, trips fail-fast across phases):
/// failed and other (an inconclusive run fails closed); skipped and pending do not.
bool IsFailingStatus(TestStatus status);

/// The validator container contract: exit 0 passed, 1 failed, 2 skipped, anything
/// else (a crash, OOM kill, or -1 for a container that never ran) other.
TestStatus ExitCodeToStatus(int exit_code);

/// `results.tool`.
struct Tool {
  std::string name;
  std::string version;
  friend bool operator==(const Tool&, const Tool&) = default;
};

/// `results.summary`: counts by status, and the run's start and stop in epoch ms.
struct Summary {
  std::int64_t tests = 0;
  std::int64_t passed = 0;
  std::int64_t failed = 0;
  std::int64_t skipped = 0;
  std::int64_t pending = 0;
  std::int64_t other = 0;
  std::int64_t start = 0;
  std::int64_t stop = 0;
  friend bool operator==(const Summary&, const Summary&) = default;
};

/// One `results.tests[]` entry.
struct TestResult {
  std::string name;
  TestStatus status = TestStatus::kOther;
  /// Milliseconds.
  std::int64_t duration = 0;
  /// Suite hierarchy; aicr writes `[<phase>]`.
  std::vector<std::string> suite;
  std::string message;
  /// Standard output lines (the check's evidence).
  std::vector<std::string> stdout_lines;
  /// Low-cardinality counts and enum codes only (never names or addresses).
  std::map<std::string, std::string> extra;
  friend bool operator==(const TestResult&, const TestResult&) = default;
};

/// `results.environment`.
struct Environment {
  std::string app_name;
  std::string app_version;
  std::string test_environment;
  bool empty() const { return app_name.empty() && app_version.empty() && test_environment.empty(); }
  friend bool operator==(const Environment&, const Environment&) = default;
};

/// A CTRF document.
struct Report {
  std::string report_format = std::string(kReportFormat);
  std::string spec_version = std::string(kSpecVersion);
  /// RFC 3339 generation time.
  std::string timestamp;
  std::string generated_by;
  Tool tool;
  Summary summary;
  std::vector<TestResult> tests;
  /// Absent (or empty) environments are not written.
  std::optional<Environment> environment;
  friend bool operator==(const Report&, const Report&) = default;
};

/// The outcome of one validator container, as extracted from its pod.
struct ValidatorResult {
  /// The catalogue entry's name (the test name) and phase name (the suite).
  std::string name;
  std::string phase;
  /// The container's exit code; -1 when it never ran or has no status.
  int exit_code = -1;
  /// The termination message (or the orchestrator's reason for an exit of -1).
  std::string termination_message;
  std::vector<std::string> stdout_lines;
  std::map<std::string, std::string> extra;
  std::chrono::milliseconds duration{0};
};

/// The test entry for `result`: status from the exit code, duration in ms, suite
/// `[phase]` (none when the phase is empty), message, stdout and extra as given.
TestResult ToTestResult(const ValidatorResult& result);

/// Caps on what is kept of a validator container's output.
inline constexpr std::size_t kMaxStdoutLines = 1000;
inline constexpr std::size_t kMaxStdoutLineLength = 512;
inline constexpr std::size_t kMaxTerminationMessageBytes = 4096;

/// A container's stdout as the report keeps it.
struct CapturedOutput {
  std::vector<std::string> stdout_lines;
  std::map<std::string, std::string> extra;
  friend bool operator==(const CapturedOutput&, const CapturedOutput&) = default;
};

/// Splits raw container logs into report lines: trailing newlines dropped, every
/// line starting with kExtraLinePrefix removed (the last one, a JSON object, fills
/// `extra`: strings as they are, numbers and booleans as their JSON text, other
/// values and a malformed line ignored), then the last kMaxStdoutLines lines kept,
/// each longer than kMaxStdoutLineLength bytes cut there with
/// `... [truncated N chars]` appended. Empty logs give no lines.
CapturedOutput CaptureStdout(std::string_view logs);

/// `message` cut to at most `max_bytes` on a UTF-8 boundary, with
/// `... [truncated N bytes]` appended when anything was dropped.
std::string BoundTerminationMessage(std::string_view message,
                                    std::size_t max_bytes = kMaxTerminationMessageBytes);

/// A skipped entry for a check that did not run (`reason` becomes the message).
TestResult SkippedTest(std::string_view name, std::string_view phase, std::string_view reason);

/// Counts of `tests` by status, with `start` and `stop` as given.
Summary Summarize(const std::vector<TestResult>& tests, std::int64_t start_ms,
                  std::int64_t stop_ms);

/// The status of a set of tests, e.g. a phase: failed if any failed, else other if
/// any is other, else skipped when there are none, else passed (pending and
/// skipped tests alongside passed ones leave it passed).
TestStatus AggregateStatus(const std::vector<TestResult>& tests);

/// What the human reports show for a set of tests: AggregateStatus, except that a
/// set whose tests were all skipped shows skipped rather than passed.
TestStatus DisplayStatus(const std::vector<TestResult>& tests);

/// AggregateStatus of the report's tests.
TestStatus PhaseStatus(const Report& report);

/// The tests of one suite (phase), for the human reports.
struct SuiteGroup {
  /// The first `suite` element; empty for tests without a suite.
  std::string suite;
  std::vector<TestResult> tests;
};

/// The report's tests grouped by their first suite element: the phases in run
/// order (deployment, performance, conformance), then other suites sorted by name,
/// then tests without a suite. Tests keep their report order within a group, so the
/// grouping does not depend on how the phases' tests are interleaved.
std::vector<SuiteGroup> GroupBySuite(const Report& report);

/// A duration for people: `850ms`, `5.1s` (tenths, truncated), `2m05s`, `1h02m03s`.
std::string HumanDuration(std::int64_t ms);

/// The run's wall time, `summary.stop - summary.start` (0 when either is unset or
/// they are out of order).
std::int64_t RunDurationMillis(const Summary& summary);

/// Epoch milliseconds of `t`.
std::int64_t EpochMillis(std::chrono::system_clock::time_point t);

/// Accumulates one phase's results into a report. The clock stamps `summary.start`
/// at construction and `summary.stop` and `timestamp` at Build().
class Builder {
 public:
  Builder(std::string tool_name, std::string tool_version, const Clock& clock);

  void SetEnvironment(Environment environment);
  /// Appends ToTestResult(result).
  void AddResult(const ValidatorResult& result);
  /// Appends SkippedTest(name, phase, reason).
  void AddSkipped(std::string_view name, std::string_view phase, std::string_view reason);
  /// Appends a prepared entry.
  void AddTest(TestResult test);

  Report Build() const;

 private:
  Tool tool_;
  const Clock& clock_;
  std::int64_t start_ms_;
  std::vector<TestResult> tests_;
  std::optional<Environment> environment_;
};

/// Combines phase reports: tests concatenated in order; counts summed; the
/// earliest non-zero start and the latest stop; the first non-empty timestamp
/// (else `clock` now); the last present environment; tool and generatedBy from the
/// arguments. A single report is returned unchanged.
Report MergeReports(std::string_view tool_name, std::string_view tool_version,
                    const std::vector<Report>& reports, const Clock& clock);

/// The report as a document in the layout above.
serialize::Value ToValue(const Report& report);

/// The report as indented JSON (2 spaces, `\n`, final newline), deterministic:
/// `extra` keys sorted, everything else in model order.
std::string WriteReportJson(const Report& report);

/// Reads a CTRF document (ours or another producer's; unknown fields ignored).
/// INVALID_REQUEST `ctrf: <path>: <problem>` for bad JSON, a reportFormat other
/// than CTRF, a missing specVersion or results, a malformed tool, summary or test
/// (missing name, unknown status, non-integer duration or count, mistyped suite,
/// stdout or extra).
Result<Report> ParseReportJson(std::string_view json);

}  // namespace aicr::validator::ctrf
