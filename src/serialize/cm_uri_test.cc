#include "serialize/cm_uri.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

struct GoodCase {
  std::string uri;
  std::string ns;
  std::string name;
};

class ParseConfigMapUriGoodTest : public ::testing::TestWithParam<GoodCase> {};

TEST_P(ParseConfigMapUriGoodTest, Parses) {
  const GoodCase& c = GetParam();
  EXPECT_TRUE(IsConfigMapUri(c.uri));
  EXPECT_THAT(ParseConfigMapUri(c.uri), IsOkAndHolds(ConfigMapRef{c.ns, c.name}));
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, ParseConfigMapUriGoodTest,
    ::testing::Values(GoodCase{"cm://default/aicr-snapshot", "default", "aicr-snapshot"},
                      GoodCase{"cm://gpu-operator/snap.v1", "gpu-operator", "snap.v1"},
                      GoodCase{"cm://a/b", "a", "b"}, GoodCase{"cm://ns1/0name9", "ns1", "0name9"},
                      GoodCase{"cm:// default / aicr-snapshot ", "default", "aicr-snapshot"},
                      GoodCase{"cm://\tkube-system\t/x\n", "kube-system", "x"},
                      GoodCase{"cm://" + std::string(63, 'n') + "/" + std::string(253, 'm'),
                               std::string(63, 'n'), std::string(253, 'm')}));

struct BadCase {
  std::string uri;
  std::string why;  // expected text between the quoted URI and "; expected format"
};

class ParseConfigMapUriBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseConfigMapUriBadTest, Rejects) {
  const BadCase& c = GetParam();
  EXPECT_THAT(
      ParseConfigMapUri(c.uri),
      StatusIs(ErrorCode::kInvalidRequest, "invalid ConfigMap URI \"" + c.uri + "\": " + c.why +
                                               "; expected format cm://namespace/name"));
}

const char kNsRule[] =
    " is not a valid Kubernetes namespace (lower-case letters, digits and '-', starting and "
    "ending with a letter or digit, at most 63 characters)";
const char kNameRule[] =
    " is not a valid ConfigMap name (lower-case letters, digits, '-' and '.', starting and "
    "ending with a letter or digit, at most 253 characters)";

INSTANTIATE_TEST_SUITE_P(
    Grammar, ParseConfigMapUriBadTest,
    ::testing::Values(
        BadCase{"", "missing cm:// prefix"}, BadCase{"default/name", "missing cm:// prefix"},
        BadCase{"CM://default/name", "missing cm:// prefix"},
        BadCase{" cm://default/name", "missing cm:// prefix"},
        BadCase{"configmap://default/name", "missing cm:// prefix"},
        BadCase{"cm:/default/name", "missing cm:// prefix"}, BadCase{"cm://", "missing name"},
        BadCase{"cm://ns", "missing name"}, BadCase{"cm://ns/", "empty name"},
        BadCase{"cm://ns/   ", "empty name"}, BadCase{"cm:///name", "empty namespace"},
        BadCase{"cm://  /name", "empty namespace"}, BadCase{"cm:////", "empty namespace"},
        BadCase{"cm://Default/name", "namespace \"Default\"" + std::string(kNsRule)},
        BadCase{"cm://default/Name", "name \"Name\"" + std::string(kNameRule)},
        BadCase{"cm://my ns/name", "namespace \"my ns\"" + std::string(kNsRule)},
        BadCase{"cm://ns/my name", "name \"my name\"" + std::string(kNameRule)},
        BadCase{"cm://ns/a/b", "name \"a/b\"" + std::string(kNameRule)},
        BadCase{"cm://ns//name", "name \"/name\"" + std::string(kNameRule)},
        BadCase{"cm://ns.x/name", "namespace \"ns.x\"" + std::string(kNsRule)},
        BadCase{"cm://-ns/name", "namespace \"-ns\"" + std::string(kNsRule)},
        BadCase{"cm://ns/name-", "name \"name-\"" + std::string(kNameRule)},
        BadCase{"cm://ns/a..b", "name \"a..b\"" + std::string(kNameRule)},
        BadCase{"cm://ns/under_score", "name \"under_score\"" + std::string(kNameRule)},
        BadCase{"cm://" + std::string(64, 'n') + "/x",
                "namespace \"" + std::string(64, 'n') + "\"" + kNsRule},
        BadCase{"cm://ns/" + std::string(254, 'm'),
                "name \"" + std::string(254, 'm') + "\"" + kNameRule}));

TEST(IsConfigMapUriTest, PrefixOnly) {
  EXPECT_TRUE(IsConfigMapUri("cm://"));
  EXPECT_TRUE(IsConfigMapUri("cm://x/y"));
  EXPECT_FALSE(IsConfigMapUri("cm:/x/y"));
  EXPECT_FALSE(IsConfigMapUri("CM://x/y"));
  EXPECT_FALSE(IsConfigMapUri("./cm://x"));
  EXPECT_FALSE(IsConfigMapUri(""));
}

TEST(ConfigMapRefTest, ToUriRoundTrips) {
  const ConfigMapRef ref{"gpu-operator", "aicr-snapshot"};
  EXPECT_EQ(ref.ToUri(), "cm://gpu-operator/aicr-snapshot");
  EXPECT_THAT(ParseConfigMapUri(ref.ToUri()), IsOkAndHolds(ref));
}

TEST(Dns1123Test, LabelsAndSubdomains) {
  EXPECT_TRUE(IsDns1123Label("a"));
  EXPECT_TRUE(IsDns1123Label("a-1"));
  EXPECT_FALSE(IsDns1123Label("a.b"));
  EXPECT_FALSE(IsDns1123Label(""));
  EXPECT_TRUE(IsDns1123Subdomain("a.b-c.d"));
  EXPECT_FALSE(IsDns1123Subdomain(".a"));
  EXPECT_FALSE(IsDns1123Subdomain("a."));
  EXPECT_FALSE(IsDns1123Subdomain("a.-b"));
}

TEST(ConfigMapStoreUnavailableTest, NamesTheUri) {
  EXPECT_THAT(ConfigMapStoreUnavailable(ConfigMapRef{"ns", "snap"}),
              StatusIs(ErrorCode::kUnavailable,
                       AllOf(HasSubstr("cm://ns/snap: "),
                             HasSubstr("Kubernetes ConfigMap access is not available"))));
}

}  // namespace
}  // namespace aicr::serialize
