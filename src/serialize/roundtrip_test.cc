// Property tests: canonical writers and readers are inverse and deterministic.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

namespace fs = std::filesystem;

// Strings that stress quoting and type resolution.
const char* const kTrickyStrings[] = {
    "24.04",
    "1.0",
    "v1.2",
    "1.2.3",
    "true",
    "True",
    "TRUE",
    "tRUE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "~",
    "null",
    "NULL",
    "Null",
    "",
    "0",
    "-0",
    "+1",
    "007",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1e3",
    "1E-3",
    ".5",
    "5.",
    ".inf",
    "-.Inf",
    ".NaN",
    "nan",
    "1:20",
    "12:30:45",
    "2025-01-15",
    "550e8400",
    "0x",
    "+",
    "-",
    " leading",
    "trailing ",
    "a: b",
    "a #b",
    "#c",
    "@x",
    "`x",
    "*ref",
    "&a",
    "!tag",
    "%x",
    "{x}",
    "[x]",
    "key:",
    "multi\nline",
    "multi\nline\n",
    "keep\n\n",
    " indented\nblock",
    "\nleading newline",
    "<<",
    "=",
    "---",
    "...",
    "- item",
    "? q",
    ":x",
    "tab\tin",
    "cr\rin",
    "caf\xC3\xA9",
    "\xF0\x9F\x98\x80",
    "\xE2\x80\xA8",
    "\xC2\x85",
    "\xEF\xBB\xBF",
    "\\",
    "\"",
    "'",
    "a'b",
    "a\"b",
    "9223372036854775808",
    "0x8000000000000000",
    "1e400",
    "x]",
    "a,b",
    "--- x",
    "... x",
    "|",
    ">",
    "trailing:",
};

// Fragments random strings are built from.
const char* const kFragments[] = {
    "a",
    "b",
    "z",
    "0",
    "1",
    "9",
    ".",
    "-",
    "+",
    "_",
    ":",
    " ",
    "#",
    "'",
    "\"",
    "\\",
    "\n",
    "\t",
    "\r",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "?",
    "~",
    "e",
    "x",
    "y",
    "\xC3\xA9",
    "\xF0\x9F\x98\x80",
    "\xE2\x80\xA8",
    "\xC2\x85",
    "\xEF\xBB\xBF",
    "\x01",
    "\x7F",
    "\0",
    "null",
    "true",
    "0x",
    "<<",
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  Value Any(int depth) {
    int kinds = depth >= 4 ? 6 : 8;
    switch (Uniform(0, kinds - 1)) {
      case 0:
        return Value();
      case 1:
        return Value(Uniform(0, 1) == 1);
      case 2:
        return Value(Int());
      case 3:
        return Value(Float());
      case 4:
      case 5:
        return Value(String());
      case 6: {
        Value seq = Value::EmptySequence();
        int n = Uniform(0, 4);
        for (int i = 0; i < n; ++i) {
          seq.Append(Any(depth + 1));
        }
        return seq;
      }
      default: {
        Value map = Value::EmptyMapping();
        int n = Uniform(0, 4);
        for (int i = 0; i < n; ++i) {
          std::string key = String();
          if (map.Find(key) == nullptr) {
            map.Set(key, Any(depth + 1));
          }
        }
        return map;
      }
    }
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::int64_t Int() {
    switch (Uniform(0, 3)) {
      case 0:
        return Uniform(-10, 10);
      case 1:
        return std::numeric_limits<std::int64_t>::min() + Uniform(0, 1);
      case 2:
        return std::numeric_limits<std::int64_t>::max() - Uniform(0, 1);
      default:
        return static_cast<std::int64_t>(rng_());
    }
  }

  double Float() {
    static const double kSpecial[] = {0.0,
                                      -0.0,
                                      1.0,
                                      0.1,
                                      1e300,
                                      5e-324,
                                      24.04,
                                      3.0,
                                      1e20,
                                      1e21,
                                      -2.5,
                                      1e-7,
                                      123456789.0,
                                      1e16,
                                      0.5,
                                      9007199254740993.0,
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::infinity(),
                                      -std::numeric_limits<double>::infinity(),
                                      std::numeric_limits<double>::quiet_NaN()};
    switch (Uniform(0, 2)) {
      case 0:
        return kSpecial[Uniform(0, static_cast<int>(std::size(kSpecial)) - 1)];
      case 1:
        return static_cast<double>(Uniform(-1000, 1000));  // integral floats
      default: {
        double d = 0;
        do {
          std::uint64_t bits = rng_();
          std::memcpy(&d, &bits, sizeof(d));
        } while (!std::isfinite(d));
        return d;
      }
    }
  }

  std::string String() {
    if (Uniform(0, 2) == 0) {
      return kTrickyStrings[Uniform(0, static_cast<int>(std::size(kTrickyStrings)) - 1)];
    }
    std::string s;
    int n = Uniform(0, 8);
    for (int i = 0; i < n; ++i) {
      const char* f = kFragments[Uniform(0, static_cast<int>(std::size(kFragments)) - 1)];
      if (f[0] == '\0') {
        s.push_back('\0');
      } else {
        s += f;
      }
    }
    return s;
  }

  std::mt19937_64 rng_;
};

bool AllFinite(const Value& v) {
  if (const double* d = v.if_float()) {
    return std::isfinite(*d);
  }
  if (const Sequence* s = v.if_sequence()) {
    for (const Value& item : *s) {
      if (!AllFinite(item)) {
        return false;
      }
    }
  }
  if (const Mapping* m = v.if_mapping()) {
    for (const auto& [key, item] : *m) {
      if (!AllFinite(item)) {
        return false;
      }
    }
  }
  return true;
}

TEST(RoundTripTest, RandomValues) {
  int checked = 0;
  int json_checked = 0;
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    Generator gen(seed);
    for (int i = 0; i < 500; ++i) {
      Value v = gen.Any(0);
      SCOPED_TRACE("seed " + std::to_string(seed) + " #" + std::to_string(i) + ": " +
                   v.DebugString());

      std::string yaml = WriteYaml(v);
      ASSERT_EQ(WriteYaml(v), yaml);
      Result<Value> back = ParseYaml(yaml);
      ASSERT_THAT(back, IsOkAndHolds(v)) << yaml;
      ASSERT_EQ(WriteYaml(*back), yaml);
      WriteOptions unsorted;
      unsorted.sort_keys = false;
      ASSERT_THAT(ParseYaml(WriteYaml(v, unsorted)), IsOkAndHolds(v)) << WriteYaml(v, unsorted);
      ++checked;

      if (!AllFinite(v)) {
        continue;
      }
      Result<std::string> json = WriteJson(v);
      ASSERT_THAT(json, IsOk());
      Result<Value> jback = ParseJson(*json);
      ASSERT_THAT(jback, IsOkAndHolds(v)) << *json;
      ASSERT_THAT(WriteJson(*jback), IsOkAndHolds(*json));
      JsonWriteOptions compact;
      compact.compact = true;
      ASSERT_THAT(ParseJson(*WriteJson(v, compact)), IsOkAndHolds(v));
      ++json_checked;
    }
  }
  EXPECT_GE(checked, 2000);
  EXPECT_GE(json_checked, 1500);
}

TEST(RoundTripTest, MultiDocumentStreams) {
  Generator gen(42);
  for (int i = 0; i < 200; ++i) {
    std::vector<Value> docs;
    for (int d = 0; d < 3; ++d) {
      docs.push_back(gen.Any(1));
    }
    std::string yaml = WriteYamlDocuments(docs);
    ASSERT_THAT(ParseYamlDocuments(yaml), IsOkAndHolds(docs)) << yaml;
  }
}

fs::path SourceDir() {
  if (const char* env = std::getenv("AICR_SOURCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return AICR_SOURCE_DIR;
}

// Directories never holding catalogue YAML, or holding deliberately invalid YAML.
bool SkipDirectory(const fs::path& dir) {
  std::string name = dir.filename().string();
  return name == ".git" || name.rfind("build", 0) == 0 || name == "node_modules" ||
         name == "corpus" || name == "invalid";
}

TEST(RoundTripTest, RepositoryYamlFiles) {
  fs::path root = SourceDir();
  ASSERT_TRUE(fs::is_directory(root)) << root;
  int found = 0;
  int templated = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory() && SkipDirectory(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    std::string ext = it->path().extension().string();
    if (!it->is_regular_file() || (ext != ".yaml" && ext != ".yml")) {
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    if (text.find("{{") != std::string::npos) {
      ++templated;  // Go templates are not YAML until rendered
      continue;
    }
    ++found;
    SCOPED_TRACE(it->path().string());
    Result<std::vector<Value>> docs = ParseYamlDocuments(text);
    ASSERT_THAT(docs, IsOk());
    std::string written = WriteYamlDocuments(*docs);
    ASSERT_THAT(ParseYamlDocuments(written), IsOkAndHolds(*docs)) << written;
    ASSERT_EQ(WriteYamlDocuments(*ParseYamlDocuments(written)), written);
  }
  ASSERT_FALSE(ec) << ec.message();
  RecordProperty("yaml_files", found);
  RecordProperty("templated_yaml_files", templated);
  // The catalogue may not exist yet; the walk itself must have succeeded.
  SUCCEED() << found << " YAML files checked, " << templated << " templates skipped";
}

}  // namespace
}  // namespace aicr::serialize
