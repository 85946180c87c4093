#include "attest/trusted_root.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/base64.h"
#include "serialize/json_reader.h"

namespace aicr::attest {
namespace {

namespace fs = std::filesystem;

constexpr char kEcKey[] =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8"
    "Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==";

std::string Root(const std::string& tlog_valid_for, const std::string& extra = "") {
  return R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  "tlogs":[{"baseUrl":"https://log.example","hashAlgorithm":"SHA2_256",
    "publicKey":{"rawBytes":")" +
         std::string(kEcKey) + R"(","keyDetails":"PKIX_ECDSA_P256_SHA_256")" + tlog_valid_for +
         R"(},
    "logId":{"keyId":"AAEC"}}],
  "certificateAuthorities":[{"uri":"https://ca.example","certChain":{"certificates":[
    {"rawBytes":"AQID"},{"rawBytes":"BAUG"}]},
    "validFor":{"start":"2021-03-07T03:20:29Z","end":"2022-12-31T23:59:59.999Z"}}])" +
         extra + "}";
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ValidityWindowTest, BoundsAreInclusiveAndOptional) {
  ValidityWindow w{100, 200};
  EXPECT_FALSE(w.Contains(99));
  EXPECT_TRUE(w.Contains(100));
  EXPECT_TRUE(w.Contains(200));
  EXPECT_FALSE(w.Contains(201));
  EXPECT_TRUE((ValidityWindow{100, std::nullopt}).Contains(1'000'000'000'000));
  EXPECT_TRUE((ValidityWindow{}).Contains(-5));
}

TEST(TrustedRootTest, ParsesLogsAndAuthorities) {
  Result<TrustedRoot> root =
      ParseTrustedRoot(Root(R"(,"validFor":{"start":"2021-01-12T11:53:27Z"})"));
  ASSERT_TRUE(root.ok()) << root.status().message();
  ASSERT_EQ(root->tlogs.size(), 1u);
  EXPECT_EQ(root->tlogs[0].base_url, "https://log.example");
  EXPECT_EQ(root->tlogs[0].log_id, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(root->tlogs[0].key.algorithm(), KeyAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(root->tlogs[0].valid.start_unix, 1610452407);
  EXPECT_FALSE(root->tlogs[0].valid.end_unix.has_value());
  ASSERT_EQ(root->cas.size(), 1u);
  EXPECT_EQ(root->cas[0].uri, "https://ca.example");
  EXPECT_EQ(root->cas[0].chain_der, (std::vector<std::string>{"\x01\x02\x03", "\x04\x05\x06"}));
  EXPECT_EQ(root->cas[0].valid.start_unix, 1615087229);
  EXPECT_EQ(root->cas[0].valid.end_unix, 1672531199);  // fraction truncated
  EXPECT_TRUE(root->ctlogs.empty());
  EXPECT_TRUE(root->tsas.empty());
}

TEST(TrustedRootTest, RejectsLogWithoutValidityStart) {
  for (const std::string& valid_for :
       {std::string(), std::string(R"(,"validFor":{})"),
        std::string(R"(,"validFor":{"end":"2030-01-01T00:00:00Z"})")}) {
    Result<TrustedRoot> root = ParseTrustedRoot(Root(valid_for));
    ASSERT_FALSE(root.ok()) << valid_for;
    EXPECT_EQ(root.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(root.status().message(), "trusted root: tlogs[0]: validFor.start is required");
  }
}

TEST(TrustedRootTest, SpecificRejections) {
  struct Case {
    std::string json;
    std::string message;
  };
  const Case cases[] = {
      {"{", "trusted root: malformed JSON"},
      {R"({"mediaType":"application/x-other"})",
       "trusted root: unknown media type \"application/x-other\""},
      {Root(R"(,"validFor":{"start":"2021-13-12T11:53:27Z"})"),
       "trusted root: tlogs[0]: invalid timestamp \"2021-13-12T11:53:27Z\""},
      {Root(R"(,"validFor":{"start":"2022-01-01T00:00:00Z","end":"2021-01-01T00:00:00Z"})"),
       "trusted root: tlogs[0]: validFor.end is before validFor.start"},
      {Root(R"(,"validFor":{"start":"2021-01-12T11:53:27Z"})",
            R"(,"timestampAuthorities":[{"certChain":{"certificates":[]}}])"),
       "trusted root: timestampAuthorities[0]: certChain.certificates is empty"},
      {Root(
           R"(,"validFor":{"start":"2021-01-12T11:53:27Z"})",
           R"(,"ctlogs":[{"publicKey":{"rawBytes":"!!","validFor":{"start":"2021-01-12T11:53:27Z"}},"logId":{"keyId":"AAEC"}}])"),
       "trusted root: ctlogs[0]: publicKey.rawBytes is not valid base64"},
  };
  for (const Case& c : cases) {
    Result<TrustedRoot> root = ParseTrustedRoot(c.json);
    ASSERT_FALSE(root.ok()) << c.json;
    EXPECT_EQ(root.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(root.status().message().rfind(c.message, 0), 0u) << root.status().message();
  }
}

TEST(TrustedRootTest, TimestampOffsetsAreApplied) {
  Result<TrustedRoot> root =
      ParseTrustedRoot(Root(R"(,"validFor":{"start":"2021-01-12T13:53:27.5+02:00"})"));
  ASSERT_TRUE(root.ok()) << root.status().message();
  EXPECT_EQ(root->tlogs[0].valid.start_unix, 1610452407);
}

TEST(TrustedRootTest, EmbeddedPublicGoodRootParses) {
  const TrustedRoot& root = PublicGoodTrustedRoot();
  EXPECT_GE(root.tlogs.size(), 1u);
  EXPECT_GE(root.ctlogs.size(), 1u);
  EXPECT_GE(root.cas.size(), 1u);
  for (const CertificateAuthority& ca : root.cas) {
    EXPECT_EQ(ca.uri, "https://fulcio.sigstore.dev");
    EXPECT_FALSE(ca.chain_der.empty());
  }
  EXPECT_EQ(&root, &PublicGoodTrustedRoot());
}

TEST(TrustedRootTest, MergeAppendsEveryList) {
  Result<TrustedRoot> a = ParseTrustedRoot(Root(R"(,"validFor":{"start":"2021-01-12T11:53:27Z"})"));
  ASSERT_TRUE(a.ok());
  const TrustedRoot merged = MergeTrustedRoots(PublicGoodTrustedRoot(), *a);
  EXPECT_EQ(merged.tlogs.size(), PublicGoodTrustedRoot().tlogs.size() + 1);
  EXPECT_EQ(merged.cas.size(), PublicGoodTrustedRoot().cas.size() + 1);
  EXPECT_EQ(merged.tlogs.back().base_url, "https://log.example");
  EXPECT_EQ(merged.ctlogs.size(), PublicGoodTrustedRoot().ctlogs.size());
}

// The embedded root is the one @sigstore/tuf ships in its TUF seeds, byte for byte.
TEST(TrustedRootTest, EmbeddedRootMatchesSigstoreTufSeeds) {
  const fs::path seeds = fs::path(AICR_SOURCE_DIR) / "tests" / "tools" / "node_modules" /
                         "@sigstore" / "tuf" / "seeds.json";
  if (!fs::is_regular_file(seeds)) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "@sigstore/tuf not installed (" << seeds << "); run scripts/install-tools.sh";
    }
    GTEST_SKIP() << "@sigstore/tuf not installed";
  }
  Result<serialize::Value> doc = serialize::ParseJson(ReadFile(seeds));
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  const serialize::Value* repo = doc->Find("https://tuf-repo-cdn.sigstore.dev");
  ASSERT_NE(repo, nullptr);
  const serialize::Value* targets = repo->Find("targets");
  ASSERT_NE(targets, nullptr);
  const serialize::Value* target = targets->Find("trusted_root.json");
  ASSERT_NE(target, nullptr);
  ASSERT_TRUE(target->is_string());
  Result<std::string> json = DecodeBase64(*target->if_string());
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, PublicGoodTrustedRootJson());
}

}  // namespace
}  // namespace aicr::attest
