#include "serialize/scalar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

using ::testing::StartsWith;

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct ScalarCase {
  std::string text;  // the characters of the scalar
  Value plain;       // what those characters mean when written plain (YAML 1.2 core)
  bool quote;        // whether the canonical writer quotes the string `text`
  // `k: <text>` reads back as `plain`; when false, it fails or means something else.
  // (`---`, a tab, a BOM or U+2028 are fine after `k: ` but are still quoted: they break
  // a top-level scalar or YAML 1.1 readers.)
  bool plain_ok;
};

void PrintTo(const ScalarCase& c, std::ostream* os) { *os << DoubleQuote(c.text); }

// Tricky scalars: type when read plain, and whether the writer must quote the string.
const ScalarCase kCases[] = {
    {"24.04", Value(24.04), true, true},
    {"1.0", Value(1.0), true, true},
    {"v1.2", Value("v1.2"), false, true},
    {"1.2.3", Value("1.2.3"), false, true},
    {"true", Value(true), true, true},
    {"True", Value(true), true, true},
    {"TRUE", Value(true), true, true},
    {"false", Value(false), true, true},
    {"tRUE", Value("tRUE"), false, true},
    {"yes", Value("yes"), true, true},
    {"Yes", Value("Yes"), true, true},
    {"no", Value("no"), true, true},
    {"on", Value("on"), true, true},
    {"OFF", Value("OFF"), true, true},
    {"off", Value("off"), true, true},
    {"y", Value("y"), true, true},
    {"n", Value("n"), true, true},
    {"~", Value(), true, true},
    {"null", Value(), true, true},
    {"NULL", Value(), true, true},
    {"Null", Value(), true, true},
    {"nULL", Value("nULL"), false, true},
    {"", Value(), true, true},
    {"0", Value(0), true, true},
    {"-0", Value(0), true, true},
    {"+1", Value(1), true, true},
    {"007", Value(7), true, true},
    {"08", Value(8), true, true},
    {"0777", Value(777), true, true},
    {"0o17", Value(15), true, true},
    {"0x1F", Value(31), true, true},
    {"0X1F", Value("0X1F"), true, true},
    {"-0x1F", Value("-0x1F"), true, true},
    {"0b101", Value("0b101"), true, true},
    {"1_000", Value("1_000"), true, true},
    {"1e3", Value(1000.0), true, true},
    {"1E-3", Value(0.001), true, true},
    {".5", Value(0.5), true, true},
    {"-.5", Value(-0.5), true, true},
    {"5.", Value(5.0), true, true},
    {".inf", Value(kInf), true, true},
    {"-.Inf", Value(-kInf), true, true},
    {"+.INF", Value(kInf), true, true},
    {".NaN", Value(kNaN), true, true},
    {".nan", Value(kNaN), true, true},
    {"nan", Value("nan"), false, true},
    {"inf", Value("inf"), false, true},
    {"1:20", Value("1:20"), true, true},
    {"12:30:45", Value("12:30:45"), true, true},
    {"2025-01-15", Value("2025-01-15"), true, true},
    {"2025-01-15T10:00:00Z", Value("2025-01-15T10:00:00Z"), true, true},
    {"550e8400", Value("550e8400"), true, true},
    {"550e8400-e29b-41d4", Value("550e8400-e29b-41d4"), false, true},
    {"1e400", Value("1e400"), true, true},
    {"9223372036854775807", Value(std::numeric_limits<std::int64_t>::max()), true, true},
    {"-9223372036854775808", Value(std::numeric_limits<std::int64_t>::min()), true, true},
    {"9223372036854775808", Value(9223372036854775808.0), true, true},
    {"0x8000000000000000", Value("0x8000000000000000"), true, true},
    {"0x", Value("0x"), false, true},
    {"0o", Value("0o"), false, true},
    {"+", Value("+"), false, true},
    {"-", Value("-"), true, false},
    {"- x", Value("- x"), true, false},
    {"-x", Value("-x"), false, true},
    {"?", Value("?"), true, false},
    {"?x", Value("?x"), false, true},
    {":x", Value(":x"), false, true},
    {" leading", Value(" leading"), true, false},
    {"trailing ", Value("trailing "), true, false},
    {"a: b", Value("a: b"), true, false},
    {"a:b", Value("a:b"), false, true},
    {"a #b", Value("a #b"), true, false},
    {"a#b", Value("a#b"), false, true},
    {"#c", Value("#c"), true, false},
    {"@x", Value("@x"), true, false},
    {"`x", Value("`x"), true, false},
    {"*ref", Value("*ref"), true, false},
    {"&a", Value("&a"), true, false},
    {"!tag", Value("!tag"), true, false},
    {"%x", Value("%x"), true, false},
    {"|x", Value("|x"), true, false},
    {">x", Value(">x"), true, false},
    {"'x", Value("'x"), true, false},
    {"\"x", Value("\"x"), true, false},
    {"{x}", Value("{x}"), true, false},
    {"[x]", Value("[x]"), true, false},
    {"x]", Value("x]"), false, true},
    {"a,b", Value("a,b"), false, true},
    {"key:", Value("key:"), true, false},
    {"<<", Value("<<"), true, true},
    {"=", Value("="), true, true},
    {"---", Value("---"), true, true},
    {"...", Value("..."), true, true},
    {"multi\nline", Value("multi\nline"), true, false},
    {"tab\there", Value("tab\there"), true, true},
    {"cr\r", Value("cr\r"), true, false},
    {std::string("nul\0x", 5), Value(std::string("nul\0x", 5)), true, false},
    {"\xEF\xBB\xBF"
     "bom",
     Value("\xEF\xBB\xBF"
           "bom"),
     true, true},
    {"line\xE2\x80\xA8sep", Value("line\xE2\x80\xA8sep"), true, true},
    {"bad\xFFutf8", Value("bad\xFFutf8"), true, false},
    {"h\xC3\xA9llo w\xC3\xB6rld", Value("h\xC3\xA9llo w\xC3\xB6rld"), false, true},
    {"hello world", Value("hello world"), false, true},
    {"http://example.com/a?b=c#d", Value("http://example.com/a?b=c#d"), false, true},
    {"nvcr.io/nvidia/gpu-operator:v24.9.0", Value("nvcr.io/nvidia/gpu-operator:v24.9.0"), false,
     true},
};

class ScalarTableTest : public ::testing::TestWithParam<ScalarCase> {};

TEST_P(ScalarTableTest, ResolvesPlain) {
  const ScalarCase& c = GetParam();
  if (!c.plain.is_string()) {
    EXPECT_EQ(ResolvePlainScalar(c.text), c.plain);
  } else {
    // Whatever the text, the core schema leaves it a string.
    EXPECT_EQ(ResolvePlainScalar(c.text), Value(c.text));
  }
}

TEST_P(ScalarTableTest, ReadsPlainFromYaml) {
  const ScalarCase& c = GetParam();
  Result<Value> doc = ParseYaml("k: " + c.text + "\n");
  if (c.plain_ok) {
    ASSERT_THAT(doc, IsOk());
    ASSERT_NE(doc->Find("k"), nullptr);
    EXPECT_EQ(*doc->Find("k"), c.plain);
  } else {
    // Written plain, it would fail to parse or mean something else: quoting is required.
    EXPECT_TRUE(!doc.ok() || doc->Find("k") == nullptr || *doc->Find("k") != Value(c.text))
        << doc->DebugString();
  }
}

TEST_P(ScalarTableTest, NeedsQuoting) {
  const ScalarCase& c = GetParam();
  EXPECT_EQ(NeedsQuoting(c.text), c.quote);
}

TEST_P(ScalarTableTest, WriterQuotesExactlyWhenNeededAndRoundTrips) {
  const ScalarCase& c = GetParam();
  // Invalid UTF-8 is written as U+FFFD (see the writer tests).
  Value v(IsValidUtf8(c.text) ? c.text : std::string("bad\xEF\xBF\xBDutf8"));
  std::string yaml = WriteYaml(Value(c.text));
  if (!c.quote) {
    EXPECT_EQ(yaml, c.text + "\n");
  } else if (c.text.find('\n') == std::string::npos) {
    EXPECT_THAT(yaml, StartsWith("\""));
  } else {
    EXPECT_NE(yaml, c.text + "\n");
  }
  EXPECT_THAT(ParseYaml(yaml), IsOkAndHolds(v)) << yaml;
  // Also as a mapping value and as a key.
  Value m;
  m.Set("k", Value(c.text));
  m.Set(c.text, Value(1));
  Value want;
  want.Set("k", v);
  want.Set(*v.if_string(), Value(1));
  EXPECT_THAT(ParseYaml(WriteYaml(m)), IsOkAndHolds(want)) << WriteYaml(m);
}

INSTANTIATE_TEST_SUITE_P(Table, ScalarTableTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ScalarCase>& param) {
                           return "case" + std::to_string(param.index);
                         });

TEST(ScalarTest, TableIsLarge) { EXPECT_GE(std::size(kCases), 40u); }

TEST(ScalarTest, QuotedSourcesStayStrings) {
  EXPECT_THAT(ParseYaml("\"24.04\""), IsOkAndHolds(Value("24.04")));
  EXPECT_THAT(ParseYaml("'1.0'"), IsOkAndHolds(Value("1.0")));
  EXPECT_THAT(ParseYaml("'true'"), IsOkAndHolds(Value("true")));
  EXPECT_THAT(ParseYaml("\"\""), IsOkAndHolds(Value("")));
  EXPECT_THAT(ParseYaml("'~'"), IsOkAndHolds(Value("~")));
  EXPECT_THAT(ParseYaml("|\n  12\n"), IsOkAndHolds(Value("12\n")));
  EXPECT_THAT(ParseYaml(">-\n  1.0\n"), IsOkAndHolds(Value("1.0")));
}

TEST(ScalarTest, CoreParsers) {
  EXPECT_EQ(ParseCoreInt("0o777"), 511);
  EXPECT_EQ(ParseCoreInt("0xff"), 255);
  EXPECT_EQ(ParseCoreInt("0x7fffffffffffffff"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(ParseCoreInt("0o8"), std::nullopt);
  EXPECT_EQ(ParseCoreInt("1.0"), std::nullopt);
  EXPECT_EQ(ParseCoreInt(""), std::nullopt);
  EXPECT_EQ(ParseCoreInt("-"), std::nullopt);
  EXPECT_EQ(ParseCoreInt("99999999999999999999"), std::nullopt);
  EXPECT_EQ(ParseCoreFloat("1"), 1.0);
  EXPECT_EQ(ParseCoreFloat("-1.5e2"), -150.0);
  EXPECT_EQ(ParseCoreFloat("1e-400"), 0.0);  // underflow rounds to zero
  EXPECT_EQ(ParseCoreFloat("1e400"), std::nullopt);
  EXPECT_EQ(ParseCoreFloat("."), std::nullopt);
  EXPECT_EQ(ParseCoreFloat("1e"), std::nullopt);
  EXPECT_EQ(ParseCoreFloat("-.nan"), std::nullopt);
  EXPECT_EQ(ParseCoreFloat("5e-324"), 5e-324);
  EXPECT_EQ(ParseCoreBool("yes"), std::nullopt);
  EXPECT_EQ(ParseCoreBool("False"), false);
  EXPECT_TRUE(IsCoreNull(""));
  EXPECT_FALSE(IsCoreNull("nil"));
}

TEST(ScalarTest, FormatsFloats) {
  EXPECT_EQ(FormatYamlFloat(1.0), "1.0");
  EXPECT_EQ(FormatYamlFloat(-0.0), "-0.0");
  EXPECT_EQ(FormatYamlFloat(0.1), "0.1");
  EXPECT_EQ(FormatYamlFloat(100.0), "100.0");
  EXPECT_EQ(FormatYamlFloat(1e300), "1e+300");
  EXPECT_EQ(FormatYamlFloat(1e-7), "1e-07");
  EXPECT_EQ(FormatYamlFloat(5e-324), "5e-324");
  EXPECT_EQ(FormatYamlFloat(24.04), "24.04");
  EXPECT_EQ(FormatYamlFloat(kInf), ".inf");
  EXPECT_EQ(FormatYamlFloat(-kInf), "-.inf");
  EXPECT_EQ(FormatYamlFloat(kNaN), ".nan");
  EXPECT_EQ(FormatFloatShortest(123456789.0), "123456789.0");
}

TEST(ScalarTest, DoubleQuoteEscapes) {
  EXPECT_EQ(DoubleQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(DoubleQuote(std::string("\0\a\b\t\n\v\f\r\x1b\x01\x7f", 11)),
            R"("\0\a\b\t\n\v\f\r\e\x01\x7F")");
  EXPECT_EQ(DoubleQuote("\xC2\x85\xC2\xA0\xE2\x80\xA8\xE2\x80\xA9\xEF\xBB\xBF\xC2\x80"),
            "\"\\x85\xC2\xA0\\L\\P\\uFEFF\\x80\"");
  EXPECT_EQ(DoubleQuote("bad\xFF"), R"("bad\uFFFD")");
  EXPECT_EQ(DoubleQuote("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");
}

TEST(ScalarTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));
}

}  // namespace
}  // namespace aicr::serialize
