// Independent checks of the CTRF JSON aicr writes.
//
// 1. A structural check written from the CTRF 0.0.x specification (not from our
//    writer): required members, allowed members per object, types, the status
//    enumeration, and summary counts that agree with the tests.
// 2. Validation against the official CTRF JSON schema shipped by the `ctrf` npm
//    package (tests/tools/node_modules/ctrf/src/ctrf-schema-*.json, or the file
//    named by $AICR_CTRF_SCHEMA) with the pinned ajv + ajv-formats in tests/tools.
//    Skipped when node or the package is missing, except on CI (CI=true), where
//    that is a failure.
//
// Both run over the goldens of tests/golden/validator and over freshly built
// reports, and both are shown to reject broken documents.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/status_matchers.h"
#include "validator/ctrf.h"

namespace aicr::validator::ctrf {
namespace {

namespace fs = std::filesystem;
using serialize::Mapping;
using serialize::Value;
using namespace std::chrono_literals;

std::string SourceDir() {
  const char* env = std::getenv("AICR_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(AICR_SOURCE_DIR);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- 1. Structural check -------------------------------------------------------

void CheckKeys(const Mapping& m, const std::string& where, const std::set<std::string>& required,
               const std::set<std::string>& optional, std::vector<std::string>& problems) {
  for (const std::string& key : required) {
    if (!m.Contains(key)) {
      problems.push_back(where + ": missing required " + key);
    }
  }
  for (const auto& [key, value] : m) {
    if (required.count(key) == 0 && optional.count(key) == 0) {
      problems.push_back(where + ": unexpected member " + key);
    }
  }
}

bool IsStringArray(const Value& v, bool non_empty) {
  const serialize::Sequence* seq = v.if_sequence();
  if (seq == nullptr || (non_empty && seq->empty())) {
    return false;
  }
  for (const Value& item : *seq) {
    if (!item.is_string()) {
      return false;
    }
  }
  return true;
}

// The problems with `doc` as a CTRF 0.0.x report written by aicr; empty when none.
std::vector<std::string> StructuralProblems(const Value& doc) {
  std::vector<std::string> problems;
  const Mapping* root = doc.if_mapping();
  if (root == nullptr) {
    return {"document is not an object"};
  }
  CheckKeys(*root, "document", {"reportFormat", "specVersion", "results"},
            {"timestamp", "generatedBy"}, problems);
  std::vector<std::string> order;
  for (const auto& [key, value] : *root) {
    order.push_back(key);
  }
  if (order != std::vector<std::string>{"reportFormat", "specVersion", "timestamp", "generatedBy",
                                        "results"}) {
    problems.push_back("document: members out of order");
  }
  const Value* format = root->Find("reportFormat");
  if (format == nullptr || format->if_string() == nullptr || *format->if_string() != "CTRF") {
    problems.push_back("reportFormat is not \"CTRF\"");
  }
  const Value* spec = root->Find("specVersion");
  if (spec == nullptr || !spec->is_string() ||
      !std::regex_match(*spec->if_string(), std::regex("[0-9]+\\.[0-9]+\\.[0-9]+"))) {
    problems.push_back("specVersion is not MAJOR.MINOR.PATCH");
  }
  const Value* ts = root->Find("timestamp");
  if (ts != nullptr &&
      (!ts->is_string() ||
       !std::regex_match(*ts->if_string(),
                         std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                                    "(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})")))) {
    problems.push_back("timestamp is not RFC 3339");
  }
  const Value* results = root->Find("results");
  const Mapping* rm = results != nullptr ? results->if_mapping() : nullptr;
  if (rm == nullptr) {
    problems.push_back("results is not an object");
    return problems;
  }
  CheckKeys(*rm, "results", {"tool", "summary", "tests"}, {"environment"}, problems);

  if (const Value* tool = rm->Find("tool")) {
    const Mapping* tm = tool->if_mapping();
    if (tm == nullptr) {
      problems.push_back("results.tool is not an object");
    } else {
      CheckKeys(*tm, "results.tool", {"name"}, {"version"}, problems);
      const Value* name = tm->Find("name");
      if (name != nullptr && (!name->is_string() || name->if_string()->empty())) {
        problems.push_back("results.tool.name is not a non-empty string");
      }
      const Value* version = tm->Find("version");
      if (version != nullptr && !version->is_string()) {
        problems.push_back("results.tool.version is not a string");
      }
    }
  }

  std::map<std::string, std::int64_t> counted;
  std::int64_t total = 0;
  if (const Value* tests = rm->Find("tests")) {
    const serialize::Sequence* seq = tests->if_sequence();
    if (seq == nullptr) {
      problems.push_back("results.tests is not an array");
    } else {
      total = static_cast<std::int64_t>(seq->size());
      for (std::size_t i = 0; i < seq->size(); ++i) {
        const std::string where = "results.tests[" + std::to_string(i) + "]";
        const Mapping* t = (*seq)[i].if_mapping();
        if (t == nullptr) {
          problems.push_back(where + " is not an object");
          continue;
        }
        CheckKeys(*t, where, {"name", "status", "duration"},
                  {"suite", "message", "stdout", "extra"}, problems);
        const Value* name = t->Find("name");
        if (name != nullptr && (!name->is_string() || name->if_string()->empty())) {
          problems.push_back(where + ".name is not a non-empty string");
        }
        const Value* status = t->Find("status");
        static const std::set<std::string> kStatuses = {"passed", "failed", "skipped", "pending",
                                                        "other"};
        if (status != nullptr) {
          if (!status->is_string() || kStatuses.count(*status->if_string()) == 0) {
            problems.push_back(where + ".status is not a CTRF status");
          } else {
            ++counted[*status->if_string()];
          }
        }
        const Value* duration = t->Find("duration");
        if (duration != nullptr && (!duration->is_int() || *duration->if_int() < 0)) {
          problems.push_back(where + ".duration is not a non-negative integer");
        }
        if (const Value* suite = t->Find("suite");
            suite != nullptr && !IsStringArray(*suite, true)) {
          problems.push_back(where + ".suite is not a non-empty string array");
        }
        if (const Value* out = t->Find("stdout");
            out != nullptr && !IsStringArray(*out, /*non_empty=*/true)) {
          problems.push_back(where + ".stdout is not a non-empty string array");
        }
        if (const Value* msg = t->Find("message");
            msg != nullptr && (!msg->is_string() || msg->if_string()->empty())) {
          problems.push_back(where + ".message is not a non-empty string");
        }
        if (const Value* extra = t->Find("extra"); extra != nullptr) {
          const Mapping* em = extra->if_mapping();
          if (em == nullptr || em->empty()) {
            problems.push_back(where + ".extra is not a non-empty object");
          } else {
            for (const auto& [key, value] : *em) {
              if (!value.is_string()) {
                problems.push_back(where + ".extra." + key + " is not a string");
              }
            }
          }
        }
      }
    }
  }

  if (const Value* summary = rm->Find("summary")) {
    const Mapping* sm = summary->if_mapping();
    if (sm == nullptr) {
      problems.push_back("results.summary is not an object");
    } else {
      CheckKeys(*sm, "results.summary",
                {"tests", "passed", "failed", "skipped", "pending", "other", "start", "stop"}, {},
                problems);
      for (const auto& [key, value] : *sm) {
        if (!value.is_int()) {
          problems.push_back("results.summary." + key + " is not an integer");
        }
      }
      const auto count = [&](const char* key) {
        const Value* v = sm->Find(key);
        return v != nullptr && v->is_int() ? *v->if_int() : -1;
      };
      if (count("tests") != total) {
        problems.push_back("results.summary.tests does not match the tests");
      }
      for (const char* s : {"passed", "failed", "skipped", "pending", "other"}) {
        if (count(s) != counted[s]) {
          problems.push_back(std::string("results.summary.") + s + " does not match the tests");
        }
      }
      if (count("stop") < count("start")) {
        problems.push_back("results.summary.stop is before start");
      }
    }
  }

  if (const Value* env = rm->Find("environment")) {
    const Mapping* em = env->if_mapping();
    if (em == nullptr || em->empty()) {
      problems.push_back("results.environment is not a non-empty object");
    } else {
      CheckKeys(*em, "results.environment", {}, {"appName", "appVersion", "testEnvironment"},
                problems);
      for (const auto& [key, value] : *em) {
        if (!value.is_string()) {
          problems.push_back("results.environment." + key + " is not a string");
        }
      }
    }
  }
  return problems;
}

std::vector<std::string> GoldenJsonFiles() {
  std::vector<std::string> out;
  const fs::path dir = fs::path(SourceDir()) / "tests" / "golden" / "validator";
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().filename() == "report.json") {
      out.push_back(entry.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Report BuiltReport() {
  FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1778235791)));
  Builder b("aicr", "v0.13.0", clock);
  ValidatorResult r;
  r.name = "check-nvidia-smi";
  r.phase = "deployment";
  r.exit_code = 137;
  r.termination_message = "Container OOMKilled";
  r.stdout_lines = {"line"};
  r.extra = {{"nodesTotal", "2"}};
  r.duration = 1500ms;
  b.AddResult(r);
  b.AddSkipped("dra-support", "conformance", kSkippedNoCluster);
  clock.Advance(2s);
  return b.Build();
}

TEST(CtrfStructureTest, GoldenAndBuiltReportsAreWellFormed) {
  std::vector<std::string> texts;
  for (const std::string& path : GoldenJsonFiles()) {
    texts.push_back(ReadFile(path));
  }
  ASSERT_GE(texts.size(), 2u) << "tests/golden/validator has no report.json";
  texts.push_back(WriteReportJson(BuiltReport()));
  Report empty;
  empty.tool.name = "aicr";
  empty.timestamp = "2026-05-08T10:23:11Z";
  empty.generated_by = "aicr";
  texts.push_back(WriteReportJson(empty));
  for (const std::string& text : texts) {
    auto doc = serialize::ParseJson(text);
    ASSERT_THAT(doc, IsOk());
    EXPECT_THAT(StructuralProblems(*doc), ::testing::IsEmpty()) << text;
  }
}

TEST(CtrfStructureTest, CatchesBrokenDocuments) {
  const Value good = ToValue(BuiltReport());
  ASSERT_THAT(StructuralProblems(good), ::testing::IsEmpty());
  struct Break {
    const char* want;
    void (*edit)(Value&);
  };
  const Break breaks[] = {
      {"reportFormat is not", [](Value& d) { d.Set("reportFormat", "JUNIT"); }},
      {"specVersion is not", [](Value& d) { d.Set("specVersion", "1"); }},
      {"timestamp is not RFC 3339", [](Value& d) { d.Set("timestamp", "yesterday"); }},
      {"unexpected member", [](Value& d) { d.Find("results")->Set("extra2", 1); }},
      {"results.tests[0].status is not a CTRF status",
       [](Value& d) {
         (*d.Find("results")->Find("tests")->if_sequence())[0].Set("status", "broken");
       }},
      {"results.summary.failed does not match",
       [](Value& d) { d.Find("results")->Find("summary")->Set("failed", 3); }},
      {"results.tests[1]: missing required duration",
       [](Value& d) {
         (*d.Find("results")->Find("tests")->if_sequence())[1].if_mapping()->Erase("duration");
       }},
      {"results.tests[0].suite is not",
       [](Value& d) {
         (*d.Find("results")->Find("tests")->if_sequence())[0].Set("suite", Value::EmptySequence());
       }},
  };
  for (const Break& b : breaks) {
    Value doc = good;
    b.edit(doc);
    EXPECT_THAT(StructuralProblems(doc), ::testing::Contains(::testing::HasSubstr(b.want)))
        << b.want;
  }
}

// ---- 2. The official CTRF schema -----------------------------------------------

std::string SchemaPath() {
  if (const char* env = std::getenv("AICR_CTRF_SCHEMA"); env != nullptr && *env != '\0') {
    return env;
  }
  const fs::path dir = fs::path(SourceDir()) / "tests" / "tools" / "node_modules" / "ctrf" / "src";
  std::error_code ec;
  std::vector<std::string> schemas;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("ctrf-schema-", 0) == 0 && entry.path().extension() == ".json") {
      schemas.push_back(entry.path().string());
    }
  }
  std::sort(schemas.begin(), schemas.end());
  return schemas.empty() ? std::string() : schemas.front();
}

std::string NodeModules() { return SourceDir() + "/tests/tools/node_modules"; }

// Why the schema check cannot run here ("" when it can).
std::string SchemaCheckMissing() {
  if (!::aicr::testing::HaveProgram("node")) {
    return "node is not on PATH";
  }
  for (const char* pkg : {"ajv", "ajv-formats"}) {
    if (access((NodeModules() + "/" + pkg + "/package.json").c_str(), R_OK) != 0) {
      return std::string("npm package ") + pkg + " is not installed in tests/tools";
    }
  }
  if (SchemaPath().empty() || access(SchemaPath().c_str(), R_OK) != 0) {
    return "the CTRF schema (npm package ctrf in tests/tools) is not installed";
  }
  return "";
}

#define REQUIRE_CTRF_SCHEMA()                                               \
  do {                                                                      \
    const std::string missing = SchemaCheckMissing();                       \
    if (!missing.empty()) {                                                 \
      const char* ci = std::getenv("CI");                                   \
      if (ci != nullptr && std::string(ci) == "true") {                     \
        FAIL() << missing << "; required on CI (scripts/install-tools.sh)"; \
      }                                                                     \
      GTEST_SKIP() << missing << "; run scripts/install-tools.sh";          \
    }                                                                       \
  } while (false)

// Validates the JSON document on stdin against the schema; exit 0 valid, 1 invalid.
constexpr char kValidateScript[] = R"JS(
const [modules, schemaPath] = process.argv.slice(1);
const Ajv = require(modules + '/ajv').default;
const addFormats = require(modules + '/ajv-formats').default;
const schema = JSON.parse(require('fs').readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const doc = JSON.parse(require('fs').readFileSync(0, 'utf8'));
if (validate(doc)) { console.log('valid'); process.exit(0); }
console.log(JSON.stringify(validate.errors));
process.exit(1);
)JS";

::aicr::testing::ProcessResult ValidateWithSchema(const std::string& json) {
  ::aicr::testing::ProcessOptions options;
  options.stdin_data = json;
  return ::aicr::testing::RunProcess({"node", "-e", kValidateScript, NodeModules(), SchemaPath()},
                                     options);
}

TEST(CtrfSchemaTest, ReportsValidateAgainstTheOfficialSchema) {
  REQUIRE_CTRF_SCHEMA();
  std::vector<std::string> texts;
  for (const std::string& path : GoldenJsonFiles()) {
    texts.push_back(ReadFile(path));
  }
  ASSERT_GE(texts.size(), 2u);
  texts.push_back(WriteReportJson(BuiltReport()));
  for (const std::string& text : texts) {
    const auto r = ValidateWithSchema(text);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << "\n" << text;
  }
}

TEST(CtrfSchemaTest, SchemaRejectsABrokenReport) {
  // The check above can fail: a report with an unknown status and a string
  // duration is refused.
  REQUIRE_CTRF_SCHEMA();
  Value doc = ToValue(BuiltReport());
  Value& test = (*doc.Find("results")->Find("tests")->if_sequence())[0];
  test.Set("status", "exploded");
  test.Set("duration", "1500");
  serialize::JsonWriteOptions options;
  options.sort_keys = false;
  const auto r = ValidateWithSchema(*serialize::WriteJson(doc, options));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("status"));
}

}  // namespace
}  // namespace aicr::validator::ctrf
