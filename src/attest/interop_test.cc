// Interoperability with an independent Sigstore implementation: the pinned npm packages
// @sigstore/verify and @sigstore/bundle (tests/tools/sigstore-verify.mjs and
// tests/tools/sigstore-sign.mjs) verify what we sign and sign what we verify.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "attest/sigstore_bundle.h"
#include "attest/statement.h"
#include "attest/test_keys.h"
#include "attest/verify.h"
#include "checksum/sha256.h"
#include "tests/testing/sigstore_node.h"

namespace aicr::attest {
namespace {

using ::aicr::attest::testing::GeneratePrivateKeyPem;
using ::aicr::attest::testing::MakeTempDir;
using ::aicr::attest::testing::ReadFile;
using ::aicr::attest::testing::RemoveTree;
using ::aicr::attest::testing::TestKey;
using ::aicr::attest::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using ::aicr::testing::NodeRun;

NodeRun RunNode(const std::string& script, const std::vector<std::string>& args) {
  return ::aicr::testing::RunSigstoreNodeScript(script, args);
}

class InteropTest : public ::testing::TestWithParam<TestKey> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    private_pem_ = GeneratePrivateKeyPem(GetParam());
    Result<PrivateKey> key = PrivateKey::FromPem(private_pem_, "test key");
    ASSERT_TRUE(key.ok());
    key_ = *key;
    WriteFile(dir_ + "/key.pem", private_pem_);
    WriteFile(dir_ + "/key.pub", key_->public_key().Pem());
    artifact_ = "0123abcd  deploy.sh\nfeedbeef  recipe.yaml\n";
    WriteFile(dir_ + "/checksums.txt", artifact_);
    BundleProvenance p;
    p.recipe = "service=eks, accelerator=h100";
    p.recipe_source = "embedded";
    p.builder_id = "interop-test";
    Result<std::string> statement =
        MarshalBundleStatement(Subject{"checksums.txt", checksum::Sha256Hex(artifact_)}, p);
    ASSERT_TRUE(statement.ok());
    statement_ = *statement;
  }
  void TearDown() override { RemoveTree(dir_); }

  // Writes `bundle` and runs the node verifier on it against checksums.txt.
  NodeRun NodeVerify(const SigstoreBundle& bundle, const std::string& key_file = "key.pub") {
    Result<std::string> json = MarshalSigstoreBundle(bundle);
    EXPECT_TRUE(json.ok()) << json.status().ToString();
    WriteFile(dir_ + "/bundle.sigstore.json", *json);
    return RunNode("sigstore-verify.mjs",
                   {"--bundle", dir_ + "/bundle.sigstore.json", "--key", dir_ + "/" + key_file,
                    "--artifact", dir_ + "/checksums.txt"});
  }

  SigstoreBundle Signed() {
    Result<SigstoreBundle> bundle = SignDsseBundle(*key_, kInTotoPayloadType, statement_);
    EXPECT_TRUE(bundle.ok());
    return *bundle;
  }

  std::string dir_;
  std::string private_pem_;
  std::optional<PrivateKey> key_;
  std::string artifact_;
  std::string statement_;
};

TEST_P(InteropTest, NodeVerifiesOurBundle) {
  AICR_REQUIRE_SIGSTORE_NODE();
  NodeRun run = NodeVerify(Signed());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out, "verified: " + key_->public_key().Hint() + "\n");
}

TEST_P(InteropTest, TamperedPayloadIsRejectedByNodeAndUs) {
  AICR_REQUIRE_SIGSTORE_NODE();
  SigstoreBundle bundle = Signed();
  const auto pos = bundle.dsse->payload.find("interop-test");
  ASSERT_NE(pos, std::string::npos);
  bundle.dsse->payload.replace(pos, 12, "attacker-id!");
  NodeRun run = NodeVerify(bundle);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, StartsWith("rejected: "));

  Result<SigstoreBundle> parsed = ParseSigstoreBundle(ReadFile(dir_ + "/bundle.sigstore.json"));
  ASSERT_TRUE(parsed.ok());
  VerifyOutcome ours = VerifyWithKey(*parsed, key_->public_key(), Artifact{artifact_, {}});
  EXPECT_FALSE(ours.verified);
  EXPECT_EQ(ours.failed_step, VerifyStep::kSignature);
}

TEST_P(InteropTest, TamperedSignatureIsRejectedByNodeAndUs) {
  AICR_REQUIRE_SIGSTORE_NODE();
  SigstoreBundle bundle = Signed();
  std::string& sig = bundle.dsse->signatures[0].sig;
  sig[sig.size() - 2] = static_cast<char>(sig[sig.size() - 2] ^ 0x08);
  NodeRun run = NodeVerify(bundle);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, StartsWith("rejected: "));

  Result<SigstoreBundle> parsed = ParseSigstoreBundle(ReadFile(dir_ + "/bundle.sigstore.json"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(VerifyWithKey(*parsed, key_->public_key(), Artifact{artifact_, {}}).verified);
}

TEST_P(InteropTest, OtherArtifactIsRejectedByNodeAndUs) {
  AICR_REQUIRE_SIGSTORE_NODE();
  const SigstoreBundle bundle = Signed();
  WriteFile(dir_ + "/checksums.txt", artifact_ + "00  extra\n");
  NodeRun run = NodeVerify(bundle);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("no statement subject has the artifact sha256"));
  VerifyOutcome ours =
      VerifyWithKey(bundle, key_->public_key(), Artifact{artifact_ + "00  extra\n", {}});
  EXPECT_FALSE(ours.verified);
  EXPECT_EQ(ours.failed_step, VerifyStep::kArtifact);
}

TEST_P(InteropTest, WrongKeyIsRejectedByNodeAndUs) {
  AICR_REQUIRE_SIGSTORE_NODE();
  Result<PrivateKey> other = PrivateKey::FromPem(GeneratePrivateKeyPem(GetParam()), "other");
  ASSERT_TRUE(other.ok());
  WriteFile(dir_ + "/other.pub", other->public_key().Pem());
  const SigstoreBundle bundle = Signed();
  NodeRun run = NodeVerify(bundle, "other.pub");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_FALSE(VerifyWithKey(bundle, other->public_key(), Artifact{artifact_, {}}).verified);
}

TEST_P(InteropTest, WeVerifyNodeSignedDsseBundle) {
  AICR_REQUIRE_SIGSTORE_NODE();
  WriteFile(dir_ + "/statement.json", statement_);
  NodeRun run =
      RunNode("sigstore-sign.mjs",
              {"--key", dir_ + "/key.pem", "--payload", dir_ + "/statement.json", "--payload-type",
               std::string(kInTotoPayloadType), "--out", dir_ + "/node.sigstore.json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Result<SigstoreBundle> bundle = ParseSigstoreBundle(ReadFile(dir_ + "/node.sigstore.json"));
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->media_type, kBundleMediaTypeV03);
  EXPECT_EQ(bundle->material.public_key_hint, key_->public_key().Hint());
  VerifyOutcome ours = VerifyWithKey(*bundle, key_->public_key(), Artifact{artifact_, {}});
  EXPECT_TRUE(ours.verified) << ours.reason;
  ASSERT_TRUE(ours.envelope.has_value());
  EXPECT_EQ(ours.envelope->payload, statement_);

  // The same bundle, tampered after node signed it, is rejected.
  SigstoreBundle tampered = *bundle;
  tampered.dsse->payload += " ";
  EXPECT_FALSE(VerifyWithKey(tampered, key_->public_key(), Artifact{artifact_, {}}).verified);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, InteropTest,
                         ::testing::Values(TestKey::kEcP256Pkcs8, TestKey::kEd25519),
                         [](const ::testing::TestParamInfo<TestKey>& param_info) {
                           return param_info.param == TestKey::kEd25519 ? std::string("Ed25519")
                                                                        : std::string("EcdsaP256");
                         });

// @sigstore/verify checks message signatures with a SHA-256 prehash, so only ECDSA applies.
class InteropMessageTest : public InteropTest {};

TEST_P(InteropMessageTest, WeVerifyNodeMessageSignature) {
  AICR_REQUIRE_SIGSTORE_NODE();
  NodeRun run =
      RunNode("sigstore-sign.mjs", {"--key", dir_ + "/key.pem", "--artifact",
                                    dir_ + "/checksums.txt", "--out", dir_ + "/msg.sigstore.json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Result<SigstoreBundle> bundle = ParseSigstoreBundle(ReadFile(dir_ + "/msg.sigstore.json"));
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_TRUE(bundle->message_signature.has_value());
  VerifyOutcome ours = VerifyWithKey(*bundle, key_->public_key(), Artifact{artifact_, {}});
  EXPECT_TRUE(ours.verified) << ours.reason;
  Artifact digest_only;
  digest_only.sha256_hex = checksum::Sha256Hex(artifact_);
  EXPECT_TRUE(VerifyWithKey(*bundle, key_->public_key(), digest_only).verified);
  EXPECT_FALSE(VerifyWithKey(*bundle, key_->public_key(), Artifact{"other", {}}).verified);

  // And node verifies our message signature.
  SigstoreBundle mine;
  mine.media_type = std::string(kBundleMediaTypeV03);
  mine.material.public_key_hint = key_->public_key().Hint();
  Result<std::string> sig = key_->Sign(artifact_);
  ASSERT_TRUE(sig.ok());
  mine.message_signature = MessageSignature{"SHA2_256", bundle->message_signature->digest, *sig};
  NodeRun verify = NodeVerify(mine);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

INSTANTIATE_TEST_SUITE_P(Ecdsa, InteropMessageTest, ::testing::Values(TestKey::kEcP256Pkcs8),
                         [](const ::testing::TestParamInfo<TestKey>&) {
                           return std::string("EcdsaP256");
                         });

}  // namespace
}  // namespace aicr::attest
