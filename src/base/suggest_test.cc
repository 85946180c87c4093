#include "base/suggest.h"

#include <gtest/gtest.h>

namespace aicr {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("recipe", "recpie"), 2u);
  EXPECT_EQ(EditDistance("bundle", "bundle"), 0u);
}

TEST(SuggestTest, ClosestMatch) {
  const std::vector<std::string> commands = {"bundle",   "completion", "query", "recipe",
                                             "snapshot", "validate",   "verify"};
  EXPECT_EQ(ClosestMatch("recipr", commands), "recipe");
  EXPECT_EQ(ClosestMatch("compltion", commands), "completion");
  EXPECT_EQ(ClosestMatch("snap", commands), "snapshot");
  EXPECT_EQ(ClosestMatch("verfy", commands), "verify");
  EXPECT_EQ(ClosestMatch("xyzzy", commands), "");
  EXPECT_EQ(ClosestMatch("recipe", commands), "");  // exact names are not suggestions
}

TEST(SuggestTest, TiesResolveInSortedOrder) {
  EXPECT_EQ(ClosestMatch("ab", {"ac", "aa"}), "aa");
  EXPECT_EQ(ClosestMatch("ab", {"aa", "ac"}), "aa");
}

}  // namespace
}  // namespace aicr
