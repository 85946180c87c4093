// Keyless evidence signatures: a summary bundle signed by the test Sigstore instance
// (Fulcio-like certificate, CT log, Rekor entry) verifies offline against its trusted
// root, the identity pinning is enforced, and a pointer's signer must be the
// certificate's.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "attest/test_keys.h"
#include "attest/trusted_root.h"
#include "evidence/manifest.h"
#include "evidence/test_fixture.h"
#include "evidence/verifier.h"
#include "evidence/writer.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/sigstore_instance.h"
#include "tests/testing/status_matchers.h"

namespace aicr::evidence {
namespace {

using ::aicr::testing::SigstoreIdentity;
using ::aicr::testing::SigstoreInstance;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kIssuer[] = "https://token.actions.githubusercontent.com";
constexpr char kIdentity[] =
    "https://github.com/acme/gpu-fleet/.github/workflows/evidence.yml@refs/heads/main";

class KeylessVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_dir_ = attest::testing::MakeTempDir();
    dir_ = root_dir_ + "/out";
    ASSERT_THAT(WriteEvidenceDir(dir_, BuildEvidence(testing::Inputs()).value()), IsOk());
    now_ = static_cast<int64_t>(std::time(nullptr));
    Result<SigstoreInstance> instance = SigstoreInstance::Create(now_);
    ASSERT_THAT(instance, IsOk());
    instance_.emplace(*instance);
    Result<attest::TrustedRoot> root = attest::ParseTrustedRoot(instance_->TrustedRootJson());
    ASSERT_THAT(root, IsOk());
    trusted_root_ = *root;
    identity_.san = kIdentity;
    identity_.issuer = kIssuer;
    Sign(*instance_);
  }
  void TearDown() override { attest::testing::RemoveTree(root_dir_); }

  std::string Summary(std::string_view rel) const {
    return dir_ + "/summary-bundle/" + std::string(rel);
  }
  // Signs statement.intoto.json keyless, a minute ago, into attestation.intoto.jsonl.
  void Sign(const SigstoreInstance& instance) {
    Result<std::string> bundle =
        instance.SignDsse("application/vnd.in-toto+json",
                          attest::testing::ReadFile(Summary(kStatementFile)), identity_, now_ - 60);
    ASSERT_THAT(bundle, IsOk());
    attest::testing::WriteFile(Summary(kAttestationFile), *bundle);
  }
  VerifyOptions Keyless() const {
    VerifyOptions o;
    o.trusted_root = &trusted_root_;
    o.now_unix = now_;
    return o;
  }
  EvidenceReport Verify(const std::string& input, const VerifyOptions& options) {
    Result<EvidenceReport> r = VerifyEvidence(input, options);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : EvidenceReport{};
  }
  static std::string SignatureDetail(const EvidenceReport& r) {
    for (const EvidenceCheck& c : r.checks) {
      if (c.name == "signature") {
        return c.detail;
      }
    }
    return "";
  }
  // Adds attestations[0].signer to pointer.yaml.
  void SetPointerSigner(const std::string& identity, const std::string& issuer) {
    const std::string path = dir_ + "/" + std::string(kPointerFile);
    Result<serialize::Value> doc = serialize::ParseYaml(attest::testing::ReadFile(path));
    ASSERT_THAT(doc, IsOk());
    serialize::Value signer = serialize::Value::EmptyMapping();
    signer.Set("identity", identity);
    signer.Set("issuer", issuer);
    serialize::Value& first = (*doc->Find("attestations")->if_sequence())[0];
    first.Set("signer", std::move(signer));
    attest::testing::WriteFile(path, serialize::WriteYaml(*doc));
  }

  std::string root_dir_;
  std::string dir_;
  int64_t now_ = 0;
  std::optional<SigstoreInstance> instance_;
  attest::TrustedRoot trusted_root_;
  SigstoreIdentity identity_;
};

TEST_F(KeylessVerifierTest, VerifiesAgainstTheTrustedRootAndReportsTheSigner) {
  const EvidenceReport r = Verify(dir_, Keyless());
  EXPECT_EQ(r.exit, kVerdictValid) << SignatureDetail(r);
  EXPECT_TRUE(r.signature_verified);
  EXPECT_FALSE(r.pending);
  EXPECT_EQ(r.signer, kIdentity);
  EXPECT_EQ(r.signer_issuer, kIssuer);
  EXPECT_EQ(SignatureDetail(r),
            std::string("verified keyless: ") + kIdentity + " (issuer " + kIssuer + ")");

  const serialize::Value json = ReportToValue(r);
  EXPECT_EQ(*json.Find("signer")->if_string(), kIdentity);
  EXPECT_EQ(*json.Find("issuer")->if_string(), kIssuer);
  EXPECT_THAT(RenderReportMarkdown(r), HasSubstr(std::string("- signature: verified keyless (") +
                                                 kIdentity + ", issuer " + kIssuer + ")"));
}

TEST_F(KeylessVerifierTest, ExpectedIdentityAndIssuerArePinned) {
  VerifyOptions pinned = Keyless();
  pinned.identity.issuer = kIssuer;
  pinned.identity.san_regex = "^https://github\\.com/acme/";
  EXPECT_EQ(Verify(dir_, pinned).exit, kVerdictValid);

  VerifyOptions other_issuer = pinned;
  other_issuer.identity.issuer = "https://accounts.google.com";
  EvidenceReport r = Verify(dir_, other_issuer);
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_EQ(r.failure_class, "signature");
  EXPECT_FALSE(r.signature_verified);
  EXPECT_THAT(SignatureDetail(r), StartsWith("identity: "));

  VerifyOptions other_identity = pinned;
  other_identity.identity.san_regex = "^https://github\\.com/someone-else/";
  r = Verify(dir_, other_identity);
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_THAT(SignatureDetail(r), StartsWith("identity: "));
}

TEST_F(KeylessVerifierTest, UntrustedOrMissingTrustMaterialIsNotAVerdictOfValid) {
  // Without any trust material: no verdict.
  EvidenceReport r = Verify(dir_, VerifyOptions{});
  EXPECT_EQ(r.exit, kVerdictNoVerdict);
  EXPECT_EQ(r.failure_class, "signature");

  // A trusted root without the certificate authority: the certificate is not anchored.
  Result<attest::TrustedRoot> no_ca =
      attest::ParseTrustedRoot(instance_->TrustedRootJson({.certificate_authority = false}));
  ASSERT_THAT(no_ca, IsOk());
  VerifyOptions untrusted = Keyless();
  untrusted.trusted_root = &*no_ca;
  r = Verify(dir_, untrusted);
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_EQ(r.failure_class, "signature");
  EXPECT_THAT(SignatureDetail(r), StartsWith("certificate: "));

  // Signed by another instance: its log is not one of the trusted root's.
  Result<SigstoreInstance> other = SigstoreInstance::Create(now_);
  ASSERT_THAT(other, IsOk());
  Sign(*other);
  r = Verify(dir_, Keyless());
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_EQ(r.failure_class, "signature");
  EXPECT_THAT(SignatureDetail(r), StartsWith("tlog: log id "));
}

TEST_F(KeylessVerifierTest, TheSignedStatementMustBeTheBundledOne) {
  std::string statement = attest::testing::ReadFile(Summary(kStatementFile));
  const std::size_t at = statement.find("\"aicrVersion\": \"v1.0.0\"");
  ASSERT_NE(at, std::string::npos);
  statement.replace(at, 23, "\"aicrVersion\": \"v9.0.0\"");
  attest::testing::WriteFile(Summary(kStatementFile), statement);
  const EvidenceReport r = Verify(dir_, Keyless());
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_THAT(SignatureDetail(r), HasSubstr("differs from statement.intoto.json"));
}

TEST_F(KeylessVerifierTest, APointerSignerMustBeTheCertificates) {
  const std::string pointer = dir_ + "/" + std::string(kPointerFile);
  SetPointerSigner(kIdentity, kIssuer);
  EvidenceReport r = Verify(pointer, Keyless());
  EXPECT_EQ(r.exit, kVerdictValid);

  SetPointerSigner("https://github.com/impostor/repo/.github/workflows/x.yml@refs/heads/main",
                   kIssuer);
  r = Verify(pointer, Keyless());
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_EQ(r.failure_class, "integrity");
  bool named = false;
  for (const EvidenceCheck& c : r.checks) {
    if (c.name == "pointer") {
      named = c.detail.find("signer.identity \"https://github.com/impostor/") != std::string::npos;
    }
  }
  EXPECT_TRUE(named);

  SetPointerSigner(kIdentity, "https://accounts.google.com");
  r = Verify(pointer, Keyless());
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_EQ(r.failure_class, "integrity");
}

}  // namespace
}  // namespace aicr::evidence
