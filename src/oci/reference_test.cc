#include "oci/reference.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace aicr::oci {
namespace {

using ::testing::HasSubstr;

struct Good {
  const char* input;
  const char* registry;
  const char* repository;
  const char* tag;
  const char* digest;
};

const char kDigest[] = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(ParseReferenceTest, AcceptsValidReferences) {
  const std::string d = kDigest;
  const Good cases[] = {
      {"oci://ghcr.io/nvidia/aicr-bundle:v1.2.3", "ghcr.io", "nvidia/aicr-bundle", "v1.2.3", ""},
      {"ghcr.io/nvidia/aicr-bundle:v1.2.3", "ghcr.io", "nvidia/aicr-bundle", "v1.2.3", ""},
      {"oci://127.0.0.1:5000/bundles", "127.0.0.1:5000", "bundles", "", ""},
      {"localhost:5000/a/b/c:latest", "localhost:5000", "a/b/c", "latest", ""},
      {"registry.example.com/my_repo.x/y-z:_tag.1-2", "registry.example.com", "my_repo.x/y-z",
       "_tag.1-2", ""},
  };
  for (const Good& c : cases) {
    auto r = ParseReference(c.input);
    ASSERT_THAT(r, IsOk()) << c.input;
    EXPECT_EQ(r->registry, c.registry) << c.input;
    EXPECT_EQ(r->repository, c.repository) << c.input;
    EXPECT_EQ(r->tag, c.tag) << c.input;
    EXPECT_EQ(r->digest, c.digest) << c.input;
  }
  auto pinned = ParseReference("oci://r.io:443/x/y@" + d);
  ASSERT_THAT(pinned, IsOk());
  EXPECT_EQ(pinned->registry, "r.io:443");
  EXPECT_EQ(pinned->repository, "x/y");
  EXPECT_EQ(pinned->tag, "");
  EXPECT_EQ(pinned->digest, d);
  EXPECT_EQ(pinned->String(), "r.io:443/x/y@" + d);
  EXPECT_EQ(pinned->Selector(), d);

  auto both = ParseReference("r.io/x:1.0@" + d);
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(both->tag, "1.0");
  EXPECT_EQ(both->digest, d);
  EXPECT_EQ(both->String(), "r.io/x:1.0@" + d);
  EXPECT_EQ(both->Selector(), d);
  EXPECT_EQ(both->Name(), "r.io/x");
}

TEST(ParseReferenceTest, RejectsInvalidReferences) {
  const std::string d = kDigest;
  const std::pair<std::string, const char*> bad[] = {
      {"", "empty reference"},
      {"oci://", "empty reference"},
      {"https://ghcr.io/x", "only the oci:// scheme"},
      {"ghcr.io", "expected registry/repository"},
      {"ghcr.io/", "invalid repository"},
      {"ghcr.io/Upper/case", "invalid repository"},
      {"ghcr.io/a//b", "invalid repository"},
      {"ghcr.io/a/", "invalid repository"},
      {"ghcr.io/-a", "invalid repository"},
      {"ghcr.io/a..b", "invalid repository"},
      {"-bad.io/a", "invalid registry host"},
      {"bad_host.io/a", "invalid registry host"},
      {"host:port/a", "invalid registry host"},
      {"host:/a", "invalid registry host"},
      {"ghcr.io/a:", "invalid tag"},
      {"ghcr.io/a:.x", "invalid tag"},
      {"ghcr.io/a:" + std::string(129, 't'), "invalid tag"},
      {"ghcr.io/a:1+2", "invalid tag"},
      {"ghcr.io/a@sha256:abc", "digest must be sha256"},
      {"ghcr.io/a@md5:" + std::string(32, '0'), "digest must be sha256"},
      {"ghcr.io/a@" + std::string("sha256:") + std::string(64, 'A'), "digest must be sha256"},
      {"ghcr.io/" + std::string(260, 'a'), "longer than 255"},
  };
  for (const auto& [input, fragment] : bad) {
    EXPECT_THAT(ParseReference(input), StatusIs(ErrorCode::kInvalidRequest, HasSubstr(fragment)))
        << input;
  }
  (void)d;
}

TEST(ParseReferenceTest, TagAndDigestPredicates) {
  EXPECT_TRUE(IsValidTag("v1.2.3"));
  EXPECT_TRUE(IsValidTag("1.2.3_build.5"));
  EXPECT_FALSE(IsValidTag("-x"));
  EXPECT_FALSE(IsValidTag(""));
  EXPECT_TRUE(IsValidDigest(kDigest));
  EXPECT_FALSE(IsValidDigest("sha512:00"));
}

}  // namespace
}  // namespace aicr::oci
