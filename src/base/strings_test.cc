#include "base/strings.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace aicr {
namespace {

TEST(StringsTest, Quote) {
  EXPECT_EQ(Quote("gpu-operator"), "\"gpu-operator\"");
  EXPECT_EQ(Quote(""), "\"\"");
}

TEST(StringsTest, AlignColumns) {
  EXPECT_EQ(AlignColumns({{"NAME", "V"}, {"gpu-operator", "v1"}, {"x"}}),
            "NAME           V\n"
            "gpu-operator   v1\n"
            "x\n");
  EXPECT_EQ(AlignColumns({}), "");
}

TEST(StringsTest, EscapedQuote) {
  EXPECT_EQ(EscapedQuote("plain"), "\"plain\"");
  EXPECT_EQ(EscapedQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(EscapedQuote("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(EscapedQuote(std::string("\x01\x7f", 2)), "\"\\x01\\x7f\"");
  EXPECT_EQ(EscapedQuote("gr\xc3\xbc\xc3\x9f"), "\"gr\xc3\xbc\xc3\x9f\"");
}

TEST(StringsTest, Join) {
  EXPECT_EQ(Join({}, ", "), "");
  EXPECT_EQ(Join({"a"}, ", "), "a");
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
}

TEST(StringsTest, Trim) {
  EXPECT_EQ(Trim("  eks\t\n"), "eks");
  EXPECT_EQ(Trim("\v\f"), "");
  EXPECT_EQ(Trim("a b"), "a b");
  EXPECT_FALSE(IsSpace('x'));
}

TEST(StringsTest, ErrnoTextIsLowerCase) {
  EXPECT_EQ(ErrnoText(ENOENT), "no such file or directory");
}

}  // namespace
}  // namespace aicr

namespace aicr {
namespace {

TEST(HexDigitValueTest, Digits) {
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('9'), 9);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
  EXPECT_EQ(HexDigitValue('%'), -1);
}

}  // namespace
}  // namespace aicr
