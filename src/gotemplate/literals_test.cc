#include "gotemplate/literals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tests/testing/status_matchers.h"

namespace aicr::gotemplate::internal {
namespace {

using serialize::Value;

TEST(LiteralsTest, Numbers) {
  const std::vector<std::pair<const char*, Value>> cases = {
      {"0", Value(0)},
      {"42", Value(42)},
      {"-7", Value(-7)},
      {"+7", Value(7)},
      {"0x1F", Value(31)},
      {"0X1f", Value(31)},
      {"0o17", Value(15)},
      {"017", Value(15)},
      {"00", Value(0)},
      {"0b101", Value(5)},
      {"1_000_000", Value(1000000)},
      {"0x_ff", Value(255)},
      {"9223372036854775807", Value(INT64_MAX)},
      {"-9223372036854775808", Value(INT64_MIN)},
      {"1.5", Value(1.5)},
      {".5", Value(0.5)},
      {"1.", Value(1.0)},
      {"1e3", Value(1000.0)},
      {"1E-2", Value(0.01)},
      {"-2.5e+1", Value(-25.0)},
      {"09.5", Value(9.5)},
      {"1_0.5", Value(10.5)},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_THAT(NumberValue(text), IsOkAndHolds(want)) << text;
  }
  for (const char* bad : {"-", "+", "1x", "0x", "0b2", "08", "09", "1__0", "_1", "1_", "1.2.3",
                          "1e", "1e+", ".", "0x1p-2", "0x1.8"}) {
    EXPECT_THAT(NumberValue(bad), StatusIs(ErrorCode::kInvalidRequest,
                                           "bad number syntax: \"" + std::string(bad) + "\""))
        << bad;
  }
  for (const char* big :
       {"9223372036854775808", "-9223372036854775809", "0xffffffffffffffffff", "1e400"}) {
    EXPECT_THAT(NumberValue(big), StatusIs(ErrorCode::kInvalidRequest,
                                           "number out of range: \"" + std::string(big) + "\""))
        << big;
  }
}

TEST(LiteralsTest, Strings) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {R"("")", ""},
      {R"("plain")", "plain"},
      {R"("\a\b\f\n\r\t\v\\\"")", "\a\b\f\n\r\t\v\\\""},
      {R"("\x41\101\x7e")", "AA~"},
      {R"("\xff")", "\xff"},
      {R"("\u00e9\U0001F600")", "\xc3\xa9\xf0\x9f\x98\x80"},
      {"\"caf\xc3\xa9\"", "caf\xc3\xa9"},
      {"\"bad\xff\"", "bad\xef\xbf\xbd"},
      {"`raw \\n \"q\"`", "raw \\n \"q\""},
      {"`a\r\nb`", "a\nb"},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_THAT(UnquoteString(text), IsOkAndHolds(Value(want))) << text;
  }
  for (const char* bad : {R"("\q")", R"("\'")", R"("\x4")", R"("\400")", R"("\ud800")",
                          R"("\U00110000")", R"("\")"}) {
    EXPECT_THAT(UnquoteString(bad),
                StatusIs(ErrorCode::kInvalidRequest, "invalid syntax: " + std::string(bad)))
        << bad;
  }
}

TEST(LiteralsTest, Characters) {
  EXPECT_THAT(CharValue("'a'"), IsOkAndHolds(Value(97)));
  EXPECT_THAT(CharValue("'\\n'"), IsOkAndHolds(Value(10)));
  EXPECT_THAT(CharValue("'\\''"), IsOkAndHolds(Value(39)));
  EXPECT_THAT(CharValue("'\\x41'"), IsOkAndHolds(Value(65)));
  EXPECT_THAT(CharValue("'\\377'"), IsOkAndHolds(Value(255)));
  EXPECT_THAT(CharValue("'\xe2\x82\xac'"), IsOkAndHolds(Value(0x20ac)));
  EXPECT_THAT(CharValue("'\\u20ac'"), IsOkAndHolds(Value(0x20ac)));
  EXPECT_THAT(CharValue("''"), StatusIs(ErrorCode::kInvalidRequest, "invalid syntax: ''"));
  EXPECT_THAT(CharValue("'\\\"'"), StatusIs(ErrorCode::kInvalidRequest, "invalid syntax: '\\\"'"));
  EXPECT_THAT(CharValue("'ab'"),
              StatusIs(ErrorCode::kInvalidRequest, "malformed character constant: 'ab'"));
}

}  // namespace
}  // namespace aicr::gotemplate::internal
