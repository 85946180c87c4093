#include "serialize/yaml_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

Value Map(std::initializer_list<std::pair<std::string, Value>> entries) {
  Value v = Value::EmptyMapping();
  for (const auto& [k, item] : entries) {
    EXPECT_THAT(v.Insert(k, item), IsOk());
  }
  return v;
}

Value Seq(std::initializer_list<Value> items) { return Value(Sequence(items)); }

// Writes `v`, checks the bytes, and checks that they read back as `v`.
void ExpectYaml(const Value& v, const std::string& want) {
  EXPECT_EQ(WriteYaml(v), want);
  EXPECT_THAT(ParseYaml(want), IsOkAndHolds(v)) << want;
}

TEST(YamlWriterTest, GoldenNestedDocument) {
  Value doc = Map({
      {"name", Value("gpu-operator")},
      {"version", Value("24.04")},
      {"ratio", Value(1.0)},
      {"count", Value(3)},
      {"enabled", Value(true)},
      {"nothing", Value()},
      {"emptyMap", Value::EmptyMapping()},
      {"emptySeq", Value::EmptySequence()},
      {"components",
       Seq({Map({{"name", Value("driver")},
                 {"values", Map({{"repo", Value("nvcr.io/nvidia")}, {"tag", Value("on")}})},
                 {"args", Seq({Value("--a"), Value("- b")})}}),
            Map({{"name", Value("toolkit")}}), Seq({Value(1), Seq({Value(2), Value(3)})}),
            Value::EmptyMapping(), Value::EmptySequence(), Value("plain")})},
      {"script", Value("#!/bin/sh\necho hi\n")},
      {"noNewline", Value("a\nb")},
      {"keep", Value("a\n\n")},
      {"indented", Value("  two\nzero\n")},
      {"trailingSpace", Value("a \nb")},
      {"key: with colon", Value("v")},
      {"", Value("empty key")},
  });
  const std::string want = R"("": empty key
components:
  - args:
      - --a
      - "- b"
    name: driver
    values:
      repo: nvcr.io/nvidia
      tag: "on"
  - name: toolkit
  - - 1
    - - 2
      - 3
  - {}
  - []
  - plain
count: 3
emptyMap: {}
emptySeq: []
enabled: true
indented: |2
    two
  zero
keep: |+
  a

"key: with colon": v
name: gpu-operator
noNewline: |-
  a
  b
nothing: null
ratio: 1.0
script: |
  #!/bin/sh
  echo hi
trailingSpace: "a \nb"
version: "24.04"
)";
  ExpectYaml(doc, want);
}

TEST(YamlWriterTest, InsertionOrderOption) {
  Value doc = Map({{"b", Value(1)}, {"a", Map({{"z", Value(1)}, {"y", Value(2)}})}});
  WriteOptions keep;
  keep.sort_keys = false;
  EXPECT_EQ(WriteYaml(doc, keep), "b: 1\na:\n  z: 1\n  \"y\": 2\n");
  EXPECT_EQ(WriteYaml(doc), "a:\n  \"y\": 2\n  z: 1\nb: 1\n");
}

TEST(YamlWriterTest, TopLevelScalarsAndEmpties) {
  ExpectYaml(Value(), "null\n");
  ExpectYaml(Value(true), "true\n");
  ExpectYaml(Value(-12), "-12\n");
  ExpectYaml(Value(1.0), "1.0\n");
  ExpectYaml(Value(1e300), "1e+300\n");
  ExpectYaml(Value(std::numeric_limits<double>::infinity()), ".inf\n");
  ExpectYaml(Value(-std::numeric_limits<double>::infinity()), "-.inf\n");
  ExpectYaml(Value(std::numeric_limits<double>::quiet_NaN()), ".nan\n");
  ExpectYaml(Value("text"), "text\n");
  ExpectYaml(Value(""), "\"\"\n");
  ExpectYaml(Value::EmptyMapping(), "{}\n");
  ExpectYaml(Value::EmptySequence(), "[]\n");
  ExpectYaml(Seq({Value("a"), Value()}), "- a\n- null\n");
  ExpectYaml(Value("l1\nl2\n"), "|\n  l1\n  l2\n");
  // A top-level block would need an indentation indicator: quoted instead.
  ExpectYaml(Value(" l1\nl2\n"), "\" l1\\nl2\\n\"\n");
}

TEST(YamlWriterTest, MultiLineStringsFallBackToDoubleQuotes) {
  ExpectYaml(Map({{"k", Value("tab\there\nx")}}), "k: \"tab\\there\\nx\"\n");
  ExpectYaml(Map({{"k", Value("crlf\r\nx")}}), "k: \"crlf\\r\\nx\"\n");
  ExpectYaml(Map({{"k", Value("\n")}}), "k: \"\\n\"\n");
  ExpectYaml(Map({{"k", Value("\n\n")}}), "k: \"\\n\\n\"\n");
  ExpectYaml(Map({{"k", Value("a\n \nb")}}), "k: \"a\\n \\nb\"\n");
}

TEST(YamlWriterTest, LiteralBlocksInSequencesAndNestedMappings) {
  ExpectYaml(Seq({Value("a\nb"), Map({{"k", Value(" x\ny\n")}})}),
             "- |-\n  a\n  b\n- k: |2\n     x\n    y\n");
  ExpectYaml(Map({{"o", Map({{"i", Value("\nlead\n")}})}}), "o:\n  i: |\n\n    lead\n");
}

TEST(YamlWriterTest, QuotedKeysAndValues) {
  ExpectYaml(Map({{"yes", Value("no")},
                  {"1", Value("1")},
                  {"<<", Value("x")},
                  {"multi\nline", Value("tab\t")}}),
             "\"1\": \"1\"\n\"<<\": x\n\"multi\\nline\": \"tab\\t\"\n"
             "\"yes\": \"no\"\n");
}

TEST(YamlWriterTest, InvalidUtf8IsReplaced) {
  EXPECT_EQ(WriteYaml(Value("a\xC0z")), "\"a\\uFFFDz\"\n");
  EXPECT_THAT(ParseYaml(WriteYaml(Value("a\xC0z"))), IsOkAndHolds(Value("a\xEF\xBF\xBDz")));
}

TEST(YamlWriterTest, LongKeysAreExplicit) {
  std::string key(1500, 'k');
  Value doc = Map({{key, Map({{"a", Value(1)}})}, {"short", Value(1)}});
  std::string yaml = WriteYaml(doc);
  EXPECT_EQ(yaml, "? " + key + "\n:\n  a: 1\nshort: 1\n");
  EXPECT_THAT(ParseYaml(yaml), IsOkAndHolds(doc));
  Value scalar = Map({{key, Value("v")}});
  EXPECT_EQ(WriteYaml(scalar), "? " + key + "\n: v\n");
  EXPECT_THAT(ParseYaml(WriteYaml(scalar)), IsOkAndHolds(scalar));
}

TEST(YamlWriterTest, Documents) {
  std::vector<Value> docs = {Map({{"a", Value(1)}}), Value("---"), Value(), Seq({Value(1)})};
  std::string yaml = WriteYamlDocuments(docs);
  EXPECT_EQ(yaml, "a: 1\n---\n\"---\"\n---\nnull\n---\n- 1\n");
  EXPECT_THAT(ParseYamlDocuments(yaml), IsOkAndHolds(docs));
  EXPECT_EQ(WriteYamlDocuments({}), "");
}

TEST(YamlWriterTest, Deterministic) {
  Value a = Map({{"x", Value(1)}, {"y", Value(2)}, {"z", Seq({Value("q")})}});
  Value b = Map({{"z", Seq({Value("q")})}, {"y", Value(2)}, {"x", Value(1)}});
  EXPECT_EQ(WriteYaml(a), WriteYaml(b));
}

}  // namespace
}  // namespace aicr::serialize
