// Transparency-log entries and timestamps against the public Sigstore conformance cases: every
// case this layer decides is accepted, or rejected with its category (tlog / timestamp) and a
// specific reason; plus hand-made variations (future integrated time, unknown log, kind mismatch).

#include "attest/tlog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "attest/checkpoint.h"
#include "attest/tlog_test_util.h"
#include "base/base64.h"

namespace aicr::attest {
namespace {

using ::aicr::attest::testing::ConformanceCase;
using ::aicr::attest::testing::LoadConformanceCase;
using ::testing::HasSubstr;
using ::testing::StartsWith;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

std::unique_ptr<ConformanceCase> Load(const std::string& name) {
  Result<std::unique_ptr<ConformanceCase>> c = LoadConformanceCase(name);
  EXPECT_TRUE(c.ok()) << name << ": " << c.status().message();
  return c.ok() ? std::move(*c) : nullptr;
}

struct Expectation {
  const char* name;
  // "" = accepted by this layer; otherwise the exact prefix (category) and a reason fragment.
  const char* category;
  const char* reason;
};

// Cases whose outcome this layer decides, plus failing cases that another layer rejects but whose
// log entries and timestamps are sound (accepted here).
constexpr Expectation kExpectations[] = {
    {"happy-path-v0.1", "", ""},
    {"happy-path-v0.2", "", ""},
    {"happy-path-v0.3", "", ""},
    {"happy-path-v0.3-new-mediaType", "", ""},
    {"happy-path-intoto-in-dsse-v3", "", ""},
    {"intoto-with-custom-trust-root", "", ""},
    {"managed-key-happy-path", "", ""},
    {"managed-key-and-trusted-root", "", ""},
    {"bundle-with-sct-with-extensions", "", ""},
    {"trust-root-tlog-validity-end-inclusive", "", ""},
    {"trust-root-tsa-validity-end-inclusive", "", ""},
    {"rekor2-happy-path", "", ""},
    {"rekor2-dsse-happy-path", "", ""},
    {"rekor2-checkpoint-cosigned", "", ""},
    {"rekor2-checkpoint-multiple-cosigs", "", ""},
    {"rekor2-checkpoint-origin-not-first", "", ""},
    {"rekor2-checkpoint-two-sigs-cosigned", "", ""},
    {"rekor2-checkpoint-two-sigs-from-origin", "", ""},
    {"rekor2-timestamp-with-embedded-cert", "", ""},
    {"rekor2-timestamp-without-embedded-cert", "", ""},
    {"rekor2-timestamp-with-expired-cert-chain", "", ""},
    // Rejected elsewhere (root certificate in the chain, SCT key, digest hint).
    {"bundle-with-root-cert_fail", "", ""},
    {"invalid-ct-key_fail", "", ""},
    {"message-digest-mismatch_fail", "", ""},
    // Transparency log.
    {"bundle-from-wrong-instance_fail", "tlog: ", "is not a transparency log of the trusted root"},
    {"checkpoint-bad-keyhint_fail", "tlog: ", "no signature line matches the log key"},
    {"checkpoint-wrong-roothash_fail", "tlog: ", "checkpoint root hash does not match"},
    {"invalid-checkpoint-signature_fail", "tlog: ", "does not verify"},
    {"inclusion-proof-corrupted-hash_fail",
     "tlog: ", "inclusion proof: merkle: computed root hash"},
    {"invalid-inclusion-proof_fail", "tlog: ", "inclusion proof: merkle: computed root hash"},
    {"set-invalid-signature_fail", "tlog: ", "signed entry timestamp does not verify"},
    {"incorrect-public-key_fail", "tlog: ", "signed entry timestamp does not verify"},
    {"integrated-time-in-future_fail", "tlog: ", "outside the signing certificate validity"},
    {"intoto-expired-certificate_fail", "tlog: ", "outside the signing certificate validity"},
    {"intoto-set-outside-signing-cert-validity_fail",
     "tlog: ", "outside the signing certificate validity"},
    {"intoto-missing-inclusion-proof_fail", "tlog: ", "entry has no inclusion proof"},
    {"intoto-log-entry-mismatch_fail", "tlog: ", "intoto entry signatures do not include"},
    {"dsse-invalid-sig_fail", "tlog: ", "dsse entry signatures do not include"},
    {"dsse-mismatch-sig_fail", "tlog: ", "dsse entry signatures do not include"},
    {"dsse-mismatch-envelope_fail", "tlog: ", "dsse payload hash in the entry does not match"},
    {"managed-key-no-key_fail", "tlog: ", "names a public key but the bundle has a certificate"},
    {"signature-mismatch_fail", "tlog: ", "entry signature does not match the bundle signature"},
    {"wrong-hashedrekord-artifact_fail", "tlog: ", "digest does not match the artifact digest"},
    {"wrong-hashedrekord-entry_fail", "tlog: ", "digest does not match the artifact digest"},
    {"wrong-material_fail", "tlog: ", "digest does not match the artifact digest"},
    {"wrong-hashedrekord-cert-and-sig_fail", "tlog: ", "entry signature does not match"},
    {"rekor2-checkpoint-missing-log-signature_fail", "tlog: ", "checkpoint: no signature lines"},
    {"rekor2-checkpoint-missing-origin_fail", "tlog: ", "checkpoint: missing origin line"},
    {"rekor2-checkpoint-missing-root-hash_fail", "tlog: ", "checkpoint: missing root hash line"},
    {"rekor2-checkpoint-missing-size_fail", "tlog: ", "checkpoint: missing tree size line"},
    {"rekor2-checkpoint-no-matching-signature_fail", "tlog: ", "checkpoint origin"},
    {"rekor2-no-inclusion-proof_fail", "tlog: ", "Rekor v2 entry has no inclusion proof"},
    {"rekor2-dsse-invalid-sig_fail", "tlog: ", "entry signature does not match"},
    {"rekor2-dsse-mismatch-sig_fail", "tlog: ", "entry signature does not match"},
    {"rekor2-dsse-mismatch-envelope_fail", "tlog: ", "digest does not match the DSSE envelope"},
    // Timestamps.
    {"rekor2-no-timestamp_fail", "timestamp: ", "so an RFC 3161 timestamp is required"},
    {"rekor2-timestamp-payload-mismatch_fail", "timestamp: ", "message imprint does not match"},
    {"rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
     "timestamp: ", "not signed by a trusted timestamp authority"},
    {"rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
     "timestamp: ", "not signed by a trusted timestamp authority"},
    {"rekor2-timestamp-outside-tsa-cert-validity_fail",
     "timestamp: ", "not signed by a trusted timestamp authority"},
    {"rekor2-timestamp-outside-trust-root-tsa-validity_fail",
     "timestamp: ", "outside the validity of timestamp authority"},
    {"rekor2-timestamp-with-incorrect-time_fail",
     "timestamp: ", "outside the signing certificate validity"},
    {"intoto-tsa-timestamp-outside-cert-validity_fail",
     "timestamp: ", "outside the signing certificate validity"},
};

TEST(TlogConformanceTest, EachCaseIsAcceptedOrRejectedWithItsCategory) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  for (const Expectation& e : kExpectations) {
    SCOPED_TRACE(e.name);
    auto c = Load(e.name);
    ASSERT_NE(c, nullptr);
    Result<SigningTimes> r = VerifyTlogAndTimestamps(c->bundle, c->root, c->ctx, Now());
    if (std::string(e.category).empty()) {
      EXPECT_TRUE(r.ok()) << r.status().message();
      continue;
    }
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_THAT(r.status().message(), StartsWith(e.category));
    EXPECT_THAT(r.status().message(), HasSubstr(e.reason));
  }
}

TEST(TlogConformanceTest, SigningTimesComeFromIntegratedTimeOrTimestamps) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto v1 = Load("happy-path-v0.3");
  ASSERT_NE(v1, nullptr);
  Result<SigningTimes> t1 = VerifyTlogAndTimestamps(v1->bundle, v1->root, v1->ctx, Now());
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(t1->integrated_times, std::vector<int64_t>{1710869186});
  EXPECT_TRUE(t1->timestamps.empty());
  auto v2 = Load("rekor2-happy-path");
  ASSERT_NE(v2, nullptr);
  Result<SigningTimes> t2 = VerifyTlogAndTimestamps(v2->bundle, v2->root, v2->ctx, Now());
  ASSERT_TRUE(t2.ok());
  EXPECT_TRUE(t2->integrated_times.empty());
  EXPECT_EQ(t2->timestamps, std::vector<int64_t>{1749729740});
}

const serialize::Value& FirstEntry(const ConformanceCase& c) {
  return (*c.bundle.material.tlog_entries.if_sequence())[0];
}

TEST(TlogEntryTest, IntegratedTimeAfterNowIsInTheFuture) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("happy-path-v0.3");
  ASSERT_NE(c, nullptr);
  int64_t t = 0;
  ASSERT_TRUE(VerifyTlogEntry(FirstEntry(*c), c->root, c->ctx, Now(), &t).ok());
  EXPECT_EQ(t, 1710869186);
  Status s = VerifyTlogEntry(FirstEntry(*c), c->root, c->ctx, t - 1, nullptr);
  EXPECT_EQ(s.message(), "tlog: integrated time 2024-03-19T17:26:26Z is in the future");
}

TEST(TlogEntryTest, LogMustBeTrustedAndValidAtIntegratedTime) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("happy-path-v0.3");
  ASSERT_NE(c, nullptr);
  TrustedRoot no_logs = c->root;
  no_logs.tlogs.clear();
  EXPECT_THAT(VerifyTlogEntry(FirstEntry(*c), no_logs, c->ctx, Now(), nullptr).message(),
              HasSubstr("is not a transparency log of the trusted root"));
  TrustedRoot expired = c->root;
  for (TransparencyLogKey& t : expired.tlogs) {
    t.valid.end_unix = 1710869186 - 1;
  }
  EXPECT_THAT(VerifyTlogEntry(FirstEntry(*c), expired, c->ctx, Now(), nullptr).message(),
              HasSubstr("is outside the validity of log"));
}

TEST(TlogEntryTest, KindVersionMustMatchTheBody) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("happy-path-v0.3");
  ASSERT_NE(c, nullptr);
  serialize::Value entry = FirstEntry(*c);
  entry.Find("kindVersion")->Find("kind")->operator=(serialize::Value("intoto"));
  EXPECT_THAT(VerifyTlogEntry(entry, c->root, c->ctx, Now(), nullptr).message(),
              HasSubstr("kind/version does not match kindVersion intoto/0.0.1"));
  serialize::Value missing = FirstEntry(*c);
  ASSERT_TRUE(missing.if_mapping()->Erase("canonicalizedBody"));
  EXPECT_EQ(VerifyTlogEntry(missing, c->root, c->ctx, Now(), nullptr).message(),
            "tlog: missing canonicalizedBody");
  EXPECT_EQ(VerifyTlogEntry(serialize::Value("x"), c->root, c->ctx, Now(), nullptr).message(),
            "tlog: entry is not an object");
}

TEST(TlogEntryTest, V01BundleNeedsSignedEntryTimestamp) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("happy-path-v0.1");
  ASSERT_NE(c, nullptr);
  serialize::Value entry = FirstEntry(*c);
  ASSERT_TRUE(entry.if_mapping()->Erase("inclusionPromise"));
  EXPECT_EQ(VerifyTlogEntry(entry, c->root, c->ctx, Now(), nullptr).message(),
            "tlog: v0.1 bundle entry has no signed entry timestamp");
}

TEST(TlogEntryTest, V2CheckpointOriginMustBeTheLogHost) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("rekor2-happy-path");
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(VerifyTlogEntry(FirstEntry(*c), c->root, c->ctx, Now(), nullptr).ok());
  TrustedRoot moved = c->root;
  for (TransparencyLogKey& t : moved.tlogs) {
    t.base_url = "https://elsewhere.example";
  }
  EXPECT_THAT(VerifyTlogEntry(FirstEntry(*c), moved, c->ctx, Now(), nullptr).message(),
              HasSubstr("is not the log \"https://elsewhere.example\""));
}

TEST(TlogEntryTest, SignedNoteHintOfEd25519LogIsItsLogIdPrefix) {
  AICR_REQUIRE_TLOG_CONFORMANCE_CASES();
  auto c = Load("rekor2-happy-path");
  ASSERT_NE(c, nullptr);
  int checked = 0;
  for (const TransparencyLogKey& t : c->root.tlogs) {
    if (t.key.algorithm() != KeyAlgorithm::kEd25519) {
      continue;
    }
    const std::string host = t.base_url.substr(t.base_url.find("://") + 3);
    EXPECT_EQ(CheckpointKeyHint(t.key, host, CheckpointKeyRule::kSignedNote), t.log_id.substr(0, 4))
        << t.base_url;
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

}  // namespace
}  // namespace aicr::attest
