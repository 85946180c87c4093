#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/layering/layering_check.h"

namespace aicr::layering {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Fixture(const std::string& name) {
  return std::string(AICR_SOURCE_DIR) + "/tests/layering/fixtures/" + name;
}

TEST(LayeringTest, RepositoryObeysLayerRules) {
  EXPECT_THAT(CheckTree(AICR_SOURCE_DIR), IsEmpty());
}

TEST(LayeringTest, CleanFixturePasses) { EXPECT_THAT(CheckTree(Fixture("good")), IsEmpty()); }

TEST(LayeringTest, ForbiddenIncludesAreReported) {
  EXPECT_THAT(
      CheckTree(Fixture("bad")),
      ElementsAre(
          "base/leak.cc:1: \"client/client.h\": forbidden edge base -> client (only cli and "
          "server may depend on client)",
          "deployer/flux/flux.cc:2: \"deployer/helm/helm.h\": forbidden edge deployer_flux -> "
          "deployer_helm (a deployer may depend only on its family interface, not on a sibling)",
          "deployer/helm/helm.cc:2: <yaml-cpp/yaml.h>: only module serialize may include this "
          "library",
          "module recipe -> cli: nothing may depend on an adapter",
          "recipe/resolver.cc:2: \"serialize/value.h\": module recipe does not declare a "
          "dependency on serialize",
          "serialize/value.cc:2: \"tests/testing/fake.h\": only tests may include test "
          "helpers"));
}

TEST(LayeringTest, MissingSourceDirectoryIsReported) {
  EXPECT_THAT(CheckTree(Fixture("does-not-exist")),
              ElementsAre("no src/ directory under " + Fixture("does-not-exist")));
}

}  // namespace
}  // namespace aicr::layering
