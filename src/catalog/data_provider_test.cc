#include "catalog/data_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/status_matchers.h"

namespace aicr::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

TEST(MemoryProviderTest, FilesReadSourceHas) {
  const auto p = MakeMemoryProvider({{"registry.yaml", "r"},
                                     {"overlays/base.yaml", "b"},
                                     {"overlays-x/a.yaml", "x"},
                                     {"bin", std::string("\0\xff", 2)}});
  EXPECT_THAT(p->Files(),
              ElementsAre("bin", "overlays/base.yaml", "overlays-x/a.yaml", "registry.yaml"));
  EXPECT_THAT(p->Read("overlays/base.yaml"), IsOkAndHolds("b"));
  EXPECT_THAT(p->Read("bin"), IsOkAndHolds(std::string("\0\xff", 2)));
  EXPECT_THAT(p->Read("overlays/missing.yaml"),
              StatusIs(ErrorCode::kNotFound, "data file \"overlays/missing.yaml\" not found"));
  EXPECT_THAT(p->Read("../registry.yaml"),
              StatusIs(ErrorCode::kNotFound, "data file \"../registry.yaml\" not found"));
  EXPECT_TRUE(p->Has("registry.yaml"));
  EXPECT_FALSE(p->Has("overlays"));
  EXPECT_EQ(p->Source("registry.yaml"), "embedded");
  EXPECT_THAT(std::string(p->Identity()), StartsWith("memory:"));
  for (const std::string& path : p->Files()) {
    EXPECT_FALSE(p->PreparsedJson(path).has_value()) << path;  // never pre-parsed
  }
}

TEST(MemoryProviderTest, CustomSourceAndContentIdentity) {
  const auto a = MakeMemoryProvider({{"x", "1"}}, "external");
  const auto b = MakeMemoryProvider({{"x", "1"}}, "external");
  const auto c = MakeMemoryProvider({{"x", "2"}}, "external");
  const auto d = MakeMemoryProvider({{"x", "1"}});
  EXPECT_EQ(a->Source("x"), "external");
  EXPECT_EQ(a->Identity(), b->Identity());
  EXPECT_NE(a->Identity(), c->Identity());
  EXPECT_NE(a->Identity(), d->Identity());
}

TEST(MemoryProviderTest, Empty) {
  const auto p = MakeMemoryProvider({});
  EXPECT_TRUE(p->Files().empty());
  EXPECT_THAT(p->Read("registry.yaml"),
              StatusIs(ErrorCode::kNotFound, "data file \"registry.yaml\" not found"));
}

TEST(EmbeddedProviderTest, IdentitySourceAndMissingFile) {
  const DataProvider& p = EmbeddedProvider();
  EXPECT_EQ(&p, &EmbeddedProvider());
  EXPECT_EQ(p.Identity(), "embedded");
  EXPECT_EQ(p.Source("registry.yaml"), "embedded");
  EXPECT_FALSE(p.Has("no/such/file.yaml"));
  EXPECT_THAT(p.Read("no/such/file.yaml"),
              StatusIs(ErrorCode::kNotFound, "data file \"no/such/file.yaml\" not found"));
  for (const std::string& path : p.Files()) {
    EXPECT_TRUE(p.Has(path)) << path;
  }
}

}  // namespace
}  // namespace aicr::catalog
