#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

constexpr ErrorCode kInvalid = ErrorCode::kInvalidRequest;

Value Map(std::initializer_list<std::pair<std::string, Value>> entries) {
  Value v = Value::EmptyMapping();
  for (const auto& [k, item] : entries) {
    EXPECT_THAT(v.Insert(k, item), IsOk());
  }
  return v;
}

Value Seq(std::initializer_list<Value> items) { return Value(Sequence(items)); }

TEST(JsonReaderTest, ParsesTypes) {
  EXPECT_THAT(ParseJson(R"({"s": "24.04", "i": 3, "f": 1.0, "e": 1e3, "n": -0.5, "b": false,
                   "z": null, "a": [1, "x", {}], "o": {"k": []}})"),
              IsOkAndHolds(Map({{"s", Value("24.04")},
                                {"i", Value(3)},
                                {"f", Value(1.0)},
                                {"e", Value(1000.0)},
                                {"n", Value(-0.5)},
                                {"b", Value(false)},
                                {"z", Value()},
                                {"a", Seq({Value(1), Value("x"), Value::EmptyMapping()})},
                                {"o", Map({{"k", Value::EmptySequence()}})}})));
  EXPECT_THAT(ParseJson(" 42 "), IsOkAndHolds(Value(42)));
  EXPECT_THAT(ParseJson("\"\\u00e9\\ud83d\\ude00\""),
              IsOkAndHolds(Value("\xC3\xA9\xF0\x9F\x98\x80")));
}

TEST(JsonReaderTest, KeepsInsertionOrder) {
  Result<Value> got = ParseJson(R"({"b": 1, "a": 2})");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->if_mapping()->entries()[0].first, "b");
}

TEST(JsonReaderTest, BigIntegers) {
  EXPECT_THAT(ParseJson("9223372036854775807"),
              IsOkAndHolds(Value(std::numeric_limits<std::int64_t>::max())));
  EXPECT_THAT(ParseJson("-9223372036854775808"),
              IsOkAndHolds(Value(std::numeric_limits<std::int64_t>::min())));
  // Beyond int64 (uint64 range and beyond): a float, as Go reads numbers into interface{}.
  EXPECT_THAT(ParseJson("9223372036854775808"), IsOkAndHolds(Value(9223372036854775808.0)));
  EXPECT_THAT(ParseJson("18446744073709551615"), IsOkAndHolds(Value(18446744073709551615.0)));
  EXPECT_THAT(ParseJson("100000000000000000000"), IsOkAndHolds(Value(1e20)));
  EXPECT_THAT(ParseJson("-9223372036854775809"), IsOkAndHolds(Value(-9223372036854775809.0)));
}

TEST(JsonReaderTest, DuplicateKeys) {
  EXPECT_THAT(ParseJson("{\"a\": 1, \"a\": 2}"),
              StatusIs(kInvalid, "json: line 1, column 10: duplicate key \"a\""));
  EXPECT_THAT(ParseJson("{\n  \"x\": {\"q\\\"\": 1,\n    \"q\\\"\": 2}}"),
              StatusIs(kInvalid, "json: line 3, column 5: duplicate key \"q\\\"\""));
  EXPECT_THAT(ParseJson(R"([{"a": 1}, {"a": 2}])"), IsOk());
}

TEST(JsonReaderTest, DepthLimit) {
  std::string ok = std::string(256, '[') + std::string(256, ']');
  EXPECT_THAT(ParseJson(ok), IsOk());
  std::string deep = std::string(257, '[') + std::string(257, ']');
  EXPECT_THAT(
      ParseJson(deep),
      StatusIs(kInvalid, "json: line 1, column 257: nesting depth exceeds the limit of 256"));
  std::string huge(1'000'000, '[');
  EXPECT_THAT(
      ParseJson(huge),
      StatusIs(kInvalid, "json: line 1, column 257: nesting depth exceeds the limit of 256"));
  ParseOptions shallow;
  shallow.max_depth = 1;
  EXPECT_THAT(ParseJson(R"({"a": 1})", shallow), IsOk());
  EXPECT_THAT(ParseJson(R"({"a": {}})", shallow),
              StatusIs(kInvalid, "json: line 1, column 7: nesting depth exceeds the limit of 1"));
}

TEST(JsonReaderTest, SizeCap) {
  ParseOptions cap;
  cap.max_bytes = 5;
  EXPECT_THAT(ParseJson("[1,2]", cap), IsOkAndHolds(Seq({Value(1), Value(2)})));
  EXPECT_THAT(ParseJson("[1, 2]", cap),
              StatusIs(kInvalid, "json: input is 6 bytes, exceeds the limit of 5 bytes"));
}

TEST(JsonReaderTest, SyntaxErrors) {
  EXPECT_THAT(ParseJson(""), StatusIs(kInvalid,
                                      "json: line 1, column 1: syntax error while parsing value - "
                                      "unexpected end of input; expected '[', '{', or a literal"));
  EXPECT_THAT(ParseJson("{\"a\": 1,\n \"b\": tru}"),
              StatusIs(kInvalid,
                       "json: line 2, column 10: syntax error while parsing value - "
                       "invalid literal; last read: '\"b\": tru}'"));
  EXPECT_THAT(ParseJson("{} x"),
              StatusIs(kInvalid,
                       "json: line 1, column 4: syntax error while parsing value - "
                       "invalid literal; last read: '{} x'; expected end of input"));
  EXPECT_THAT(ParseJson("{} {}"),
              StatusIs(kInvalid,
                       "json: line 1, column 4: syntax error while parsing value - "
                       "unexpected '{'; expected end of input"));
  EXPECT_THAT(ParseJson("[1e400]"),
              StatusIs(kInvalid, "json: line 1, column 6: number overflow parsing '1e400'"));
  EXPECT_THAT(ParseJson("[1,]"),
              StatusIs(kInvalid,
                       "json: line 1, column 4: syntax error while parsing value - "
                       "unexpected ']'; expected '[', '{', or a literal"));
  EXPECT_THAT(ParseJson("\"\xFF\""),
              StatusIs(kInvalid,
                       "json: line 1, column 2: syntax error while parsing value - "
                       "invalid string: ill-formed UTF-8 byte; last read: '\"\xFF'"));
  EXPECT_THAT(ParseJson("// c\n1"),
              StatusIs(kInvalid,
                       "json: line 1, column 1: syntax error while parsing value - "
                       "invalid literal; last read: '/'"));
}

TEST(JsonWriterTest, IndentedGolden) {
  Value doc = Map({{"b", Seq({Value(1), Value(1.0), Value(-0.0), Value(1e300), Value(0.1)})},
                   {"a", Map({{"z", Value()}, {"y", Value(true)}})},
                   {"e", Value::EmptyMapping()},
                   {"f", Value::EmptySequence()},
                   {"s", Value("24.04")}});
  EXPECT_THAT(WriteJson(doc), IsOkAndHolds(std::string(R"({
  "a": {
    "y": true,
    "z": null
  },
  "b": [
    1,
    1.0,
    -0.0,
    1e+300,
    0.1
  ],
  "e": {},
  "f": [],
  "s": "24.04"
}
)")));
  JsonWriteOptions compact;
  compact.compact = true;
  EXPECT_THAT(
      WriteJson(doc, compact),
      IsOkAndHolds(std::string(
          R"({"a":{"y":true,"z":null},"b":[1,1.0,-0.0,1e+300,0.1],"e":{},"f":[],"s":"24.04"})"
          "\n")));
  compact.trailing_newline = false;
  compact.sort_keys = false;
  EXPECT_THAT(WriteJson(Map({{"z", Value(1)}, {"a", Value(2)}}), compact),
              IsOkAndHolds(std::string(R"({"z":1,"a":2})")));
  EXPECT_THAT(WriteJson(Value()), IsOkAndHolds(std::string("null\n")));
  EXPECT_THAT(WriteJson(Value::EmptyMapping()), IsOkAndHolds(std::string("{}\n")));
}

TEST(JsonWriterTest, GoCompatibleEscaping) {
  std::string in = std::string("<a href=\"x\">&amp;</a>\\ \b\f\n\r\t\x01\x1f\x7f") +
                   "\xE2\x80\xA8\xE2\x80\xA9\xC3\xA9\xF0\x9F\x98\x80";
  EXPECT_THAT(WriteJson(Value(in)),
              IsOkAndHolds(std::string(
                  R"("\u003ca href=\"x\"\u003e\u0026amp;\u003c/a\u003e\\ \b\f\n\r\t\u0001\u001f)"
                  "\x7f"
                  R"(\u2028\u2029)"
                  "\xC3\xA9\xF0\x9F\x98\x80\"\n")));
  std::string nul("a\0b", 3);
  EXPECT_THAT(WriteJson(Value(nul)), IsOkAndHolds(std::string("\"a\\u0000b\"\n")));
}

TEST(JsonWriterTest, InvalidUtf8BecomesReplacementCharacter) {
  // Like Go: each invalid byte becomes U+FFFD.
  EXPECT_THAT(WriteJson(Value("a\xFF\xC3z\xED\xA0\x80")),
              IsOkAndHolds(std::string("\"a\\ufffd\\ufffdz\\ufffd\\ufffd\\ufffd\"\n")));
  EXPECT_THAT(ParseJson(*WriteJson(Value("a\xFFz"))), IsOkAndHolds(Value("a\xEF\xBF\xBDz")));
}

TEST(JsonWriterTest, NonFiniteFloatsAreErrors) {
  Value doc =
      Map({{"a", Seq({Value(1.0), Map({{"b", Value(std::numeric_limits<double>::infinity())}})})}});
  EXPECT_THAT(WriteJson(doc), StatusIs(kInvalid, "json: cannot encode .inf at a[1].b"));
  EXPECT_THAT(WriteJson(Value(std::numeric_limits<double>::quiet_NaN())),
              StatusIs(kInvalid, "json: cannot encode .nan at (root)"));
  EXPECT_THAT(WriteJson(Seq({Value(-std::numeric_limits<double>::infinity())})),
              StatusIs(kInvalid, "json: cannot encode -.inf at [0]"));
}

TEST(JsonTest, RoundTripKeepsTypes) {
  Value doc = Map({{"f", Value(1.0)},
                   {"i", Value(1)},
                   {"s", Value("1.0")},
                   {"big", Value(std::numeric_limits<std::int64_t>::min())},
                   {"tiny", Value(5e-324)},
                   {"nested", Seq({Map({{"k", Value("v")}}), Value::EmptySequence()})}});
  Result<std::string> json = WriteJson(doc);
  ASSERT_THAT(json, IsOk());
  EXPECT_THAT(ParseJson(*json), IsOkAndHolds(doc));
}

}  // namespace
}  // namespace aicr::serialize
