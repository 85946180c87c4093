#include "constraints/version.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace aicr::constraints {
namespace {

Version V(std::int64_t major, std::int64_t minor, std::int64_t patch, int precision = 3,
          std::string extras = "") {
  return Version{major, minor, patch, precision, std::move(extras)};
}

struct ParseCase {
  std::string input;
  Version want;
};

TEST(ParseVersionTest, Accepts) {
  const std::vector<ParseCase> cases = {
      {"1", V(1, 0, 0, 1)},
      {"v2", V(2, 0, 0, 1)},
      {"1.2", V(1, 2, 0, 2)},
      {"v0.1", V(0, 1, 0, 2)},
      {"1.2.3", V(1, 2, 3)},
      {"v1.2.3", V(1, 2, 3)},
      {"v0.0.0", V(0, 0, 0)},
      {"6.8.0-1028-aws", V(6, 8, 0, 3, "-1028-aws")},
      {"v1.33.5-eks-3025e55", V(1, 33, 5, 3, "-eks-3025e55")},
      {"v1.28.0-gke.1337000", V(1, 28, 0, 3, "-gke.1337000")},
      {"1.29.2-hotfix.20240322", V(1, 29, 2, 3, "-hotfix.20240322")},
      {"1.2.3+build.5", V(1, 2, 3, 3, "+build.5")},
      {"6.8-rc1", V(6, 8, 0, 2, "-rc1")},
      {"010.02", V(10, 2, 0, 2)},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_THAT(ParseVersion(c.input), IsOkAndHolds(c.want));
  }
}

struct ErrorCase {
  std::string input;
  std::string message;
};

TEST(ParseVersionTest, Rejects) {
  const std::vector<ErrorCase> cases = {
      {"", "empty version string"},
      {"1.2.3.4", "invalid version \"1.2.3.4\": more than 3 components"},
      {"a.2.3", "invalid version \"a.2.3\": non-numeric component \"a\""},
      {"1.b.3", "invalid version \"1.b.3\": non-numeric component \"b\""},
      {"v1.2.a", "invalid version \"v1.2.a\": non-numeric component \"a\""},
      {"-1.2.3", "invalid version \"-1.2.3\": negative component -1"},
      {"1.-2.3", "invalid version \"1.-2.3\": negative component -2"},
      {"1.2.-3", "invalid version \"1.2.-3\": negative component -3"},
      {"1..3", "invalid version \"1..3\": empty component"},
      {"v", "invalid version \"v\": empty component"},
      {"1.2.", "invalid version \"1.2.\": empty component"},
      {"ubuntu", "invalid version \"ubuntu\": non-numeric component \"ubuntu\""},
      {"99999999999999999999",
       "invalid version \"99999999999999999999\": non-numeric component "
       "\"99999999999999999999\""},
      {" 1.2", "invalid version \" 1.2\": non-numeric component \" 1\""},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_THAT(ParseVersion(c.input), StatusIs(ErrorCode::kInvalidRequest, c.message));
  }
}

TEST(VersionTest, StringRespectsPrecisionAndDropsExtras) {
  EXPECT_EQ(V(1, 0, 0, 1).String(), "1");
  EXPECT_EQ(V(1, 2, 0, 2).String(), "1.2");
  EXPECT_EQ(V(0, 1, 5, 2).String(), "0.1");
  EXPECT_EQ(V(1, 2, 3).String(), "1.2.3");
  EXPECT_EQ(V(6, 8, 0, 3, "-1028-aws").String(), "6.8.0");
}

TEST(VersionTest, RoundTripsThroughString) {
  for (const char* input : {"1", "v2", "1.2", "v0.1", "1.2.3", "v1.2.3"}) {
    SCOPED_TRACE(input);
    Result<Version> v = ParseVersion(input);
    ASSERT_THAT(v, IsOk());
    EXPECT_THAT(ParseVersion(v->String()), IsOkAndHolds(*v));
  }
}

struct CompareCase {
  std::string name;
  Version a;
  Version b;
  int want;
};

TEST(VersionTest, Compare) {
  const std::vector<CompareCase> cases = {
      {"less major", V(1, 9, 9), V(2, 0, 0), -1},
      {"less minor", V(1, 2, 99), V(1, 3, 0), -1},
      {"less patch", V(1, 2, 3), V(1, 2, 4), -1},
      {"equal full", V(1, 2, 3), V(1, 2, 3), 0},
      {"equal precision 1", V(1, 0, 0, 1), V(1, 5, 10), 0},
      {"equal precision 2", V(1, 2, 0, 2), V(1, 2, 5), 0},
      {"precision 2 on the other side", V(1, 33, 7), V(1, 33, 0, 2), 0},
      {"greater major", V(2, 0, 0), V(1, 9, 9), 1},
      {"greater minor", V(1, 3, 0), V(1, 2, 99), 1},
      {"greater patch", V(1, 2, 4), V(1, 2, 3), 1},
      {"gke same build", V(1, 34, 3, 3, "-gke.1318000"), V(1, 34, 3, 3, "-gke.1318000"), 0},
      {"gke higher build", V(1, 34, 3, 3, "-gke.2000000"), V(1, 34, 3, 3, "-gke.1318000"), 1},
      {"gke lower build", V(1, 34, 3, 3, "-gke.1000000"), V(1, 34, 3, 3, "-gke.1318000"), -1},
      {"only constraint gke", V(1, 34, 3), V(1, 34, 3, 3, "-gke.1318000"), -1},
      {"only actual gke", V(1, 34, 3, 3, "-gke.1318000"), V(1, 34, 3), 1},
      {"eks extras ignored", V(1, 34, 3, 3, "-eks-3025e55"), V(1, 34, 3, 3, "-eks-abc"), 0},
      {"malformed gke is not gke", V(1, 34, 3, 3, "-gke.abc"), V(1, 34, 3), 0},
      {"gke tie-break needs full precision", V(1, 35, 0, 3, "-gke.5"), V(1, 35, 0, 2), 0},
      {"numeric core beats gke build", V(1, 34, 5), V(1, 34, 3, 3, "-gke.1318000"), 1},
  };
  for (const CompareCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.a.Compare(c.b), c.want);
  }
}

TEST(VersionTest, EqualsOrNewer) {
  EXPECT_TRUE(V(1, 0, 0, 1).EqualsOrNewer(V(1, 5, 10)));
  EXPECT_TRUE(V(2, 0, 0, 1).EqualsOrNewer(V(1, 9, 9)));
  EXPECT_FALSE(V(1, 0, 0, 1).EqualsOrNewer(V(2, 0, 0)));
  EXPECT_TRUE(V(0, 1, 0, 2).EqualsOrNewer(V(0, 1, 1)));
  EXPECT_TRUE(V(1, 3, 0, 2).EqualsOrNewer(V(1, 2, 99)));
  EXPECT_FALSE(V(1, 1, 0, 2).EqualsOrNewer(V(1, 2, 0)));
  EXPECT_TRUE(V(1, 2, 3).EqualsOrNewer(V(1, 2, 3)));
  EXPECT_TRUE(V(1, 2, 4).EqualsOrNewer(V(1, 2, 3)));
  EXPECT_FALSE(V(1, 2, 2).EqualsOrNewer(V(1, 2, 3)));
}

TEST(VersionTest, EqualsComparesAllComponents) {
  EXPECT_TRUE(V(1, 2, 3).Equals(V(1, 2, 3)));
  EXPECT_TRUE(V(1, 2, 3, 2).Equals(V(1, 2, 3)));
  EXPECT_FALSE(V(2, 2, 3).Equals(V(1, 2, 3)));
  EXPECT_FALSE(V(1, 3, 3).Equals(V(1, 2, 3)));
  EXPECT_FALSE(V(1, 2, 4).Equals(V(1, 2, 3)));
  // A missing component is zero: 1.33 is not 1.33.4.
  EXPECT_FALSE(V(1, 33, 0, 2).Equals(V(1, 33, 4)));
  EXPECT_TRUE(V(1, 2, 3, 3, "-eks-1").Equals(V(1, 2, 3, 3, "-gke.5")));
}

TEST(VersionTest, ExtractGkeBuild) {
  EXPECT_EQ(ExtractGkeBuild("-gke.1318000"), 1318000);
  EXPECT_EQ(ExtractGkeBuild("-gke.0"), 0);
  EXPECT_EQ(ExtractGkeBuild("gke.7"), 7);
  EXPECT_EQ(ExtractGkeBuild("-gke.0001"), 1);
  EXPECT_EQ(ExtractGkeBuild("-eks-3025e55"), std::nullopt);
  EXPECT_EQ(ExtractGkeBuild(""), std::nullopt);
  EXPECT_EQ(ExtractGkeBuild("-gke."), std::nullopt);
  EXPECT_EQ(ExtractGkeBuild("-gke.abc"), std::nullopt);
  EXPECT_EQ(ExtractGkeBuild("-hotfix.20240322"), std::nullopt);
  EXPECT_EQ(ExtractGkeBuild("-1028-aws"), std::nullopt);
  EXPECT_EQ(ExtractGkeBuild("-gke.-1"), std::nullopt);
  EXPECT_EQ(ExtractGkeBuild("-gke.99999999999999999999"), std::nullopt);
}

TEST(VersionTest, HasRawGkeSuffix) {
  EXPECT_TRUE(HasRawGkeSuffix("-gke.1"));
  EXPECT_TRUE(HasRawGkeSuffix("-gke."));
  EXPECT_TRUE(HasRawGkeSuffix("-gke.-1"));
  EXPECT_FALSE(HasRawGkeSuffix("-eks-1"));
  EXPECT_FALSE(HasRawGkeSuffix(""));
}

}  // namespace
}  // namespace aicr::constraints
