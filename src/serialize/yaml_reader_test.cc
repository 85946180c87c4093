#include "serialize/yaml_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Value Map(std::initializer_list<std::pair<std::string, Value>> entries) {
  Value v = Value::EmptyMapping();
  for (const auto& [k, item] : entries) {
    EXPECT_THAT(v.Insert(k, item), IsOk());
  }
  return v;
}

Value Seq(std::initializer_list<Value> items) { return Value(Sequence(items)); }

constexpr ErrorCode kInvalid = ErrorCode::kInvalidRequest;

TEST(YamlReaderTest, ParsesNestedDocument) {
  const char* text = R"(# comment
name: gpu-operator
version: 24.04
quoted: "24.04"
single: '1.0'
count: 3
ratio: 1.0
enabled: true
nothing: ~
empty:
list:
  - a
  - 2
  - key: v
    other: [x, {y: z}]
flow: {a: 1, b: [true, null]}
literal: |
  line1
  line2
folded: >-
  a
  b
)";
  Value want = Map({
      {"name", Value("gpu-operator")},
      {"version", Value(24.04)},
      {"quoted", Value("24.04")},
      {"single", Value("1.0")},
      {"count", Value(3)},
      {"ratio", Value(1.0)},
      {"enabled", Value(true)},
      {"nothing", Value()},
      {"empty", Value()},
      {"list",
       Seq({Value("a"), Value(2),
            Map({{"key", Value("v")}, {"other", Seq({Value("x"), Map({{"y", Value("z")}})})}})})},
      {"flow", Map({{"a", Value(1)}, {"b", Seq({Value(true), Value()})}})},
      {"literal", Value("line1\nline2\n")},
      {"folded", Value("a b")},
  });
  Result<Value> got = ParseYaml(text);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, want);
  // Insertion order is the source order.
  EXPECT_EQ(got->if_mapping()->entries()[0].first, "name");
  EXPECT_EQ(got->if_mapping()->entries()[12].first, "folded");
}

TEST(YamlReaderTest, EmptyInputs) {
  EXPECT_THAT(ParseYaml(""), IsOkAndHolds(Value()));
  EXPECT_THAT(ParseYaml("# only a comment\n"), IsOkAndHolds(Value()));
  EXPECT_THAT(ParseYaml("---\n"), IsOkAndHolds(Value()));
  EXPECT_THAT(ParseYamlDocuments(""), IsOkAndHolds(ElementsAre()));
  EXPECT_THAT(ParseYamlDocuments("---\n"), IsOkAndHolds(ElementsAre(Value())));
  EXPECT_THAT(ParseYaml("{}"), IsOkAndHolds(Value::EmptyMapping()));
  EXPECT_THAT(ParseYaml("[]"), IsOkAndHolds(Value::EmptySequence()));
}

TEST(YamlReaderTest, MultipleDocuments) {
  EXPECT_THAT(
      ParseYamlDocuments("a: 1\n---\nb: 2\n---\n- x\n...\n"),
      IsOkAndHolds(ElementsAre(Map({{"a", Value(1)}}), Map({{"b", Value(2)}}), Seq({Value("x")}))));
  EXPECT_THAT(
      ParseYaml("a: 1\n---\nb: 2\n"),
      StatusIs(kInvalid, "yaml: line 2, column 1: expected a single document, found another"));
  // Anchors do not cross documents.
  EXPECT_THAT(ParseYamlDocuments("a: &x 1\n---\nb: *x\n"),
              StatusIs(kInvalid, "yaml: line 3, column 4: the referenced anchor is not defined"));
}

TEST(YamlReaderTest, ByteOrderMarkIsSkipped) {
  EXPECT_THAT(ParseYaml("\xEF\xBB\xBF"
                        "a: null\n~: 1\n"),
              IsOkAndHolds(Map({{"a", Value()}, {"~", Value(1)}})));
}

TEST(YamlReaderTest, ExplicitTags) {
  EXPECT_THAT(ParseYaml("a: !!str 1\n"
                        "b: !!int \"12\"\n"
                        "c: !!float 1\n"
                        "d: !!bool 'true'\n"
                        "e: !!null ''\n"
                        "f: !!str\n"
                        "g: !!map {x: 1}\n"
                        "h: !!seq [1]\n"
                        "i: !!int 0x10\n"
                        "j: !<tag:yaml.org,2002:str> true\n"),
              IsOkAndHolds(Map({{"a", Value("1")},
                                {"b", Value(12)},
                                {"c", Value(1.0)},
                                {"d", Value(true)},
                                {"e", Value()},
                                {"f", Value("")},
                                {"g", Map({{"x", Value(1)}})},
                                {"h", Seq({Value(1)})},
                                {"i", Value(16)},
                                {"j", Value("true")}})));
}

TEST(YamlReaderTest, UnknownTagsAreIgnored) {
  EXPECT_THAT(ParseYaml("a: !foo 12\n"
                        "b: !!binary aGVsbG8=\n"
                        "c: !!timestamp 2001-12-14\n"
                        "d: !custom {x: 1}\n"
                        "e: !custom [1]\n"),
              IsOkAndHolds(Map({{"a", Value("12")},
                                {"b", Value("aGVsbG8=")},
                                {"c", Value("2001-12-14")},
                                {"d", Map({{"x", Value(1)}})},
                                {"e", Seq({Value(1)})}})));
}

TEST(YamlReaderTest, TagMismatchesAreErrors) {
  EXPECT_THAT(ParseYaml("a: !!int foo\n"),
              StatusIs(kInvalid, "yaml: line 1, column 4: cannot decode \"foo\" as !!int"));
  EXPECT_THAT(ParseYaml("a: !!float 0x10\n"),
              StatusIs(kInvalid, "yaml: line 1, column 4: cannot decode \"0x10\" as !!float"));
  EXPECT_THAT(ParseYaml("a: !!bool yes\n"),
              StatusIs(kInvalid, "yaml: line 1, column 4: cannot decode \"yes\" as !!bool"));
  EXPECT_THAT(ParseYaml("a: !!null x\n"),
              StatusIs(kInvalid, "yaml: line 1, column 4: cannot decode \"x\" as !!null"));
  EXPECT_THAT(ParseYaml("a: !!map x\n"),
              StatusIs(kInvalid, "yaml: line 1, column 4: tag !!map is not valid on a scalar"));
  EXPECT_THAT(ParseYaml("a: !!str {x: 1}\n"),
              StatusIs(kInvalid, "yaml: line 1, column 4: tag !!str is not valid on a mapping"));
  EXPECT_THAT(ParseYaml("a: !!map [1]\n"),
              StatusIs(kInvalid, "yaml: line 1, column 4: tag !!map is not valid on a sequence"));
}

TEST(YamlReaderTest, ScalarKeysBecomeTheirSourceText) {
  EXPECT_THAT(ParseYaml("1: a\ntrue: b\n~: c\nnull: d\n0x10: e\n1.50: f\n\"q\": g\n"),
              IsOkAndHolds(Map({{"1", Value("a")},
                                {"true", Value("b")},
                                {"~", Value("c")},
                                {"null", Value("d")},
                                {"0x10", Value("e")},
                                {"1.50", Value("f")},
                                {"q", Value("g")}})));
  EXPECT_THAT(ParseYaml("{: empty}"), IsOkAndHolds(Map({{"", Value("empty")}})));
}

TEST(YamlReaderTest, NonScalarKeysAreErrors) {
  EXPECT_THAT(ParseYaml("? [a]\n: b\n"),
              StatusIs(kInvalid, "yaml: line 1, column 3: mapping key must be a scalar"));
  EXPECT_THAT(ParseYaml("{[a]: b}"),
              StatusIs(kInvalid, "yaml: line 1, column 2: mapping key must be a scalar"));
  EXPECT_THAT(ParseYaml("a: &m {x: 1}\n*m : 2\n"),
              StatusIs(kInvalid, "yaml: line 2, column 1: mapping key must be a scalar"));
}

TEST(YamlReaderTest, DuplicateKeys) {
  EXPECT_THAT(ParseYaml("a: 1\nb: 2\na: 3\n"),
              StatusIs(kInvalid, "yaml: line 3: duplicate key \"a\""));
  EXPECT_THAT(ParseYaml("outer:\n  x: 1\n  x: 1\n"),
              StatusIs(kInvalid, "yaml: line 3: duplicate key \"x\""));
  EXPECT_THAT(ParseYaml("1: a\n\"1\": b\n"),
              StatusIs(kInvalid, "yaml: line 2: duplicate key \"1\""));
  EXPECT_THAT(ParseYaml("{a: 1, a: 2}"), StatusIs(kInvalid, "yaml: line 1: duplicate key \"a\""));
  EXPECT_THAT(ParseYaml("&k a: 1\n*k : 2\n"),
              StatusIs(kInvalid, "yaml: line 2: duplicate key \"a\""));
  // Same key in sibling mappings is fine.
  EXPECT_THAT(ParseYaml("- a: 1\n- a: 2\n"),
              IsOkAndHolds(Seq({Map({{"a", Value(1)}}), Map({{"a", Value(2)}})})));
}

TEST(YamlReaderTest, AliasesAreExpanded) {
  Result<Value> got = ParseYaml(
      "base: &b {image: nvcr.io/x, tag: v1}\n"
      "copy: *b\n"
      "scalar: &s 42\n"
      "again: *s\n"
      "list: &l [1, 2]\n"
      "nested: [*l, *l]\n"
      "&k keyanchor: 1\n"
      "other: *k\n");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got->Find("copy"), *got->Find("base"));
  EXPECT_EQ(*got->Find("again"), Value(42));
  EXPECT_EQ(*got->Find("nested"), Seq({Seq({Value(1), Value(2)}), Seq({Value(1), Value(2)})}));
  EXPECT_EQ(*got->Find("other"), Value("keyanchor"));
}

TEST(YamlReaderTest, RecursiveAliasIsAnError) {
  EXPECT_THAT(ParseYaml("a: &x [1, *x]\n"),
              StatusIs(kInvalid,
                       "yaml: line 1, column 11: alias \"x\" refers to a node that "
                       "contains it"));
}

std::string BillionLaughs(int levels) {
  std::string doc = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < levels; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    doc += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) {
      doc += (j == 0 ? "" : ", ") + prev;
    }
    doc += "]\n";
  }
  return doc;
}

TEST(YamlReaderTest, BillionLaughsExceedsTheAliasBudget) {
  // 10 levels expand to ~10^10 nodes; the budget stops it after ~10^6.
  EXPECT_THAT(ParseYaml(BillionLaughs(10)),
              StatusIs(kInvalid, HasSubstr("alias expansion budget exceeded: document would "
                                           "have more than 1000000 nodes")));
  EXPECT_THAT(ParseYaml(BillionLaughs(10)),
              StatusIs(kInvalid,
                       "yaml: line 6, column 40: alias expansion budget exceeded: "
                       "document would have more than 1000000 nodes"));
  // A tight budget trips early too.
  ParseOptions tight;
  tight.max_nodes = 500;
  EXPECT_THAT(ParseYaml(BillionLaughs(3), tight),
              StatusIs(kInvalid, HasSubstr("alias expansion budget exceeded")));
  // Small legitimate use fits.
  Result<Value> small = ParseYaml(BillionLaughs(3));
  ASSERT_THAT(small, IsOk());
  EXPECT_EQ(small->Find("a2")->size(), 10u);
  EXPECT_EQ((*small->Find("a2")->if_sequence())[9].size(), 10u);
}

TEST(YamlReaderTest, NodeBudgetWithoutAliases) {
  ParseOptions tight;
  tight.max_nodes = 5;
  EXPECT_THAT(ParseYaml("[1, 2, 3, 4]", tight), IsOk());
  EXPECT_THAT(ParseYaml("[1, 2, 3, 4, 5]", tight),
              StatusIs(kInvalid, "yaml: line 1, column 14: document has more than 5 nodes"));
}

TEST(YamlReaderTest, MergeKeys) {
  const char* text = R"(defaults: &d
  image: base
  pull: Always
extra: &e
  pull: Never
  replicas: 2
single:
  <<: *d
  image: mine
list:
  <<: [*e, *d]
  name: x
inline:
  name: y
  <<: {image: inline}
)";
  Result<Value> got = ParseYaml(text);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got->Find("single"), Map({{"image", Value("mine")}, {"pull", Value("Always")}}));
  // Explicit keys win; earlier merged mappings win over later ones.
  EXPECT_EQ(*got->Find("list"), Map({{"name", Value("x")},
                                     {"pull", Value("Never")},
                                     {"replicas", Value(2)},
                                     {"image", Value("base")}}));
  EXPECT_EQ(*got->Find("inline"), Map({{"name", Value("y")}, {"image", Value("inline")}}));
  // Merged keys follow the explicit ones.
  EXPECT_EQ(got->Find("single")->if_mapping()->entries()[0].first, "image");
  EXPECT_EQ(got->Find("single")->if_mapping()->entries()[1].first, "pull");
}

TEST(YamlReaderTest, MergeKeyErrors) {
  EXPECT_THAT(ParseYaml("a:\n  <<: 1\n"),
              StatusIs(kInvalid,
                       "yaml: line 2, column 3: merge key value must be a mapping or a "
                       "sequence of mappings"));
  EXPECT_THAT(ParseYaml("a:\n  <<: [{x: 1}, 2]\n"),
              StatusIs(kInvalid,
                       "yaml: line 2, column 3: merge key value must be a mapping or a "
                       "sequence of mappings"));
  EXPECT_THAT(ParseYaml("a:\n  <<: {x: 1}\n  <<: {y: 1}\n"),
              StatusIs(kInvalid, "yaml: line 3, column 3: duplicate key \"<<\""));
  // A quoted "<<" is an ordinary key.
  EXPECT_THAT(ParseYaml("\"<<\": {x: 1}\n"), IsOkAndHolds(Map({{"<<", Map({{"x", Value(1)}})}})));
}

std::string Nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(YamlReaderTest, DepthLimit) {
  EXPECT_THAT(ParseYaml(Nested(256)), IsOk());
  EXPECT_THAT(
      ParseYaml(Nested(257)),
      StatusIs(kInvalid, "yaml: line 1, column 257: nesting depth exceeds the limit of 256"));
  EXPECT_THAT(
      ParseYaml(Nested(100000)),
      StatusIs(kInvalid, "yaml: line 1, column 257: nesting depth exceeds the limit of 256"));
  ParseOptions shallow;
  shallow.max_depth = 2;
  EXPECT_THAT(ParseYaml("a:\n  b: 1\n", shallow), IsOk());
  EXPECT_THAT(ParseYaml("a:\n  b:\n    c: 1\n", shallow),
              StatusIs(kInvalid, "yaml: line 3, column 5: nesting depth exceeds the limit of 2"));
  // Aliases cannot smuggle depth past the limit.
  EXPECT_THAT(ParseYaml("a: &x [1]\nb: [*x]\n", shallow),
              StatusIs(kInvalid, "yaml: line 2, column 5: nesting depth exceeds the limit of 2"));
  ParseOptions three;
  three.max_depth = 3;
  EXPECT_THAT(ParseYaml("a: &x [1]\nb: [*x]\n", three), IsOk());
  EXPECT_THAT(ParseYaml("a: &x [[1]]\nb: [*x]\n", three),
              StatusIs(kInvalid, "yaml: line 2, column 5: nesting depth exceeds the limit of 3"));
}

TEST(YamlReaderTest, SizeCap) {
  ParseOptions cap;
  cap.max_bytes = 8;
  EXPECT_THAT(ParseYaml("a: 12345", cap), IsOkAndHolds(Map({{"a", Value(12345)}})));
  EXPECT_THAT(ParseYaml("a: 123456", cap),
              StatusIs(kInvalid, "yaml: input is 9 bytes, exceeds the limit of 8 bytes"));
  EXPECT_THAT(ParseYamlDocuments("a: 123456", cap),
              StatusIs(kInvalid, "yaml: input is 9 bytes, exceeds the limit of 8 bytes"));
}

TEST(YamlReaderTest, ParseErrorsCarryLineAndColumn) {
  EXPECT_THAT(ParseYaml("a: [1, 2\n"),
              StatusIs(kInvalid, "yaml: line 2, column 1: end of sequence flow not found"));
  EXPECT_THAT(ParseYaml("a: b: c\n"),
              StatusIs(kInvalid, "yaml: line 1, column 5: illegal map value"));
  EXPECT_THAT(ParseYaml("a:\n  - b\n c: d\n"),
              StatusIs(kInvalid, "yaml: line 3, column 2: end of map not found"));
  EXPECT_THAT(ParseYaml("a: *nope\n"),
              StatusIs(kInvalid, "yaml: line 1, column 4: the referenced anchor is not defined"));
}

TEST(YamlReaderTest, StrayFlowIndicatorDoesNotHang) {
  // yaml-cpp alone would emit empty documents forever here (found by fuzzing).
  EXPECT_THAT(ParseYamlDocuments(","),
              StatusIs(kInvalid, "yaml: line 1, column 1: did not find expected node content"));
  EXPECT_THAT(ParseYaml(",cript: |\n  x\n"),
              StatusIs(kInvalid, "yaml: line 1, column 1: did not find expected node content"));
  EXPECT_THAT(ParseYamlDocuments("a: 1\n---\n,\n"),
              StatusIs(kInvalid, "yaml: line 3, column 1: did not find expected node content"));
}

TEST(YamlReaderTest, InvalidUtf8IsAnError) {
  EXPECT_THAT(ParseYaml("a: \"x\"\nb: \xFF\n"),
              StatusIs(kInvalid, "yaml: line 2, column 4: invalid UTF-8 in scalar"));
  // Escapes produce valid UTF-8.
  EXPECT_THAT(ParseYaml("a: \"\\xFF\\u00e9\\U0001F600\"\n"),
              IsOkAndHolds(Map({{"a", Value("\xC3\xBF\xC3\xA9\xF0\x9F\x98\x80")}})));
}

TEST(YamlReaderTest, LargeDocumentParses) {
  // ~1 MB: a mapping of 20000 entries, each a small mapping.
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += "key" + std::to_string(i) + ":\n  name: component-" + std::to_string(i) +
            "\n  version: 1.2." + std::to_string(i) + "\n  replicas: " + std::to_string(i) + "\n";
  }
  ASSERT_GT(text.size(), 900'000u);
  Result<Value> got = ParseYaml(text);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->size(), 20000u);
  EXPECT_EQ(*got->FindPath("key19999.replicas"), Value(19999));
  EXPECT_THAT(ParseYaml(text + "key7: dup\n"),
              StatusIs(kInvalid, "yaml: line 80001: duplicate key \"key7\""));
}

}  // namespace
}  // namespace aicr::serialize
