#include "base/strings.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace aicr {
namespace {

TEST(StringsTest, Quote) {
  EXPECT_EQ(Quote("gpu-operator"), "\"gpu-operator\"");
  EXPECT_EQ(Quote(""), "\"\"");
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
