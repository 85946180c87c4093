#include "collector/filter.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aicr::collector {
namespace {

using measurement::Reading;
using ::testing::ElementsAre;
using ::testing::Key;

TEST(FilterPatternTest, PatternWithoutStarMatchesExactly) {
  EXPECT_TRUE(MatchesFilterPattern("root", "root"));
  EXPECT_FALSE(MatchesFilterPattern("rootfstype", "root"));
  EXPECT_FALSE(MatchesFilterPattern("xroot", "root"));
  EXPECT_FALSE(MatchesFilterPattern("Root", "root"));
  EXPECT_FALSE(MatchesFilterPattern("", "root"));
}

TEST(FilterPatternTest, TrailingStarAnchorsStartOnly) {
  EXPECT_TRUE(MatchesFilterPattern("/proc/sys/dev/cdrom/info", "/proc/sys/dev/cdrom/*"));
  EXPECT_TRUE(MatchesFilterPattern("/proc/sys/dev/cdrom/", "/proc/sys/dev/cdrom/*"));
  EXPECT_FALSE(MatchesFilterPattern("/proc/sys/dev/cdrom", "/proc/sys/dev/cdrom/*"));
  EXPECT_FALSE(MatchesFilterPattern("/x/proc/sys/dev/cdrom/info", "/proc/sys/dev/cdrom/*"));
}

TEST(FilterPatternTest, LeadingStarAnchorsEndOnly) {
  EXPECT_TRUE(MatchesFilterPattern("ExecStartCredential", "*Credential"));
  EXPECT_TRUE(MatchesFilterPattern("Credential", "*Credential"));
  EXPECT_FALSE(MatchesFilterPattern("CredentialX", "*Credential"));
}

TEST(FilterPatternTest, StarsOnBothSidesMatchAnywhere) {
  EXPECT_TRUE(MatchesFilterPattern("LoadCredentialEncrypted", "*Credential*"));
  EXPECT_TRUE(MatchesFilterPattern("Credential", "*Credential*"));
  EXPECT_FALSE(MatchesFilterPattern("Credentia", "*Credential*"));
  EXPECT_TRUE(MatchesFilterPattern("anything", "*"));
  EXPECT_TRUE(MatchesFilterPattern("", "*"));
}

TEST(FilterPatternTest, MiddleSegmentsAppearInOrder) {
  EXPECT_TRUE(MatchesFilterPattern("a-b-c", "a*b*c"));
  EXPECT_TRUE(MatchesFilterPattern("abc", "a*b*c"));
  EXPECT_FALSE(MatchesFilterPattern("a-c-b", "a*b*c"));
  EXPECT_FALSE(MatchesFilterPattern("a-b-cx", "a*b*c"));
  EXPECT_TRUE(MatchesFilterPattern("a-b-cx", "a*b*c*"));
  EXPECT_TRUE(MatchesFilterPattern("xa-b-c", "*a*b*c"));
  // Segments must not overlap: "ab" cannot serve as both the start "ab" and end "b".
  EXPECT_FALSE(MatchesFilterPattern("ab", "ab*b"));
  EXPECT_TRUE(MatchesFilterPattern("abb", "ab*b"));
  EXPECT_TRUE(MatchesFilterPattern("ab", "a**b"));
}

TEST(FilterOutTest, RemovesMatchingKeysOnly) {
  std::map<std::string, Reading> readings = {
      {"root", Reading::Str("/dev/sda1")},
      {"ro", Reading::Str("")},
      {"/proc/sys/dev/cdrom/lock", Reading::Str("1")},
      {"/proc/sys/dev/hpet/max-user-freq", Reading::Str("64")},
  };
  FilterOut(readings, {"root", "/proc/sys/dev/cdrom/*"});
  EXPECT_THAT(readings, ElementsAre(Key("/proc/sys/dev/hpet/max-user-freq"), Key("ro")));
  FilterOut(readings, {});
  EXPECT_EQ(readings.size(), 2u);
}

}  // namespace
}  // namespace aicr::collector
