#include "gotemplate/format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "serialize/value.h"
#include "tests/testing/status_matchers.h"

namespace aicr::gotemplate::internal {
namespace {

using serialize::Sequence;
using serialize::Value;
using ::testing::HasSubstr;

TEST(FormatTest, FloatsPrintAsGoV) {
  const std::vector<std::pair<double, const char*>> cases = {
      {0.0, "0"},
      {-0.0, "-0"},
      {1.0, "1"},
      {1.5, "1.5"},
      {-2.25, "-2.25"},
      {0.1, "0.1"},
      {100000.0, "100000"},
      {123456.0, "123456"},
      {1e6, "1e+06"},
      {1234567.0, "1.234567e+06"},
      {1e21, "1e+21"},
      {1e100, "1e+100"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {3.14159, "3.14159"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const auto& [d, want] : cases) {
    EXPECT_EQ(FormatFloat(d), want) << d;
  }
}

TEST(FormatTest, ValuesPrintAsGoV) {
  Value map = Value::EmptyMapping();
  map.Set("z", Value(1));
  map.Set("a", Value(Sequence{Value("x"), Value()}));
  EXPECT_EQ(ValueString(&map), "map[a:[x <nil>] z:1]");
  EXPECT_EQ(ValueString(nullptr), "<nil>");
  const Value b(true);
  EXPECT_EQ(ValueString(&b), "true");
  const Value i(-42);
  EXPECT_EQ(ValueString(&i), "-42");
}

TEST(FormatTest, GoQuote) {
  EXPECT_EQ(GoQuote(""), "\"\"");
  EXPECT_EQ(GoQuote("plain"), "\"plain\"");
  EXPECT_EQ(GoQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(GoQuote("\a\b\f\n\r\t\v"), "\"\\a\\b\\f\\n\\r\\t\\v\"");
  EXPECT_EQ(GoQuote(std::string("\x00\x1f\x7f", 3)), "\"\\x00\\x1f\\x7f\"");
  EXPECT_EQ(GoQuote("caf\xc3\xa9 \xe2\x82\xac"), "\"caf\xc3\xa9 \xe2\x82\xac\"");
  EXPECT_EQ(GoQuote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
  EXPECT_EQ(GoQuote("\xc2\x85\xc2\xa0\xe2\x80\x8b\xef\xbb\xbf"),
            "\"\\u0085\\u00a0\\u200b\\ufeff\"");
  EXPECT_EQ(GoQuote("\xf3\xb0\x80\x80"), "\"\\U000f0000\"");
  EXPECT_EQ(GoQuote("bad\xff"), "\"bad\\xff\"");
  EXPECT_EQ(GoQuote("caf\xc3\xa9", true), "\"caf\\u00e9\"");
}

TEST(FormatTest, SprintSpacing) {
  const Value a("a");
  const Value one(1);
  const Value two(2);
  EXPECT_THAT(Sprint({&a, &one, &two, &a}, 100), IsOkAndHolds(std::string("a1 2a")));
  EXPECT_THAT(Sprint({&one, nullptr}, 100), IsOkAndHolds(std::string("1 <nil>")));
  EXPECT_THAT(Sprintln({&a, &one}, 100), IsOkAndHolds(std::string("a 1\n")));
  EXPECT_THAT(Sprint({&a, &a, &a}, 2),
              StatusIs(ErrorCode::kInvalidRequest, "print output exceeds 2 bytes"));
}

std::string F(std::string_view format, const std::vector<Value>& args) {
  std::vector<const Value*> ptrs;
  ptrs.reserve(args.size());
  for (const Value& v : args) {
    ptrs.push_back(v.is_null() ? nullptr : &v);
  }
  auto r = Sprintf(format, ptrs, 1 << 20);
  EXPECT_THAT(r, IsOk()) << format;
  return r.ok() ? *r : std::string();
}

TEST(FormatTest, SprintfVerbs) {
  EXPECT_EQ(F("%s|%v|%d", {Value("x"), Value(1.5), Value(-3)}), "x|1.5|-3");
  EXPECT_EQ(F("%5s|%-5s|", {Value("ab"), Value("cd")}), "   ab|cd   |");
  EXPECT_EQ(F("%05d|%+d|% d|%.3d", {Value(-42), Value(5), Value(5), Value(7)}), "-0042|+5| 5|007");
  EXPECT_EQ(F("%x %X %o %b", {Value(255), Value(255), Value(8), Value(5)}), "ff FF 10 101");
  EXPECT_EQ(F("%x %X", {Value("hi"), Value("hi")}), "6869 6869");
  EXPECT_EQ(F("%.2f|%6.2f|%08.3f", {Value(3.14159), Value(3.14159), Value(-3.14159)}),
            "3.14|  3.14|-003.142");
  EXPECT_EQ(F("%f", {Value(1)}), "%!f(int=1)");
  EXPECT_EQ(F("%e|%E|%g|%g", {Value(1234.5678), Value(1234.5678), Value(1e6), Value(0.5)}),
            "1.234568e+03|1.234568E+03|1e+06|0.5");
  EXPECT_EQ(F("%.3g", {Value(1234.5678)}), "1.23e+03");
  EXPECT_EQ(F("%v %f", {Value(std::numeric_limits<double>::infinity()),
                        Value(-std::numeric_limits<double>::infinity())}),
            "+Inf -Inf");
  EXPECT_EQ(F("%t %v", {Value(true), Value(false)}), "true false");
  EXPECT_EQ(F("%c%c %q %U", {Value(72), Value(0x20ac), Value(65), Value(65)}),
            "H\xe2\x82\xac 'A' U+0041");
  EXPECT_EQ(F("%q", {Value(39)}), "'\\''");
  EXPECT_EQ(F("%q|%+q|%.2s|%.1q",
              {Value("\xc3\xa9\n"), Value("\xc3\xa9"), Value("\xc3\xa9xy"), Value("abc")}),
            "\"\xc3\xa9\\n\"|\"\\u00e9\"|\xc3\xa9x|\"a\"");
  EXPECT_EQ(F("%v|%s|%d", {Value(), Value(), Value()}), "<nil>|%!s(<nil>)|%!d(<nil>)");
  EXPECT_EQ(F("%d|%s|%t", {Value("x"), Value(2), Value(1)}), "%!d(string=x)|%!s(int=2)|%!t(int=1)");
  EXPECT_EQ(F("%z", {Value(1)}), "%!z(int=1)");
  EXPECT_EQ(F("%+v", {Value(5)}), "5");
}

TEST(FormatTest, SprintfCollections) {
  const Value list(Sequence{Value("a"), Value(1), Value()});
  EXPECT_EQ(F("%v", {list}), "[a 1 <nil>]");
  EXPECT_EQ(F("%s", {list}), "[a %!s(int=1) <nil>]");
  EXPECT_EQ(F("%d", {Value(Sequence{Value(1), Value(2)})}), "[1 2]");
  Value map = Value::EmptyMapping();
  map.Set("k", Value("v"));
  EXPECT_EQ(F("%q", {map}), "map[\"k\":\"v\"]");
  EXPECT_EQ(F("%d", {map}), "map[%!d(string=k):%!d(string=v)]");
}

TEST(FormatTest, SprintfArgumentMismatches) {
  EXPECT_EQ(F("%s %s", {Value("a")}), "a %!s(MISSING)");
  EXPECT_EQ(F("%s", {Value("a"), Value(1), Value()}), "a%!(EXTRA int=1, <nil>)");
  EXPECT_EQ(F("100%%", {}), "100%");
  EXPECT_EQ(F("abc%", {}), "abc%!(NOVERB)");
  EXPECT_EQ(F("%99999999d", {Value(1)}), "%!(NOVERB)%!(EXTRA int=1)");
  EXPECT_EQ(F("%-05d|", {Value(1)}), "1    |");
}

TEST(FormatTest, SprintfUnsupported) {
  const Value one(1);
  const Value half(0.5);
  EXPECT_THAT(Sprintf("%#x", {&one}, 100),
              StatusIs(ErrorCode::kInvalidRequest, "printf: the # flag is not supported"));
  EXPECT_THAT(Sprintf("%*d", {&one, &one}, 100),
              StatusIs(ErrorCode::kInvalidRequest, "printf: * in a verb is not supported"));
  EXPECT_THAT(Sprintf("%[1]d", {&one}, 100),
              StatusIs(ErrorCode::kInvalidRequest, "printf: [ in a verb is not supported"));
  EXPECT_THAT(Sprintf("%x", {&half}, 100),
              StatusIs(ErrorCode::kInvalidRequest, "printf: verb %x is not supported for float"));
  const Value x("x");
  EXPECT_THAT(Sprintf("%1000s", {&x}, 100),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("printf output exceeds 100 bytes")));
}

}  // namespace
}  // namespace aicr::gotemplate::internal
