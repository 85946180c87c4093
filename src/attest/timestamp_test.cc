// RFC 3161 timestamps from the public conformance cases (TSA chain, validity, message imprint).

#include "attest/timestamp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "attest/tlog_test_util.h"
#include "base/base64.h"

namespace aicr::attest {
namespace {

using ::aicr::attest::testing::ConformanceCase;
using ::aicr::attest::testing::LoadConformanceCase;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::unique_ptr<ConformanceCase> Load(const std::string& name) {
  Result<std::unique_ptr<ConformanceCase>> c = LoadConformanceCase(name);
  EXPECT_TRUE(c.ok()) << name << ": " << c.status().message();
  return c.ok() ? std::move(*c) : nullptr;
}

std::string FirstTimestampDer(const ConformanceCase& c) {
  const serialize::Value* v =
      c.bundle.material.timestamp_verification_data.FindPath("rfc3161Timestamps.0.signedTimestamp");
  EXPECT_NE(v, nullptr);
  Result<std::string> der = DecodeBase64(v != nullptr ? *v->if_string() : "");
  EXPECT_TRUE(der.ok());
  return der.ok() ? *der : "";
}

TEST(TimestampTest, FormatsUnixTime) {
  EXPECT_EQ(FormatUnixTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUnixTime(1749729740), "2025-06-12T12:02:20Z");
}

TEST(TimestampTest, ValidTimestampReturnsGenerationTime) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("rekor2-happy-path");
  ASSERT_NE(c, nullptr);
  Result<int64_t> t = VerifyRfc3161Timestamp(FirstTimestampDer(*c), c->ctx.signature, c->root);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(FormatUnixTime(*t), "2025-06-12T12:02:20Z");
  Result<std::vector<int64_t>> all = VerifyBundleTimestamps(
      c->bundle.material.timestamp_verification_data, c->ctx.signature, c->root);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, std::vector<int64_t>{*t});
}

TEST(TimestampTest, ChainExpiredAfterTheTimestampStillVerifies) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  for (const char* name :
       {"rekor2-timestamp-with-expired-cert-chain", "rekor2-timestamp-without-embedded-cert",
        "rekor2-timestamp-with-embedded-cert"}) {
    auto c = Load(name);
    ASSERT_NE(c, nullptr);
    Result<int64_t> t = VerifyRfc3161Timestamp(FirstTimestampDer(*c), c->ctx.signature, c->root);
    EXPECT_TRUE(t.ok()) << name << ": " << t.status().message();
  }
}

TEST(TimestampTest, ImprintMustMatchTheSignature) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("rekor2-happy-path");
  ASSERT_NE(c, nullptr);
  Result<int64_t> t = VerifyRfc3161Timestamp(FirstTimestampDer(*c), "other bytes", c->root);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "timestamp: message imprint does not match the signature");
  auto mismatch = Load("rekor2-timestamp-payload-mismatch_fail");
  ASSERT_NE(mismatch, nullptr);
  EXPECT_THAT(
      VerifyRfc3161Timestamp(FirstTimestampDer(*mismatch), mismatch->ctx.signature, mismatch->root)
          .status()
          .message(),
      HasSubstr("message imprint does not match"));
}

TEST(TimestampTest, UntrustedOrOutOfWindowAuthoritiesAreRejected) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  const struct {
    const char* name;
    const char* reason;
  } cases[] = {
      {"rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
       "not signed by a trusted timestamp authority"},
      {"rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
       "not signed by a trusted timestamp authority"},
      {"rekor2-timestamp-outside-tsa-cert-validity_fail",
       "not signed by a trusted timestamp authority"},
      {"rekor2-timestamp-outside-trust-root-tsa-validity_fail", "is outside the validity of"},
  };
  for (const auto& tc : cases) {
    auto c = Load(tc.name);
    ASSERT_NE(c, nullptr);
    Result<int64_t> t = VerifyRfc3161Timestamp(FirstTimestampDer(*c), c->ctx.signature, c->root);
    ASSERT_FALSE(t.ok()) << tc.name;
    EXPECT_EQ(t.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_THAT(t.status().message(), StartsWith("timestamp: ")) << tc.name;
    EXPECT_THAT(t.status().message(), HasSubstr(tc.reason)) << tc.name;
  }
}

TEST(TimestampTest, NoAuthoritiesInTheRootRejects) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("rekor2-happy-path");
  ASSERT_NE(c, nullptr);
  TrustedRoot empty;
  EXPECT_THAT(
      VerifyRfc3161Timestamp(FirstTimestampDer(*c), c->ctx.signature, empty).status().message(),
      HasSubstr("trusted root has no timestamp authorities"));
}

TEST(TimestampTest, MalformedInputIsRejected) {
  TrustedRoot root;
  EXPECT_EQ(VerifyRfc3161Timestamp("", "x", root).status().message(),
            "timestamp: empty signed timestamp");
  EXPECT_EQ(VerifyRfc3161Timestamp("\x30\x03\x02\x01\x00", "x", root).status().message(),
            "timestamp: not a valid RFC 3161 response");
  serialize::Value bad = serialize::Value::EmptyMapping();
  ASSERT_TRUE(bad.Insert("rfc3161Timestamps", "x").ok());
  EXPECT_THAT(VerifyBundleTimestamps(bad, "x", root).status().message(), HasSubstr("not a list"));
  Result<std::vector<int64_t>> none = VerifyBundleTimestamps(serialize::Value(), "x", root);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(CertificateValidity("not der").ok());
}

}  // namespace
}  // namespace aicr::attest
