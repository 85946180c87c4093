#include "overrides/values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::overrides {
namespace {

using serialize::Value;
using serialize::ValueType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Value Yaml(std::string_view text) {
  Result<Value> v = serialize::ParseYaml(text);
  EXPECT_THAT(v, IsOk());
  return v.ok() ? *v : Value();
}

TEST(SplitPathTest, SplitsAndRejectsEmptySegments) {
  EXPECT_THAT(SplitPath("a.b.c"), IsOkAndHolds(ElementsAre("a", "b", "c")));
  EXPECT_THAT(SplitPath("single"), IsOkAndHolds(ElementsAre("single")));
  EXPECT_THAT(SplitPath(""),
              StatusIs(ErrorCode::kInvalidRequest, "invalid value path \"\": empty path"));
  for (std::string_view bad : {"a..b", ".a", "a.", "."}) {
    EXPECT_THAT(SplitPath(bad),
                StatusIs(ErrorCode::kInvalidRequest,
                         "invalid value path \"" + std::string(bad) + "\": empty segment"))
        << bad;
  }
}

TEST(PathOrderTest, ShallowerFirstThenLexical) {
  EXPECT_TRUE(ShallowerPath("z", "a.b"));
  EXPECT_FALSE(ShallowerPath("a.b", "z"));
  EXPECT_TRUE(ShallowerPath("a.b", "a.c"));
  EXPECT_FALSE(ShallowerPath("a.b", "a.b"));
}

TEST(PathOrderTest, PathsIntersect) {
  EXPECT_TRUE(PathsIntersect("a.b", "a.b"));
  EXPECT_TRUE(PathsIntersect("a.b", "a.b.c"));
  EXPECT_TRUE(PathsIntersect("a.b.c", "a.b"));
  EXPECT_FALSE(PathsIntersect("a.b", "a.bc"));
  EXPECT_FALSE(PathsIntersect("a.bc", "a.b"));
  EXPECT_FALSE(PathsIntersect("a.b", "b"));
}

TEST(PathAccessTest, GetWalksMappingsOnly) {
  const Value v = Yaml("a:\n  b:\n    c: 1\n  list: [x]\n  n: ~\n");
  ASSERT_NE(GetValueByPath(v, "a.b.c"), nullptr);
  EXPECT_EQ(*GetValueByPath(v, "a.b.c"), Value(1));
  ASSERT_NE(GetValueByPath(v, "a.n"), nullptr);
  EXPECT_TRUE(GetValueByPath(v, "a.n")->is_null());
  EXPECT_EQ(GetValueByPath(v, "a.list.0"), nullptr);  // no sequence indexing
  EXPECT_EQ(GetValueByPath(v, "a.b.c.d"), nullptr);
  EXPECT_EQ(GetValueByPath(v, "a.x"), nullptr);
  EXPECT_EQ(GetValueByPath(v, "a..b"), nullptr);
}

TEST(PathAccessTest, RemoveAndPermissiveSet) {
  Value v = Yaml("a:\n  b: 1\n  c: 2\ns: text\n");
  EXPECT_TRUE(RemoveValueByPath(&v, "a.b"));
  EXPECT_FALSE(RemoveValueByPath(&v, "a.b"));
  EXPECT_FALSE(RemoveValueByPath(&v, "s.x"));
  EXPECT_FALSE(RemoveValueByPath(&v, "missing.x"));
  EXPECT_THAT(SetValueByPath(&v, "s.x.y", Value("z")), IsOk());  // replaces the string
  EXPECT_THAT(SetValueByPath(&v, "new.deep", Value(true)), IsOk());
  EXPECT_EQ(v, Yaml("a:\n  c: 2\ns:\n  x:\n    y: z\nnew:\n  deep: true\n"));
  EXPECT_THAT(SetValueByPath(&v, "bad..path", Value(1)),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("empty segment")));
  Value scalar("root");
  EXPECT_THAT(SetValueByPath(&scalar, "k", Value(1)), IsOk());
  EXPECT_EQ(scalar, Yaml("k: 1\n"));
}

TEST(GoStrconvTest, ParseBool) {
  for (std::string_view t : {"1", "t", "T", "true", "TRUE", "True"}) {
    EXPECT_EQ(ParseGoBool(t), true) << t;
  }
  for (std::string_view f : {"0", "f", "F", "false", "FALSE", "False"}) {
    EXPECT_EQ(ParseGoBool(f), false) << f;
  }
  for (std::string_view bad : {"", "yes", "on", "tRUE", "2", " true"}) {
    EXPECT_EQ(ParseGoBool(bad), std::nullopt) << bad;
  }
}

TEST(GoStrconvTest, ParseInt) {
  EXPECT_EQ(ParseGoInt("0"), 0);
  EXPECT_EQ(ParseGoInt("+42"), 42);
  EXPECT_EQ(ParseGoInt("-42"), -42);
  EXPECT_EQ(ParseGoInt("007"), 7);
  EXPECT_EQ(ParseGoInt("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(ParseGoInt("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
  for (std::string_view bad : {"", "+", "-", "9223372036854775808", "-9223372036854775809", "1_000",
                               "0x10", "1.0", " 1", "1 ", "1e3"}) {
    EXPECT_EQ(ParseGoInt(bad), std::nullopt) << bad;
  }
}

TEST(GoStrconvTest, ParseFloatAccepts) {
  struct Case {
    std::string_view in;
    double want;
  };
  for (const Case& c :
       std::initializer_list<Case>{{"1.5", 1.5},
                                   {"-1.5", -1.5},
                                   {"+.5", 0.5},
                                   {"5.", 5.0},
                                   {"1e3", 1000.0},
                                   {"1E-2", 0.01},
                                   {"2.5e+2", 250.0},
                                   {"1_000.5", 1000.5},
                                   {"1e1_0", 1e10},
                                   {"0x1p4", 16.0},
                                   {"0X1.8P1", 3.0},
                                   {"0x_1p0", 1.0},
                                   {"-0x.8p1", -1.0},
                                   {"0x1_ep-1", 15.0},
                                   {"0x_1_2.3_4_5p+1_2", 74565.0},
                                   {"1_23.50_0_0e+1_2", 1.235e14},
                                   {"1e-400", 0.0},
                                   {"123456789012345678901234567890", 1.2345678901234568e29}}) {
    std::optional<double> got = ParseGoFloat(c.in);
    ASSERT_TRUE(got.has_value()) << c.in;
    EXPECT_DOUBLE_EQ(*got, c.want) << c.in;
  }
  for (std::string_view inf : {"inf", "Inf", "+INF", "infinity", "+Infinity"}) {
    EXPECT_EQ(ParseGoFloat(inf), std::numeric_limits<double>::infinity()) << inf;
  }
  EXPECT_EQ(ParseGoFloat("-inf"), -std::numeric_limits<double>::infinity());
  for (std::string_view nan : {"nan", "NaN", "NAN"}) {
    std::optional<double> got = ParseGoFloat(nan);
    ASSERT_TRUE(got.has_value()) << nan;
    EXPECT_TRUE(std::isnan(*got)) << nan;
  }
}

TEST(GoStrconvTest, ParseFloatRejects) {
  for (std::string_view bad :
       {"", ".", "+", "e5", "1e", "1e+", "1.2.3", "1__0", "_1", "1_", "1_.5", "1._5", "0x10", "0x",
        "0x1p", "+nan", "-nan", "infin", "infinityx", "1e400", "-1e400", "1.5x", " 1.5", "1,5",
        "0b101", "1.0.", "v1.2", "0x1e2",
        // Go's atof_test underscore cases.
        "-_123.5e+12", "+_123.5e+12", "_123.5e+12", "1__23.5e+12", "123_.5e+12", "123._5e+12",
        "123.5_e+12", "123.5__0e+12", "123.5e_+12", "123.5e+_12", "123.5e_-12", "123.5e-_12",
        "123.5e+1__2", "123.5e+12_", "-_0x12.345p+12", "+_0x12.345p+12", "_0x12.345p+12",
        "0x__12.345p+12"}) {
    EXPECT_EQ(ParseGoFloat(bad), std::nullopt) << bad;
  }
}

TEST(ConvertMapValueTest, Table) {
  struct Case {
    std::string_view in;
    ValueType type;
  };
  for (const Case& c : std::initializer_list<Case>{{"true", ValueType::kBool},
                                                   {"false", ValueType::kBool},
                                                   {"True", ValueType::kString},
                                                   {"yes", ValueType::kString},
                                                   {"42", ValueType::kInt},
                                                   {"-7", ValueType::kInt},
                                                   {"+3", ValueType::kInt},
                                                   {"9223372036854775808", ValueType::kFloat},
                                                   {"1.5", ValueType::kFloat},
                                                   {"1e3", ValueType::kFloat},
                                                   {"Inf", ValueType::kFloat},
                                                   {"NaN", ValueType::kFloat},
                                                   {"1_000", ValueType::kFloat},
                                                   {"v1.2.3", ValueType::kString},
                                                   {"24.04", ValueType::kFloat},
                                                   {"0x10", ValueType::kString},
                                                   {"nvidia.com/gpu", ValueType::kString},
                                                   {"", ValueType::kString}}) {
    EXPECT_EQ(ConvertMapValue(c.in).type(), c.type) << c.in;
  }
  EXPECT_EQ(ConvertMapValue("42"), Value(42));
  EXPECT_EQ(ConvertMapValue("1.0"), Value(1.0));
  EXPECT_EQ(ConvertMapValue("1_000"), Value(1000.0));
  EXPECT_EQ(ConvertMapValue("true"), Value(true));
  EXPECT_EQ(ConvertMapValue("v1"), Value("v1"));
}

TEST(ApplyMapOverridesTest, CreatesIntermediatesAndConverts) {
  Value values = Yaml("driver:\n  version: \"580\"\n  enabled: false\nkeep: 1\n");
  EXPECT_THAT(ApplyMapOverrides(&values, {{"driver.version", "590.1"},
                                          {"driver.enabled", "true"},
                                          {"gds.enabled", "true"},
                                          {"a.b.c.d", "x"},
                                          {"count", "3"}}),
              IsOk());
  EXPECT_EQ(values, Yaml("driver:\n  version: 590.1\n  enabled: true\nkeep: 1\n"
                         "gds:\n  enabled: true\na:\n  b:\n    c:\n      d: x\ncount: 3\n"));
  EXPECT_TRUE(GetValueByPath(values, "driver.version")->is_float());
}

TEST(ApplyMapOverridesTest, NullValuesBecomeMapping) {
  Value values;
  EXPECT_THAT(ApplyMapOverrides(&values, {{"a", "1"}}), IsOk());
  EXPECT_EQ(values, Yaml("a: 1\n"));
}

TEST(ApplyMapOverridesTest, ShallowestFirstMakesParentScalarAnError) {
  // "a" (1 segment) lands before "a.b" (2 segments), so a.b finds a scalar parent.
  Value values = Value::EmptyMapping();
  EXPECT_THAT(ApplyMapOverrides(&values, {{"a.b", "2"}, {"a", "1"}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "failed to apply map overrides: a.b=2: path segment \"a\" of \"a.b\" "
                       "exists but is not a map (int)"));
  EXPECT_EQ(values, Yaml("a: 1\n"));  // the passing path is still applied
}

TEST(ApplyMapOverridesTest, ReportsEveryFailureSorted) {
  Value values = Yaml("s: text\nl: [1]\nok: {}\n");
  EXPECT_THAT(ApplyMapOverrides(&values, {{"s.x", "1"}, {"l.y.z", "2"}, {"ok.k", "v"}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "failed to apply map overrides: l.y.z=2: path segment \"l\" of "
                       "\"l.y.z\" exists but is not a map (sequence); s.x=1: path segment "
                       "\"s\" of \"s.x\" exists but is not a map (string)"));
  EXPECT_EQ(*GetValueByPath(values, "ok.k"), Value("v"));
}

TEST(ApplyMapOverridesTest, InvalidPathAndNonMappingRoot) {
  Value values = Value::EmptyMapping();
  EXPECT_THAT(ApplyMapOverrides(&values, {{"a..b", "1"}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "failed to apply map overrides: a..b=1: invalid value path \"a..b\": "
                       "empty segment"));
  Value list = Yaml("[1]");
  EXPECT_THAT(ApplyMapOverrides(&list, {{"a", "1"}}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "failed to apply map overrides: a=1: values are not a map (sequence)"));
}

TEST(ApplyTypedOverridesTest, MappingDeepMergesWithNullDeletes) {
  Value values = Yaml(
      "driver:\n  env:\n    A: a\n    B: b\n  nested:\n    keep: 1\n    drop: 2\n  list: [1, 2]\n");
  EXPECT_THAT(ApplyTypedOverrides(&values, "driver",
                                  Yaml("env: {B: ~, C: c}\nnested: {drop: ~, add: {x: ~, y: 1}}\n"
                                       "list: [3]\n")),
              IsOk());
  EXPECT_EQ(values, Yaml("driver:\n  env:\n    A: a\n    C: c\n  nested:\n    keep: 1\n"
                         "    add:\n      y: 1\n  list: [3]\n"));
}

TEST(ApplyTypedOverridesTest, MappingIntoAbsentOrScalarDropsNulls) {
  Value values = Yaml("s: text\n");
  EXPECT_THAT(ApplyTypedOverrides(&values, "new.obj", Yaml("{a: 1, b: ~, c: {d: ~}}")), IsOk());
  EXPECT_THAT(ApplyTypedOverrides(&values, "s", Yaml("{k: v, gone: ~}")), IsOk());
  EXPECT_EQ(values, Yaml("s:\n  k: v\nnew:\n  obj:\n    a: 1\n    c: {}\n"));
}

TEST(ApplyTypedOverridesTest, NonMappingsReplace) {
  Value values = Yaml("a:\n  list: [1, 2]\n  obj: {x: 1}\n  s: old\n");
  EXPECT_THAT(ApplyTypedOverrides(&values, "a.list", Yaml("[\"10.0.0.0/8\", ~]")), IsOk());
  EXPECT_THAT(ApplyTypedOverrides(&values, "a.obj", Yaml("[1]")), IsOk());
  EXPECT_THAT(ApplyTypedOverrides(&values, "a.s", Value()), IsOk());  // null replaces
  EXPECT_EQ(values, Yaml("a:\n  list: [\"10.0.0.0/8\", ~]\n  obj: [1]\n  s: ~\n"));
}

TEST(ApplyTypedOverridesTest, NonMapIntermediateIsAnError) {
  Value values = Yaml("a: [1]\n");
  EXPECT_THAT(ApplyTypedOverrides(&values, "a.b", Value(1)),
              StatusIs(ErrorCode::kInvalidRequest,
                       "path segment \"a\" of \"a.b\" exists but is not a map (sequence)"));
  EXPECT_THAT(ApplyTypedOverrides(&values, "", Value(1)),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("empty path")));
}

TEST(ApplyTypedOverridesTest, BulkAppliesShallowestFirst) {
  Value values = Value::EmptyMapping();
  std::map<std::string, Value> overrides;
  overrides.emplace("driver.env.HTTPS_PROXY", Value("http://deep"));
  overrides.emplace("driver.env", Yaml("{HTTPS_PROXY: http://shallow, NO_PROXY: x}"));
  EXPECT_THAT(ApplyTypedOverrides(&values, overrides), IsOk());
  EXPECT_EQ(values, Yaml("driver:\n  env:\n    HTTPS_PROXY: http://deep\n    NO_PROXY: x\n"));
}

TEST(ApplyTypedOverridesTest, BulkCollectsFailures) {
  Value values = Yaml("a: 1\nb: x\n");
  std::map<std::string, Value> overrides;
  overrides.emplace("b.c", Value(1));
  overrides.emplace("a.c", Value(2));
  overrides.emplace("ok", Value(3));
  EXPECT_THAT(ApplyTypedOverrides(&values, overrides),
              StatusIs(ErrorCode::kInvalidRequest,
                       "failed to apply typed overrides: a.c: path segment \"a\" of \"a.c\" "
                       "exists but is not a map (int); b.c: path segment \"b\" of \"b.c\" "
                       "exists but is not a map (string)"));
  EXPECT_EQ(*GetValueByPath(values, "ok"), Value(3));
}

TEST(SplitDynamicPathsTest, MovesPresentAndSeedsAbsent) {
  const Value values =
      Yaml("driver:\n  version: \"580\"\n  repo: r\ntolerations: [{operator: Exists}]\nkeep: 1\n");
  auto split = SplitDynamicPaths(
      values, {"driver.version", "tolerations", "missing.path", "driver.version"});
  ASSERT_THAT(split, IsOk());
  EXPECT_EQ(split->first, Yaml("driver:\n  repo: r\nkeep: 1\n"));
  EXPECT_EQ(split->second, Yaml("driver:\n  version: \"580\"\ntolerations: [{operator: Exists}]\n"
                                "missing:\n  path: \"\"\n"));
  // The input is untouched (deep copies).
  EXPECT_EQ(*GetValueByPath(values, "driver.version"), Value("580"));
}

TEST(SplitDynamicPathsTest, EmptyParentStaysAndNullMoves) {
  auto split = SplitDynamicPaths(Yaml("a:\n  b: ~\n"), {"a.b"});
  ASSERT_THAT(split, IsOk());
  EXPECT_EQ(split->first, Yaml("a: {}\n"));
  EXPECT_EQ(split->second, Yaml("a:\n  b: ~\n"));
}

TEST(SplitDynamicPathsTest, NoPathsAndNullValues) {
  auto split = SplitDynamicPaths(Value(), {});
  ASSERT_THAT(split, IsOk());
  EXPECT_EQ(split->first, Value::EmptyMapping());
  EXPECT_EQ(split->second, Value::EmptyMapping());
  EXPECT_THAT(SplitDynamicPaths(Value::EmptyMapping(), {"a..b"}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("empty segment")));
}

TEST(SplitDynamicPathsTest, PathBelowScalarIsSeeded) {
  // The path cannot be found through a scalar, so the scalar stays and the cluster
  // values get the seeded key.
  auto split = SplitDynamicPaths(Yaml("a: text\n"), {"a.b"});
  ASSERT_THAT(split, IsOk());
  EXPECT_EQ(split->first, Yaml("a: text\n"));
  EXPECT_EQ(split->second, Yaml("a:\n  b: \"\"\n"));
}

}  // namespace
}  // namespace aicr::overrides
