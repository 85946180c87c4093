#include "catalog/path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace aicr::catalog {
namespace {

TEST(IsLocalPathTest, AcceptsRelativePaths) {
  EXPECT_TRUE(IsLocalPath("registry.yaml"));
  EXPECT_TRUE(IsLocalPath("components/gpu-operator/values.yaml"));
  EXPECT_TRUE(IsLocalPath("a..b/c"));
  EXPECT_TRUE(IsLocalPath("..a"));
}

TEST(IsLocalPathTest, RejectsEscapesAndOddComponents) {
  EXPECT_FALSE(IsLocalPath(""));
  EXPECT_FALSE(IsLocalPath("/etc/passwd"));
  EXPECT_FALSE(IsLocalPath(".."));
  EXPECT_FALSE(IsLocalPath("../x"));
  EXPECT_FALSE(IsLocalPath("a/../../x"));
  EXPECT_FALSE(IsLocalPath("a/.."));
  EXPECT_FALSE(IsLocalPath("./a"));
  EXPECT_FALSE(IsLocalPath("a//b"));
  EXPECT_FALSE(IsLocalPath("a/"));
  EXPECT_FALSE(IsLocalPath(std::string("a\0b", 3)));
}

TEST(IsHiddenPathTest, AnyComponent) {
  EXPECT_TRUE(IsHiddenPath(".git/config"));
  EXPECT_TRUE(IsHiddenPath("overlays/.base.yaml.swp"));
  EXPECT_TRUE(IsHiddenPath("a/.hidden/b.yaml"));
  EXPECT_FALSE(IsHiddenPath("overlays/base.yaml"));
  EXPECT_FALSE(IsHiddenPath("a.b/c.d"));
}

TEST(WalkOrderLessTest, DepthFirstSortedByName) {
  std::vector<std::string> paths = {"b.yaml", "a-b", "a/z", "a.yaml", "a/b/c", "ab", "a/b.yaml"};
  std::sort(paths.begin(), paths.end(),
            [](const std::string& x, const std::string& y) { return WalkOrderLess(x, y); });
  EXPECT_EQ(paths, (std::vector<std::string>{"a/b/c", "a/b.yaml", "a/z", "a-b", "a.yaml", "ab",
                                             "b.yaml"}));
  EXPECT_FALSE(WalkOrderLess("a", "a"));
  EXPECT_TRUE(WalkOrderLess("a", "a0"));
  EXPECT_FALSE(WalkOrderLess("a0", "a"));
}

}  // namespace
}  // namespace aicr::catalog
