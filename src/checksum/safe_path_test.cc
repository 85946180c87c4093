#include "checksum/safe_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/status_matchers.h"

namespace aicr::checksum {
namespace {

using ::testing::HasSubstr;

TEST(SafePathTest, IsSafePathComponent) {
  for (const char* ok : {"gpu-operator", "001-cert-manager", ".helmignore", "a..b", "...",
                         "values.yaml", "ünïcode", "a b", "C:"}) {
    EXPECT_TRUE(IsSafePathComponent(ok)) << ok;
  }
  const std::string bad[] = {"",   ".",    "..",   "a/b",  "/",    "a\\b",
                             "\\", "a\nb", "a\tb", "a\rb", "\x7f", std::string("a\0b", 3)};
  for (const std::string& s : bad) {
    EXPECT_FALSE(IsSafePathComponent(s)) << QuotePath(s);
  }
}

TEST(SafePathTest, CleanPathMatchesGoPathClean) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "."},         {".", "."},           {"a", "a"},
      {"a/", "a"},       {"a//b", "a/b"},      {"./a", "a"},
      {"a/./b", "a/b"},  {"a/../b", "b"},      {"a/..", "."},
      {"..", ".."},      {"../..", "../.."},   {"../a/..", ".."},
      {"a/../..", ".."}, {"/", "/"},           {"/..", "/"},
      {"/../a", "/a"},   {"//a///b/", "/a/b"}, {"a/b/../../c", "c"},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(CleanPath(in), want) << in;
  }
}

TEST(SafePathTest, SafeJoinKeepsResultsInsideBase) {
  const std::pair<std::pair<const char*, const char*>, const char*> ok[] = {
      {{"/out", "a"}, "/out/a"},
      {{"/out/", "a/b.yaml"}, "/out/a/b.yaml"},
      {{"/out", "a/../b"}, "/out/b"},
      {{"/out", "./a"}, "/out/a"},
      {{"out/./x", "a//b/"}, "out/x/a/b"},
      {{".", "a"}, "a"},
      {{"/", "etc"}, "/etc"},
      {{"/out", "..a"}, "/out/..a"},
  };
  for (const auto& [in, want] : ok) {
    EXPECT_THAT(SafeJoin(in.first, in.second), IsOkAndHolds(std::string(want)))
        << in.first << " + " << in.second;
  }
}

TEST(SafePathTest, SafeJoinRejects) {
  const std::pair<const char*, const char*> bad[] = {
      {"..", "escapes the base directory"},
      {"../x", "escapes the base directory"},
      {"a/../../x", "escapes the base directory"},
      {"a/../..", "escapes the base directory"},
      {".", "resolves to the base directory itself"},
      {"a/..", "resolves to the base directory itself"},
      {"/etc/passwd", "is absolute"},
      {"C:/x", "has a drive letter"},
      {"c:x", "has a drive letter"},
      {"a\\..\\..\\x", "contains a backslash"},
      {"a\nb", "contains a control character"},
  };
  for (const auto& [rel, why] : bad) {
    EXPECT_THAT(SafeJoin("/out", rel), StatusIs(ErrorCode::kInvalidRequest, HasSubstr(why))) << rel;
  }
  EXPECT_THAT(
      SafeJoin("/out", std::string("a\0b", 3)),
      StatusIs(ErrorCode::kInvalidRequest, "path \"a\\x00b\" contains a control character"));
  EXPECT_THAT(SafeJoin("/out", ""), StatusIs(ErrorCode::kInvalidRequest, "empty path"));
  EXPECT_THAT(SafeJoin("", "a"), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("empty base")));
}

TEST(SafePathTest, QuotePathEscapesControlBytes) {
  EXPECT_EQ(QuotePath("plain/ſ.txt"), "\"plain/ſ.txt\"");
  EXPECT_EQ(QuotePath("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(QuotePath("x\ny\tz\r"), "\"x\\ny\\tz\\r\"");
  EXPECT_EQ(QuotePath(std::string("\0\x1f\x7f", 3)), "\"\\x00\\x1f\\x7f\"");
}

}  // namespace
}  // namespace aicr::checksum
