#include "evidence/canonical.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checksum/sha256.h"
#include "evidence/test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace aicr::evidence {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CanonicalRecipeTest, SortsKeysDropsCommentsAndNormalisesLineEnds) {
  Result<std::string> a = CanonicalRecipeYaml("# c\r\nb: 1\r\na:\r\n  z: x\r\n  m: [2, 1]\r\n");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(*a, "a:\n  m:\n    - 2\n    - 1\n  z: x\nb: 1\n");
  Result<std::string> b = CanonicalRecipeYaml("a: {z: x, m: [2, 1]}\nb: 1 # trailing\n");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(*a, *b);
  Result<std::string> again = CanonicalRecipeYaml(*a);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, *a);
}

TEST(CanonicalRecipeTest, DigestIsSha256OfCanonicalBytes) {
  Result<std::string> canonical = CanonicalRecipeYaml(testing::kRecipeYaml);
  ASSERT_THAT(canonical, IsOk());
  EXPECT_THAT(*canonical, Not(HasSubstr("comment")));
  Result<std::string> digest = RecipeDigestHex(testing::kRecipeYaml);
  ASSERT_THAT(digest, IsOk());
  EXPECT_EQ(*digest, checksum::Sha256Hex(*canonical));
  // A change of value changes the digest; a change of key order does not.
  std::string changed = testing::kRecipeYaml;
  changed.replace(changed.find("v25.3.0"), 7, "v25.3.1");
  EXPECT_NE(*RecipeDigestHex(changed), *digest);
  EXPECT_EQ(*RecipeDigestHex("b: 1\na: 2\n"), *RecipeDigestHex("a: 2\nb: 1\n"));
}

TEST(CanonicalRecipeTest, RejectsNonMappingAndBadYaml) {
  EXPECT_THAT(CanonicalRecipeYaml("- a\n- b\n"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("expected a mapping")));
  EXPECT_THAT(CanonicalRecipeYaml("a: [\n"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("recipe")));
}

TEST(RecipeNameTest, JoinsSpecificCriteriaInFixedOrder) {
  recipe::RecipeResult r;
  EXPECT_EQ(RecipeName(r), "recipe");
  r.criteria = recipe::Criteria{};
  EXPECT_EQ(RecipeName(r), "recipe");
  r.criteria->service = "eks";
  r.criteria->accelerator = "h100";
  r.criteria->intent = "training";
  r.criteria->platform = "any";
  EXPECT_EQ(RecipeName(r), "h100-eks-training");
  r.criteria->os = "ubuntu";
  r.criteria->platform = "kubeflow";
  EXPECT_EQ(RecipeName(r), "h100-eks-ubuntu-training-kubeflow");
}

}  // namespace
}  // namespace aicr::evidence
