#include "recipe/order.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using ::testing::ElementsAre;

ComponentRef Ref(std::string name, std::vector<std::string> deps = {}, bool enabled = true) {
  ComponentRef r;
  r.name = std::move(name);
  r.dependency_refs = std::move(deps);
  if (!enabled) {
    r.overrides = serialize::ParseYaml("enabled: false").value();
  }
  return r;
}

TEST(TopologicalSortTest, LexicographicallySmallestOrder) {
  std::vector<ComponentRef> refs = {Ref("gpu-operator", {"nfd", "cert-manager"}),
                                    Ref("nfd"),
                                    Ref("cert-manager"),
                                    Ref("aws-ebs"),
                                    Ref("nvsentinel", {"gpu-operator"}),
                                    Ref("b-late", {"nfd"})};
  EXPECT_THAT(TopologicalSort(refs),
              IsOkAndHolds(ElementsAre("aws-ebs", "cert-manager", "nfd", "b-late", "gpu-operator",
                                       "nvsentinel")));
}

TEST(TopologicalSortTest, EdgeToDisabledComponentDropped) {
  std::vector<ComponentRef> refs = {Ref("app", {"cert-manager"}),
                                    Ref("cert-manager", {}, /*enabled=*/false)};
  EXPECT_THAT(TopologicalSort(refs), IsOkAndHolds(ElementsAre("app")));
}

TEST(TopologicalSortTest, CycleAndUnknownDependency) {
  EXPECT_THAT(TopologicalSort({Ref("a", {"b"}), Ref("b", {"a"})}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cannot determine deployment order: circular dependencies exist"));
  EXPECT_THAT(TopologicalSort({Ref("a", {"ghost"})}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cannot determine deployment order: circular dependencies exist"));
}

TEST(TopologicalLevelsTest, TiersSorted) {
  std::vector<ComponentRef> refs = {Ref("c", {"a"}), Ref("b"), Ref("a"), Ref("d", {"c", "b"})};
  auto levels = TopologicalLevels(refs);
  ASSERT_THAT(levels, IsOk());
  EXPECT_THAT(*levels, ElementsAre(ElementsAre("a", "b"), ElementsAre("c"), ElementsAre("d")));
  EXPECT_THAT(TopologicalLevels({Ref("a", {"a"})}),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cannot determine deployment levels: circular dependencies exist"));
}

}  // namespace
}  // namespace aicr::recipe
