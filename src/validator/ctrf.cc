#include "validator/ctrf.h"

#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"

namespace aicr::validator::ctrf {
namespace {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

constexpr TestStatus kAllStatuses[] = {TestStatus::kPassed, TestStatus::kFailed,
                                       TestStatus::kSkipped, TestStatus::kPending,
                                       TestStatus::kOther};

Value StringSequence(const std::vector<std::string>& items) {
  Sequence seq;
  seq.reserve(items.size());
  for (const std::string& s : items) {
    seq.emplace_back(s);
  }
  return Value(std::move(seq));
}

void PutIfSet(Mapping& m, std::string key, const std::string& value) {
  if (!value.empty()) {
    m.Set(std::move(key), Value(value));
  }
}

Status ReadError(std::string_view path, std::string_view problem) {
  return InvalidRequestError("ctrf: " + std::string(path) + ": " + std::string(problem));
}

Status TypeError(std::string_view path, std::string_view want, const Value& got) {
  return ReadError(path, "expected " + std::string(want) + ", got " +
                             std::string(serialize::ValueTypeName(got.type())));
}

std::string Child(std::string_view path, std::string_view key) {
  return std::string(path) + "." + std::string(key);
}

// A mapping member that must be present.
Result<const Mapping*> RequiredMapping(const Mapping& m, std::string_view key,
                                       std::string_view path) {
  const Value* v = m.Find(key);
  if (v == nullptr) {
    return ReadError(path, "missing " + Quote(key));
  }
  if (const Mapping* mm = v->if_mapping()) {
    return mm;
  }
  return TypeError(Child(path, key), "object", *v);
}

// A string member; absent reads as "" unless `required`.
Result<std::string> StringMember(const Mapping& m, std::string_view key, std::string_view path,
                                 bool required) {
  const Value* v = m.Find(key);
  if (v == nullptr || (v->is_null() && !required)) {
    if (required) {
      return ReadError(path, "missing " + Quote(key));
    }
    return std::string();
  }
  if (const std::string* s = v->if_string()) {
    return *s;
  }
  return TypeError(Child(path, key), "string", *v);
}

// An integer member; absent reads as 0 unless `required`.
Result<std::int64_t> IntMember(const Mapping& m, std::string_view key, std::string_view path,
                               bool required) {
  const Value* v = m.Find(key);
  if (v == nullptr) {
    if (required) {
      return ReadError(path, "missing " + Quote(key));
    }
    return std::int64_t{0};
  }
  if (const std::int64_t* i = v->if_int()) {
    return *i;
  }
  return TypeError(Child(path, key), "integer", *v);
}

Result<std::vector<std::string>> StringsMember(const Mapping& m, std::string_view key,
                                               std::string_view path) {
  std::vector<std::string> out;
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  const std::string field = Child(path, key);
  const Sequence* seq = v->if_sequence();
  if (seq == nullptr) {
    return TypeError(field, "array", *v);
  }
  for (std::size_t i = 0; i < seq->size(); ++i) {
    const std::string* s = (*seq)[i].if_string();
    if (s == nullptr) {
      return TypeError(field + "[" + std::to_string(i) + "]", "string", (*seq)[i]);
    }
    out.push_back(*s);
  }
  return out;
}

Result<TestResult> ReadTest(const Value& v, const std::string& path) {
  const Mapping* m = v.if_mapping();
  if (m == nullptr) {
    return TypeError(path, "object", v);
  }
  TestResult t;
  AICR_ASSIGN_OR_RETURN(t.name, StringMember(*m, "name", path, true));
  if (t.name.empty()) {
    return ReadError(Child(path, "name"), "must not be empty");
  }
  AICR_ASSIGN_OR_RETURN(std::string status, StringMember(*m, "status", path, true));
  const std::optional<TestStatus> parsed = ParseStatus(status);
  if (!parsed.has_value()) {
    return ReadError(Child(path, "status"), "unknown status " + EscapedQuote(status));
  }
  t.status = *parsed;
  AICR_ASSIGN_OR_RETURN(t.duration, IntMember(*m, "duration", path, true));
  AICR_ASSIGN_OR_RETURN(t.suite, StringsMember(*m, "suite", path));
  AICR_ASSIGN_OR_RETURN(t.message, StringMember(*m, "message", path, false));
  AICR_ASSIGN_OR_RETURN(t.stdout_lines, StringsMember(*m, "stdout", path));
  if (const Value* extra = m->Find("extra"); extra != nullptr && !extra->is_null()) {
    const Mapping* em = extra->if_mapping();
    if (em == nullptr) {
      return TypeError(Child(path, "extra"), "object", *extra);
    }
    for (const auto& [key, value] : *em) {
      const std::string* s = value.if_string();
      if (s == nullptr) {
        return TypeError(Child(Child(path, "extra"), key), "string", value);
      }
      t.extra[key] = *s;
    }
  }
  return t;
}

}  // namespace

std::string_view StatusName(TestStatus status) {
  switch (status) {
    case TestStatus::kPassed:
      return "passed";
    case TestStatus::kFailed:
      return "failed";
    case TestStatus::kSkipped:
      return "skipped";
    case TestStatus::kPending:
      return "pending";
    case TestStatus::kOther:
      return "other";
  }
  return "other";
}

std::optional<TestStatus> ParseStatus(std::string_view name) {
  for (TestStatus s : kAllStatuses) {
    if (StatusName(s) == name) {
      return s;
    }
  }
  return std::nullopt;
}

bool IsFailingStatus(TestStatus status) {
  return status == TestStatus::kFailed || status == TestStatus::kOther;
}

TestStatus ExitCodeToStatus(int exit_code) {
  switch (exit_code) {
    case 0:
      return TestStatus::kPassed;
    case 1:
      return TestStatus::kFailed;
    case 2:
      return TestStatus::kSkipped;
    default:
      return TestStatus::kOther;
  }
}

TestResult ToTestResult(const ValidatorResult& result) {
  TestResult t;
  t.name = result.name;
  t.status = ExitCodeToStatus(result.exit_code);
  t.duration = result.duration.count() < 0 ? 0 : result.duration.count();
  if (!result.phase.empty()) {
    t.suite = {result.phase};
  }
  t.message = result.termination_message;
  t.stdout_lines = result.stdout_lines;
  t.extra = result.extra;
  return t;
}

CapturedOutput CaptureStdout(std::string_view logs) {
  CapturedOutput out;
  while (!logs.empty() && logs.back() == '\n') {
    logs.remove_suffix(1);
  }
  if (logs.empty()) {
    return out;
  }
  std::vector<std::string_view> lines;
  std::optional<std::string_view> extra_line;
  std::size_t pos = 0;
  while (true) {
    const std::size_t nl = logs.find('\n', pos);
    const std::string_view line =
        logs.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (line.substr(0, kExtraLinePrefix.size()) == kExtraLinePrefix) {
      extra_line = line.substr(kExtraLinePrefix.size());
    } else {
      lines.push_back(line);
    }
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  if (extra_line.has_value()) {
    Result<Value> doc = serialize::ParseJson(*extra_line);
    const Mapping* m = doc.ok() ? doc->if_mapping() : nullptr;
    if (m != nullptr) {
      serialize::JsonWriteOptions compact;
      compact.compact = true;
      compact.trailing_newline = false;
      for (const auto& [key, value] : *m) {
        if (const std::string* s = value.if_string()) {
          out.extra[key] = *s;
        } else if (value.is_int() || value.is_float() || value.is_bool()) {
          Result<std::string> text = serialize::WriteJson(value, compact);
          if (text.ok()) {
            out.extra[key] = *text;
          }
        }
      }
    }
  }
  const std::size_t first = lines.size() > kMaxStdoutLines ? lines.size() - kMaxStdoutLines : 0;
  for (std::size_t i = first; i < lines.size(); ++i) {
    std::string line(lines[i]);
    if (line.size() > kMaxStdoutLineLength) {
      const std::size_t dropped = line.size() - kMaxStdoutLineLength;
      line.resize(kMaxStdoutLineLength);
      line += "... [truncated " + std::to_string(dropped) + " chars]";
    }
    out.stdout_lines.push_back(std::move(line));
  }
  return out;
}

std::string BoundTerminationMessage(std::string_view message, std::size_t max_bytes) {
  if (message.size() <= max_bytes) {
    return std::string(message);
  }
  std::size_t cut = max_bytes;
  // Step back over UTF-8 continuation bytes so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(message.substr(0, cut)) + "... [truncated " +
         std::to_string(message.size() - cut) + " bytes]";
}

TestResult SkippedTest(std::string_view name, std::string_view phase, std::string_view reason) {
  TestResult t;
  t.name = std::string(name);
  t.status = TestStatus::kSkipped;
  if (!phase.empty()) {
    t.suite = {std::string(phase)};
  }
  t.message = std::string(reason);
  return t;
}

Summary Summarize(const std::vector<TestResult>& tests, std::int64_t start_ms,
                  std::int64_t stop_ms) {
  Summary s;
  s.tests = static_cast<std::int64_t>(tests.size());
  for (const TestResult& t : tests) {
    switch (t.status) {
      case TestStatus::kPassed:
        ++s.passed;
        break;
      case TestStatus::kFailed:
        ++s.failed;
        break;
      case TestStatus::kSkipped:
        ++s.skipped;
        break;
      case TestStatus::kPending:
        ++s.pending;
        break;
      case TestStatus::kOther:
        ++s.other;
        break;
    }
  }
  s.start = start_ms;
  s.stop = stop_ms;
  return s;
}

TestStatus AggregateStatus(const std::vector<TestResult>& tests) {
  bool other = false;
  for (const TestResult& t : tests) {
    if (t.status == TestStatus::kFailed) {
      return TestStatus::kFailed;
    }
    other = other || t.status == TestStatus::kOther;
  }
  if (other) {
    return TestStatus::kOther;
  }
  return tests.empty() ? TestStatus::kSkipped : TestStatus::kPassed;
}

TestStatus DisplayStatus(const std::vector<TestResult>& tests) {
  const TestStatus status = AggregateStatus(tests);
  if (status != TestStatus::kPassed) {
    return status;
  }
  for (const TestResult& t : tests) {
    if (t.status != TestStatus::kSkipped) {
      return status;
    }
  }
  return TestStatus::kSkipped;
}

TestStatus PhaseStatus(const Report& report) { return AggregateStatus(report.tests); }

std::vector<SuiteGroup> GroupBySuite(const Report& report) {
  std::map<std::string, std::vector<TestResult>> by_suite;
  std::vector<TestResult> unsuited;
  for (const TestResult& t : report.tests) {
    if (t.suite.empty() || t.suite.front().empty()) {
      unsuited.push_back(t);
    } else {
      by_suite[t.suite.front()].push_back(t);
    }
  }
  std::vector<SuiteGroup> out;
  for (std::string_view phase : {"deployment", "performance", "conformance"}) {
    auto it = by_suite.find(std::string(phase));
    if (it != by_suite.end()) {
      out.push_back(SuiteGroup{it->first, std::move(it->second)});
      by_suite.erase(it);
    }
  }
  for (auto& [suite, tests] : by_suite) {
    out.push_back(SuiteGroup{suite, std::move(tests)});
  }
  if (!unsuited.empty()) {
    out.push_back(SuiteGroup{"", std::move(unsuited)});
  }
  return out;
}

std::string HumanDuration(std::int64_t ms) {
  if (ms < 0) {
    ms = 0;
  }
  if (ms < 1000) {
    return std::to_string(ms) + "ms";
  }
  if (ms < 60000) {
    return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + "s";
  }
  const auto two = [](std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  const std::int64_t total_s = ms / 1000;
  const std::int64_t h = total_s / 3600;
  const std::int64_t m = (total_s / 60) % 60;
  const std::int64_t s = total_s % 60;
  if (h > 0) {
    return std::to_string(h) + "h" + two(m) + "m" + two(s) + "s";
  }
  return std::to_string(m) + "m" + two(s) + "s";
}

std::int64_t RunDurationMillis(const Summary& summary) {
  if (summary.start <= 0 || summary.stop <= 0 || summary.stop < summary.start) {
    return 0;
  }
  return summary.stop - summary.start;
}

std::int64_t EpochMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Builder::Builder(std::string tool_name, std::string tool_version, const Clock& clock)
    : tool_{std::move(tool_name), std::move(tool_version)},
      clock_(clock),
      start_ms_(EpochMillis(clock.Now())) {}

void Builder::SetEnvironment(Environment environment) { environment_ = std::move(environment); }

void Builder::AddResult(const ValidatorResult& result) { tests_.push_back(ToTestResult(result)); }

void Builder::AddSkipped(std::string_view name, std::string_view phase, std::string_view reason) {
  tests_.push_back(SkippedTest(name, phase, reason));
}

void Builder::AddTest(TestResult test) { tests_.push_back(std::move(test)); }

Report Builder::Build() const {
  const auto now = clock_.Now();
  Report r;
  r.timestamp = FormatRfc3339(now);
  r.generated_by = tool_.name;
  r.tool = tool_;
  r.summary = Summarize(tests_, start_ms_, EpochMillis(now));
  r.tests = tests_;
  r.environment = environment_;
  return r;
}

Report MergeReports(std::string_view tool_name, std::string_view tool_version,
                    const std::vector<Report>& reports, const Clock& clock) {
  if (reports.size() == 1) {
    return reports.front();
  }
  Report merged;
  merged.generated_by = std::string(tool_name);
  merged.tool = Tool{std::string(tool_name), std::string(tool_version)};
  for (const Report& r : reports) {
    merged.tests.insert(merged.tests.end(), r.tests.begin(), r.tests.end());
    Summary& s = merged.summary;
    s.tests += r.summary.tests;
    s.passed += r.summary.passed;
    s.failed += r.summary.failed;
    s.skipped += r.summary.skipped;
    s.pending += r.summary.pending;
    s.other += r.summary.other;
    if (r.summary.start != 0 && (s.start == 0 || r.summary.start < s.start)) {
      s.start = r.summary.start;
    }
    if (r.summary.stop > s.stop) {
      s.stop = r.summary.stop;
    }
    if (merged.timestamp.empty()) {
      merged.timestamp = r.timestamp;
    }
    if (r.environment.has_value()) {
      merged.environment = r.environment;
    }
  }
  if (merged.timestamp.empty()) {
    merged.timestamp = FormatRfc3339(clock.Now());
  }
  return merged;
}

serialize::Value ToValue(const Report& report) {
  Mapping tool;
  tool.Set("name", Value(report.tool.name));
  PutIfSet(tool, "version", report.tool.version);

  Mapping summary;
  summary.Set("tests", Value(report.summary.tests));
  summary.Set("passed", Value(report.summary.passed));
  summary.Set("failed", Value(report.summary.failed));
  summary.Set("skipped", Value(report.summary.skipped));
  summary.Set("pending", Value(report.summary.pending));
  summary.Set("other", Value(report.summary.other));
  summary.Set("start", Value(report.summary.start));
  summary.Set("stop", Value(report.summary.stop));

  Sequence tests;
  tests.reserve(report.tests.size());
  for (const TestResult& t : report.tests) {
    Mapping m;
    m.Set("name", Value(t.name));
    m.Set("status", Value(StatusName(t.status)));
    m.Set("duration", Value(t.duration));
    if (!t.suite.empty()) {
      m.Set("suite", StringSequence(t.suite));
    }
    PutIfSet(m, "message", t.message);
    if (!t.stdout_lines.empty()) {
      m.Set("stdout", StringSequence(t.stdout_lines));
    }
    if (!t.extra.empty()) {
      Mapping extra;
      for (const auto& [key, value] : t.extra) {
        extra.Set(key, Value(value));
      }
      m.Set("extra", Value(std::move(extra)));
    }
    tests.emplace_back(std::move(m));
  }

  Mapping results;
  results.Set("tool", Value(std::move(tool)));
  results.Set("summary", Value(std::move(summary)));
  results.Set("tests", Value(std::move(tests)));
  if (report.environment.has_value() && !report.environment->empty()) {
    Mapping env;
    PutIfSet(env, "appName", report.environment->app_name);
    PutIfSet(env, "appVersion", report.environment->app_version);
    PutIfSet(env, "testEnvironment", report.environment->test_environment);
    results.Set("environment", Value(std::move(env)));
  }

  Mapping root;
  root.Set("reportFormat", Value(report.report_format));
  root.Set("specVersion", Value(report.spec_version));
  root.Set("timestamp", Value(report.timestamp));
  root.Set("generatedBy", Value(report.generated_by));
  root.Set("results", Value(std::move(results)));
  return Value(std::move(root));
}

std::string WriteReportJson(const Report& report) {
  serialize::JsonWriteOptions options;
  options.sort_keys = false;
  // The model holds no floats, so the writer cannot fail.
  Result<std::string> json = serialize::WriteJson(ToValue(report), options);
  return json.ok() ? *json : std::string();
}

Result<Report> ParseReportJson(std::string_view json) {
  Result<Value> doc = serialize::ParseJson(json);
  if (!doc.ok()) {
    return InvalidRequestError("ctrf: " + doc.status().message());
  }
  const Mapping* root = doc->if_mapping();
  if (root == nullptr) {
    return TypeError("document", "object", *doc);
  }
  Report r;
  AICR_ASSIGN_OR_RETURN(r.report_format, StringMember(*root, "reportFormat", "document", true));
  if (r.report_format != kReportFormat) {
    return ReadError("reportFormat", "expected \"CTRF\", got " + EscapedQuote(r.report_format));
  }
  AICR_ASSIGN_OR_RETURN(r.spec_version, StringMember(*root, "specVersion", "document", true));
  if (r.spec_version.empty()) {
    return ReadError("specVersion", "must not be empty");
  }
  AICR_ASSIGN_OR_RETURN(r.timestamp, StringMember(*root, "timestamp", "document", false));
  AICR_ASSIGN_OR_RETURN(r.generated_by, StringMember(*root, "generatedBy", "document", false));
  AICR_ASSIGN_OR_RETURN(const Mapping* results, RequiredMapping(*root, "results", "document"));

  AICR_ASSIGN_OR_RETURN(const Mapping* tool, RequiredMapping(*results, "tool", "results"));
  AICR_ASSIGN_OR_RETURN(r.tool.name, StringMember(*tool, "name", "results.tool", true));
  AICR_ASSIGN_OR_RETURN(r.tool.version, StringMember(*tool, "version", "results.tool", false));

  AICR_ASSIGN_OR_RETURN(const Mapping* summary, RequiredMapping(*results, "summary", "results"));
  const std::pair<const char*, std::int64_t*> counts[] = {
      {"tests", &r.summary.tests},     {"passed", &r.summary.passed},
      {"failed", &r.summary.failed},   {"skipped", &r.summary.skipped},
      {"pending", &r.summary.pending}, {"other", &r.summary.other},
      {"start", &r.summary.start},     {"stop", &r.summary.stop},
  };
  for (const auto& [key, slot] : counts) {
    AICR_ASSIGN_OR_RETURN(*slot, IntMember(*summary, key, "results.summary", true));
  }

  const Value* tests = results->Find("tests");
  if (tests == nullptr) {
    return ReadError("results", "missing \"tests\"");
  }
  const Sequence* seq = tests->if_sequence();
  if (seq == nullptr) {
    return TypeError("results.tests", "array", *tests);
  }
  for (std::size_t i = 0; i < seq->size(); ++i) {
    AICR_ASSIGN_OR_RETURN(TestResult t,
                          ReadTest((*seq)[i], "results.tests[" + std::to_string(i) + "]"));
    r.tests.push_back(std::move(t));
  }

  if (const Value* env = results->Find("environment"); env != nullptr && !env->is_null()) {
    const Mapping* em = env->if_mapping();
    if (em == nullptr) {
      return TypeError("results.environment", "object", *env);
    }
    Environment e;
    AICR_ASSIGN_OR_RETURN(e.app_name, StringMember(*em, "appName", "results.environment", false));
    AICR_ASSIGN_OR_RETURN(e.app_version,
                          StringMember(*em, "appVersion", "results.environment", false));
    AICR_ASSIGN_OR_RETURN(e.test_environment,
                          StringMember(*em, "testEnvironment", "results.environment", false));
    r.environment = std::move(e);
  }
  return r;
}

}  // namespace aicr::validator::ctrf
