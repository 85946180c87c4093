// Evidence verification: a clean bundle, one tamper per file kind, the pointer,
// recorded failures, and key signatures.

#include "evidence/verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "attest/test_keys.h"
#include "evidence/manifest.h"
#include "evidence/sign.h"
#include "evidence/test_fixture.h"
#include "evidence/writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::evidence {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = attest::testing::MakeTempDir();
    dir_ = root_ + "/out";
    ASSERT_THAT(WriteEvidenceDir(dir_, BuildEvidence(testing::Inputs()).value()), IsOk());
  }
  void TearDown() override { attest::testing::RemoveTree(root_); }

  std::string Bundle(const std::string& rel) const { return dir_ + "/summary-bundle/" + rel; }
  void Replace(const std::string& rel, const std::string& from, const std::string& to) {
    std::string s = attest::testing::ReadFile(Bundle(rel));
    const std::size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in " << rel;
    s.replace(at, from.size(), to);
    attest::testing::WriteFile(Bundle(rel), s);
  }
  EvidenceReport Verify(const std::string& input, VerifyOptions options = {}) {
    Result<EvidenceReport> r = VerifyEvidence(input, options);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : EvidenceReport{};
  }
  std::string FailedChecks(const EvidenceReport& r) {
    std::string out;
    for (const EvidenceCheck& c : r.checks) {
      if (!c.passed) {
        out += c.name + ": " + c.detail + "\n";
      }
    }
    return out;
  }

  std::string root_;
  std::string dir_;
};

TEST_F(VerifierTest, CleanUnsignedBundleIsValidPendingSignature) {
  for (const std::string& input : {dir_, dir_ + "/summary-bundle", dir_ + "/pointer.yaml"}) {
    const EvidenceReport r = Verify(input);
    EXPECT_EQ(r.exit, kVerdictValid) << input << "\n" << FailedChecks(r);
    EXPECT_TRUE(r.pending);
    EXPECT_FALSE(r.signature_verified);
    EXPECT_EQ(r.recipe_name, "h100-eks-ubuntu-training");
    EXPECT_EQ(r.failure_class, "");
  }
  const std::string md = RenderReportMarkdown(Verify(dir_));
  EXPECT_THAT(md, HasSubstr("pending signature"));
  const serialize::Value json = ReportToValue(Verify(dir_));
  EXPECT_EQ(*json.Find("exit")->if_int(), 0);
  EXPECT_EQ(json.Find("failureCause"), nullptr);
}

struct Tamper {
  const char* file;
  const char* from;
  const char* to;
  const char* check;
};

class VerifierTamperTest : public VerifierTest, public ::testing::WithParamInterface<Tamper> {};

TEST_P(VerifierTamperTest, IsInvalidWithIntegrityOrSchemaCause) {
  const Tamper& t = GetParam();
  Replace(t.file, t.from, t.to);
  const EvidenceReport r = Verify(dir_);
  EXPECT_EQ(r.exit, kVerdictInvalid) << FailedChecks(r);
  EXPECT_FALSE(r.pending);
  EXPECT_THAT(FailedChecks(r), HasSubstr(t.check));
  const serialize::Value json = ReportToValue(r);
  ASSERT_NE(json.Find("failureCause"), nullptr);
  EXPECT_FALSE(json.FindPath("failureCause.class")->if_string()->empty());
}

INSTANTIATE_TEST_SUITE_P(
    PerFileKind, VerifierTamperTest,
    ::testing::Values(
        Tamper{"recipe.yaml", "v25.3.0", "v25.3.9", "manifest files"},
        Tamper{"snapshot.yaml", "ubuntu", "rhel", "manifest files"},
        Tamper{"bom.cdx.json", "cert-manager", "cert-mangler", "manifest files"},
        Tamper{"ctrf/deployment.json", "passed", "failed", "manifest files"},
        Tamper{"manifest.json", "application/yaml", "text/yaml", "manifest digest"},
        Tamper{"statement.intoto.json", "\"passed\": 2", "\"passed\": 3", "phase and bom"},
        Tamper{"statement.intoto.json", "recipe:h100", "recipe:a100", "recipe identity"},
        Tamper{"statement.intoto.json", "recipe-evidence/v1", "recipe-evidence/v9",
               "predicate schema"}));

TEST_F(VerifierTest, RecipeRewrittenConsistentlyStillBreaksIdentity) {
  // Rewrite recipe.yaml and fix its manifest entry: the subject digest still differs.
  Replace("recipe.yaml", "v25.3.0", "v25.3.9");
  const std::string recipe = attest::testing::ReadFile(Bundle("recipe.yaml"));
  Manifest m = ParseManifestJson(attest::testing::ReadFile(Bundle("manifest.json"))).value();
  for (ManifestFile& f : m.files) {
    if (f.path == "recipe.yaml") {
      f.sha256 = Sha256Ref(recipe);
      f.size = static_cast<std::int64_t>(recipe.size());
    }
  }
  attest::testing::WriteFile(Bundle("manifest.json"), WriteManifestJson(m).value());
  const EvidenceReport r = Verify(dir_);
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_THAT(FailedChecks(r), HasSubstr("recipe identity"));
  EXPECT_THAT(FailedChecks(r), HasSubstr("manifest digest"));
}

TEST_F(VerifierTest, UnlistedFileAndPointerMismatchAreInvalid) {
  attest::testing::WriteFile(Bundle("extra.txt"), "x");
  EXPECT_THAT(FailedChecks(Verify(dir_)), HasSubstr("extra.txt: not listed"));
  fs::remove(Bundle("extra.txt"));
  std::string p = attest::testing::ReadFile(dir_ + "/pointer.yaml");
  p.replace(p.find("recipe: h100"), 12, "recipe: b200");
  attest::testing::WriteFile(dir_ + "/pointer.yaml", p);
  const EvidenceReport r = Verify(dir_ + "/pointer.yaml");
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_THAT(FailedChecks(r), HasSubstr("pointer: recipe does not match"));
}

TEST_F(VerifierTest, RecordedFailuresAreVerdictOne) {
  attest::testing::RemoveTree(dir_);
  EvidenceInputs in = testing::Inputs();
  in.phase_reports[0].second = testing::PhaseReport(validator::Phase::kDeployment, 1, 1);
  ASSERT_THAT(WriteEvidenceDir(dir_, BuildEvidence(in).value()), IsOk());
  const EvidenceReport r = Verify(dir_);
  EXPECT_EQ(r.exit, kVerdictRecordedFailures) << FailedChecks(r);
  EXPECT_TRUE(r.pending);
  // Not a verification failure: no failureCause.
  EXPECT_EQ(ReportToValue(r).Find("failureCause"), nullptr);
}

TEST_F(VerifierTest, MissingInputAndUnpinnedReferences) {
  EXPECT_THAT(VerifyEvidence(root_ + "/nope", {}),
              StatusIs(ErrorCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(VerifyEvidence("oci://registry.example/aicr-evidence:v1", {}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--allow-unpinned-tag")));
  VerifyOptions o;
  o.fetch_oci = [&](const std::string& ref) -> Result<std::string> {
    EXPECT_EQ(ref, "oci://registry.example/aicr-evidence@sha256:" + std::string(64, 'b'));
    return dir_ + "/summary-bundle";
  };
  Result<EvidenceReport> r =
      VerifyEvidence("oci://registry.example/aicr-evidence@sha256:" + std::string(64, 'b'), o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->exit, kVerdictValid);

  // A registry that does not answer: no verdict, transient.
  o.fetch_oci = [](const std::string&) -> Result<std::string> {
    return UnavailableError("registry down");
  };
  r = VerifyEvidence("oci://registry.example/aicr-evidence@sha256:" + std::string(64, 'b'), o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->exit, kVerdictNoVerdict);
  EXPECT_EQ(r->failure_class, "transient");
  EXPECT_EQ(*ReportToValue(*r).FindPath("failureCause.class")->if_string(), "transient");
  o.fetch_oci = [](const std::string&) -> Result<std::string> {
    return UnauthorizedError("denied");
  };
  r = VerifyEvidence("oci://registry.example/aicr-evidence@sha256:" + std::string(64, 'b'), o);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->failure_class, "registry-forbidden");
}

TEST_F(VerifierTest, KeySignatureVerifiesAndBindsTheStatement) {
  const std::string pem =
      attest::testing::GeneratePrivateKeyPem(attest::testing::TestKey::kEcP256Pkcs8);
  const attest::PrivateKey key = attest::PrivateKey::FromPem(pem, "test key").value();
  ASSERT_THAT(SignSummaryBundle(dir_ + "/summary-bundle", key), IsOk());
  VerifyOptions with_key;
  with_key.key = key.public_key();
  EvidenceReport r = Verify(dir_, with_key);
  EXPECT_EQ(r.exit, kVerdictValid) << FailedChecks(r);
  EXPECT_TRUE(r.signature_verified);
  EXPECT_FALSE(r.pending);
  EXPECT_EQ(r.signer, key.public_key().Hint());

  // Present but no key: no verdict.
  r = Verify(dir_);
  EXPECT_EQ(r.exit, kVerdictNoVerdict);
  EXPECT_EQ(r.failure_class, "signature");

  // Another key: invalid signature.
  const attest::PrivateKey other =
      attest::PrivateKey::FromPem(
          attest::testing::GeneratePrivateKeyPem(attest::testing::TestKey::kEd25519), "other")
          .value();
  VerifyOptions wrong;
  wrong.key = other.public_key();
  r = Verify(dir_, wrong);
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_EQ(r.failure_class, "signature");

  // The unsigned statement edited after signing no longer matches the signed one.
  Replace("statement.intoto.json", "\"aicrVersion\": \"v1.0.0\"", "\"aicrVersion\": \"v9.0.0\"");
  r = Verify(dir_, with_key);
  EXPECT_EQ(r.exit, kVerdictInvalid);
  EXPECT_THAT(FailedChecks(r), HasSubstr("differs from statement.intoto.json"));
}

}  // namespace
}  // namespace aicr::evidence
