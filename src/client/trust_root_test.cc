#include "client/trust_root.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "base/temp_dir.h"

namespace aicr::client {
namespace {

using ::testing::HasSubstr;

class TrustRootFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TempDir> dir = TempDir::Create("aicr-trust-root-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(dir).value());
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_->path() + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::optional<TempDir> dir_;
};

TEST_F(TrustRootFileTest, PublicGoodPlusAddsTheFileToTheEmbeddedRoot) {
  const attest::TrustedRoot& embedded = attest::PublicGoodTrustedRoot();
  Result<attest::TrustedRoot> only = PublicGoodPlus("", "--trust-root");
  ASSERT_TRUE(only.ok()) << only.status().message();
  EXPECT_EQ(only->cas.size(), embedded.cas.size());
  EXPECT_EQ(only->tlogs.size(), embedded.tlogs.size());

  const std::string path = Write("root.json", std::string(attest::PublicGoodTrustedRootJson()));
  Result<attest::TrustedRoot> loaded = LoadTrustedRootFile(path, "--trusted-root");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->cas.size(), embedded.cas.size());
  Result<attest::TrustedRoot> merged = PublicGoodPlus(path, "--trust-root");
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_GE(merged->cas.size(), embedded.cas.size());
  EXPECT_GE(merged->tlogs.size(), embedded.tlogs.size());
}

TEST_F(TrustRootFileTest, BadFilesAreRefusedNamingTheFlagAndPath) {
  EXPECT_EQ(LoadTrustedRootFile(dir_->path() + "/missing.json", "--trust-root").status().code(),
            ErrorCode::kNotFound);

  const std::string not_json = Write("a.json", "{ not json");
  Result<attest::TrustedRoot> r = LoadTrustedRootFile(not_json, "--trust-root");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("--trust-root \"" + not_json + "\": not valid JSON"));

  const std::string wrong_type = Write("b.json", R"({"mediaType": "text/plain", "tlogs": []})");
  r = PublicGoodPlus(wrong_type, "--trust-root");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("not a Sigstore trusted root"));

  const std::string malformed = Write(
      "c.json",
      R"({"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": 7})");
  r = LoadTrustedRootFile(malformed, "--trusted-root");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(r.status().message(), HasSubstr("--trusted-root \"" + malformed + "\": "));
}

}  // namespace
}  // namespace aicr::client
