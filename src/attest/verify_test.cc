#include "attest/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "attest/statement.h"
#include "attest/test_keys.h"
#include "checksum/sha256.h"

namespace aicr::attest {
namespace {

using ::aicr::attest::testing::GeneratePrivateKeyPem;
using ::aicr::attest::testing::TestKey;

std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

class VerifyTest : public ::testing::TestWithParam<TestKey> {
 protected:
  void SetUp() override {
    key_ = NewKey();
    const std::string checksums = "0000  a.yaml\n";
    artifact_.bytes = checksums;
    BundleProvenance p;
    p.builder_id = "test";
    Result<std::string> statement =
        MarshalBundleStatement(Subject{"checksums.txt", checksum::Sha256Hex(checksums)}, p);
    ASSERT_TRUE(statement.ok());
    statement_ = *statement;
    Result<SigstoreBundle> bundle = SignDsseBundle(*key_, kInTotoPayloadType, statement_);
    ASSERT_TRUE(bundle.ok());
    bundle_ = *bundle;
  }

  PrivateKey NewKey() {
    Result<PrivateKey> key = PrivateKey::FromPem(GeneratePrivateKeyPem(GetParam()), "k");
    EXPECT_TRUE(key.ok());
    return *key;
  }

  std::optional<PrivateKey> key_;
  Artifact artifact_;
  std::string statement_;
  SigstoreBundle bundle_;
};

TEST_P(VerifyTest, SignedBundleVerifies) {
  VerifyOutcome out = VerifyWithKey(bundle_, key_->public_key(), artifact_);
  EXPECT_TRUE(out.verified) << out.reason;
  EXPECT_EQ(out.signer, key_->public_key().Hint());
  ASSERT_TRUE(out.envelope.has_value());
  EXPECT_EQ(out.envelope->payload, statement_);

  Artifact by_digest;
  by_digest.sha256_hex = checksum::Sha256Hex(*artifact_.bytes);
  EXPECT_TRUE(VerifyWithKey(bundle_, key_->public_key(), by_digest).verified);

  // A parse of the marshalled bundle verifies as well.
  Result<std::string> json = MarshalSigstoreBundle(bundle_);
  ASSERT_TRUE(json.ok());
  Result<SigstoreBundle> parsed = ParseSigstoreBundle(*json);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(VerifyWithKey(*parsed, key_->public_key(), artifact_).verified);
}

TEST_P(VerifyTest, TamperedPayloadIsRejected) {
  SigstoreBundle tampered = bundle_;
  const auto pos = tampered.dsse->payload.find("\"test\"");
  ASSERT_NE(pos, std::string::npos);
  tampered.dsse->payload.replace(pos, 6, "\"evil\"");
  VerifyOutcome out = VerifyWithKey(tampered, key_->public_key(), artifact_);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kSignature);
  EXPECT_EQ(out.reason, "dsse signature does not verify with the given key");
}

TEST_P(VerifyTest, TamperedSignatureIsRejected) {
  SigstoreBundle tampered = bundle_;
  std::string& sig = tampered.dsse->signatures[0].sig;
  sig[sig.size() - 3] = static_cast<char>(sig[sig.size() - 3] ^ 0x10);
  VerifyOutcome out = VerifyWithKey(tampered, key_->public_key(), artifact_);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kSignature);
}

TEST_P(VerifyTest, TamperedSubjectIsRejected) {
  // The payload's subject is changed: the signature no longer covers it.
  SigstoreBundle tampered = bundle_;
  const std::string original = checksum::Sha256Hex(*artifact_.bytes);
  const auto pos = tampered.dsse->payload.find(original);
  ASSERT_NE(pos, std::string::npos);
  tampered.dsse->payload.replace(pos, 64, checksum::Sha256Hex("other"));
  VerifyOutcome out = VerifyWithKey(tampered, key_->public_key(), Artifact{"other", {}});
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kSignature);

  // A valid signature over a statement about another artifact.
  Artifact other;
  other.bytes = "1111  a.yaml\n";
  VerifyOutcome mismatch = VerifyWithKey(bundle_, key_->public_key(), other);
  EXPECT_FALSE(mismatch.verified);
  EXPECT_EQ(mismatch.failed_step, VerifyStep::kArtifact);
  EXPECT_EQ(mismatch.reason,
            "no statement subject has the artifact sha256 " + checksum::Sha256Hex(*other.bytes));
}

TEST_P(VerifyTest, WrongKeyIsRejected) {
  VerifyOutcome out = VerifyWithKey(bundle_, NewKey().public_key(), artifact_);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kSignature);
  EXPECT_EQ(StepName(out.failed_step), "signature");
}

TEST_P(VerifyTest, HintMismatchIsNotFatal) {
  SigstoreBundle other_hint = bundle_;
  other_hint.material.public_key_hint = "bm90IHRoaXMga2V5";
  EXPECT_TRUE(VerifyWithKey(other_hint, key_->public_key(), artifact_).verified);
  other_hint.material.public_key_hint = "";
  EXPECT_TRUE(VerifyWithKey(other_hint, key_->public_key(), artifact_).verified);
}

TEST_P(VerifyTest, CertificateOnlyBundleIsUnsupported) {
  SigstoreBundle cert = bundle_;
  cert.material.public_key_hint.reset();
  cert.material.certificate_chain_der = {"der"};
  VerifyOutcome out = VerifyWithKey(cert, key_->public_key(), artifact_);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kCertificate);
  EXPECT_EQ(out.reason, "bundle is signed with a certificate (keyless), not a key; verify it without --key");
}

TEST_P(VerifyTest, MissingOrBadArtifact) {
  VerifyOutcome none = VerifyWithKey(bundle_, key_->public_key(), Artifact{});
  EXPECT_FALSE(none.verified);
  EXPECT_EQ(none.failed_step, VerifyStep::kArtifact);
  EXPECT_EQ(none.reason, "no artifact given to match the statement subjects");

  Artifact bad;
  bad.sha256_hex = "xyz";
  VerifyOutcome bad_out = VerifyWithKey(bundle_, key_->public_key(), bad);
  EXPECT_FALSE(bad_out.verified);
  EXPECT_EQ(bad_out.failed_step, VerifyStep::kArtifact);

  Artifact inconsistent = artifact_;
  inconsistent.sha256_hex = checksum::Sha256Hex("something else");
  EXPECT_FALSE(VerifyWithKey(bundle_, key_->public_key(), inconsistent).verified);

  // Upper-case hex is accepted.
  Artifact upper;
  std::string hex = checksum::Sha256Hex(*artifact_.bytes);
  for (char& c : hex) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  upper.sha256_hex = hex;
  EXPECT_TRUE(VerifyWithKey(bundle_, key_->public_key(), upper).verified);
}

TEST_P(VerifyTest, NonInTotoPayloadIsBoundToTheArtifact) {
  Result<SigstoreBundle> raw = SignDsseBundle(*key_, "text/plain", "hello");
  ASSERT_TRUE(raw.ok());
  EXPECT_TRUE(VerifyWithKey(*raw, key_->public_key(), Artifact{"hello", {}}).verified);
  EXPECT_TRUE(VerifyWithKey(*raw, key_->public_key(), Artifact{}).verified);
  VerifyOutcome out = VerifyWithKey(*raw, key_->public_key(), Artifact{"bye", {}});
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kArtifact);
}

TEST_P(VerifyTest, InvalidInTotoPayload) {
  Result<SigstoreBundle> bad = SignDsseBundle(*key_, kInTotoPayloadType, "{\"_type\":\"x\"}");
  ASSERT_TRUE(bad.ok());
  VerifyOutcome out = VerifyWithKey(*bad, key_->public_key(), artifact_);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kArtifact);
  EXPECT_THAT(out.reason, ::testing::StartsWith("in-toto payload: statement: unsupported _type"));
}

TEST_P(VerifyTest, MessageSignature) {
  const std::string artifact = "artifact contents\n";
  Result<std::string> sig = key_->Sign(artifact);
  ASSERT_TRUE(sig.ok());
  SigstoreBundle bundle;
  bundle.media_type = std::string(kBundleMediaTypeV03);
  bundle.material.public_key_hint = key_->public_key().Hint();
  bundle.message_signature =
      MessageSignature{"SHA2_256", HexToBytes(checksum::Sha256Hex(artifact)), *sig};
  VerifyOutcome ok = VerifyWithKey(bundle, key_->public_key(), Artifact{artifact, {}});
  EXPECT_TRUE(ok.verified) << ok.reason;
  EXPECT_FALSE(ok.envelope.has_value());

  VerifyOutcome other = VerifyWithKey(bundle, key_->public_key(), Artifact{"different", {}});
  EXPECT_FALSE(other.verified);
  EXPECT_EQ(other.failed_step, VerifyStep::kArtifact);
  EXPECT_THAT(other.reason, ::testing::StartsWith("message digest does not match the artifact"));

  SigstoreBundle bad_sig = bundle;
  bad_sig.message_signature->signature[4] =
      static_cast<char>(bad_sig.message_signature->signature[4] ^ 1);
  VerifyOutcome bad = VerifyWithKey(bad_sig, key_->public_key(), Artifact{artifact, {}});
  EXPECT_FALSE(bad.verified);
  EXPECT_EQ(bad.failed_step, VerifyStep::kSignature);
  EXPECT_EQ(bad.reason, "message signature does not verify with the given key");

  VerifyOutcome wrong = VerifyWithKey(bundle, NewKey().public_key(), Artifact{artifact, {}});
  EXPECT_FALSE(wrong.verified);
  EXPECT_EQ(wrong.failed_step, VerifyStep::kSignature);

  SigstoreBundle bad_alg = bundle;
  bad_alg.message_signature->digest_algorithm = "SHA2_512";
  VerifyOutcome alg = VerifyWithKey(bad_alg, key_->public_key(), Artifact{artifact, {}});
  EXPECT_FALSE(alg.verified);
  EXPECT_EQ(alg.reason, "unsupported message digest algorithm \"SHA2_512\"");

  Artifact digest_only;
  digest_only.sha256_hex = checksum::Sha256Hex(artifact);
  VerifyOutcome by_digest = VerifyWithKey(bundle, key_->public_key(), digest_only);
  if (GetParam() == TestKey::kEd25519) {
    EXPECT_FALSE(by_digest.verified);
    EXPECT_EQ(by_digest.failed_step, VerifyStep::kSignature);
  } else {
    EXPECT_TRUE(by_digest.verified) << by_digest.reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, VerifyTest,
                         ::testing::Values(TestKey::kEcP256Pkcs8, TestKey::kEd25519));

TEST(StepNameTest, AllSteps) {
  EXPECT_EQ(StepName(VerifyStep::kBundle), "bundle");
  EXPECT_EQ(StepName(VerifyStep::kKey), "key");
  EXPECT_EQ(StepName(VerifyStep::kCertificate), "certificate");
  EXPECT_EQ(StepName(VerifyStep::kSct), "sct");
  EXPECT_EQ(StepName(VerifyStep::kTlog), "tlog");
  EXPECT_EQ(StepName(VerifyStep::kTimestamp), "timestamp");
  EXPECT_EQ(StepName(VerifyStep::kSignature), "signature");
  EXPECT_EQ(StepName(VerifyStep::kIdentity), "identity");
  EXPECT_EQ(StepName(VerifyStep::kArtifact), "artifact");
}

}  // namespace
}  // namespace aicr::attest
