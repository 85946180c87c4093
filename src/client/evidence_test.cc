#include "client/evidence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "attest/keys.h"
#include "client/validate.h"
#include "evidence/canonical.h"
#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::client {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRecipe[] = R"(kind: RecipeResult
apiVersion: aicr.run/v1
metadata: {version: v1.0.0}
criteria: {service: eks, accelerator: h100, intent: training}
constraints:
  - {name: K8s.server.version, value: ">= 1.32"}
componentRefs: []
deploymentOrder: []
validation:
  deployment:
    checks: [operator-health]
)";

constexpr char kSnapshot[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {source-node: node-a, timestamp: "2026-01-01T00:00:00Z"}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4}
      - subtype: node
        data: {provider: eks, internal-ip: 10.1.2.3}
)";

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string NewKeyPem() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  EXPECT_NE(key, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

class EvidenceClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("client_evidence_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    std::ofstream(root_ / "recipe.yaml") << kRecipe;
    std::ofstream(root_ / "snapshot.yaml") << kSnapshot;
  }
  void TearDown() override { fs::remove_all(root_); }

  ValidateRequest Request(const std::string& out) const {
    ValidateRequest req;
    req.recipe = (root_ / "recipe.yaml").string();
    req.snapshot = (root_ / "snapshot.yaml").string();
    req.no_cluster = true;
    req.run.version = "v1.2.3";
    req.emit_attestation = out;
    return req;
  }

  Client client_{Client::Options{}};
  fs::path root_;
};

TEST_F(EvidenceClientTest, DigestIsTheCanonicalSha256) {
  EvidenceDigestRequest req;
  req.recipe = (root_ / "recipe.yaml").string();
  Result<std::string> d = EvidenceDigest(client_, req);
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(*d, *evidence::RecipeDigestHex(kRecipe));
  EXPECT_THAT(EvidenceDigest(client_, {}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--recipe")));
  std::ofstream(root_ / "bad.yaml") << "kind: Snapshot\n";
  req.recipe = (root_ / "bad.yaml").string();
  EXPECT_THAT(EvidenceDigest(client_, req),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("bad.yaml")));
}

TEST_F(EvidenceClientTest, ValidateEmitsAVerifiableRedactedBundle) {
  const fs::path out = root_ / "evidence";
  Result<ValidateResult> r = Validate(client_, Request(out.string()));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->evidence_recipe, "h100-eks-training");
  ASSERT_EQ(r->phase_reports.size(), 3u);
  for (const char* f :
       {"statement.intoto.json", "recipe.yaml", "snapshot.yaml", "bom.cdx.json", "manifest.json",
        "ctrf/deployment.json", "ctrf/performance.json", "ctrf/conformance.json"}) {
    EXPECT_TRUE(fs::exists(out / "summary-bundle" / f)) << f;
  }
  EXPECT_TRUE(fs::exists(out / "pointer.yaml"));
  const std::string snapshot = ReadAll(out / "summary-bundle" / "snapshot.yaml");
  EXPECT_THAT(snapshot, Not(HasSubstr("node-a")));
  EXPECT_THAT(snapshot, Not(HasSubstr("10.1.2.3")));
  EXPECT_THAT(ReadAll(out / "summary-bundle" / "ctrf" / "deployment.json"),
              Not(HasSubstr("no-cluster mode")));

  EvidenceVerifyRequest v;
  v.input = out.string();
  Result<evidence::EvidenceReport> report = VerifyEvidence(client_, v);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->exit, evidence::kVerdictValid);
  EXPECT_TRUE(report->pending);
  EXPECT_THAT(EvidenceVerdictStatus(*report), IsOk());
}

TEST_F(EvidenceClientTest, ClusterRunRecordsEachPhaseAndItsFailures) {
  const fs::path out = root_ / "evidence";
  ValidateRequest req = Request(out.string());
  req.no_cluster = false;
  k8s::RestConfig rc;
  rc.server = "https://127.0.0.1:1";
  req.cluster = std::make_shared<const k8s::Client>(k8s::Client::Connect(rc).value());
  req.runner = [](auto&&...) -> Result<std::vector<validator::PhaseOutcome>> {
    validator::ctrf::Builder b("aicr", "v1.2.3", Clock::Real());
    validator::ctrf::ValidatorResult failed;
    failed.name = "operator-health";
    failed.phase = "deployment";
    failed.exit_code = 1;
    failed.termination_message = "pod gpu-operator-abc on node-a crashed";
    b.AddResult(failed);
    return std::vector<validator::PhaseOutcome>{{validator::Phase::kDeployment, b.Build()}};
  };
  Result<ValidateResult> r = Validate(client_, req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->failing, 1u);
  // Only the phase that ran is in the bundle; the failure is recorded.
  EXPECT_TRUE(fs::exists(out / "summary-bundle" / "ctrf" / "deployment.json"));
  EXPECT_FALSE(fs::exists(out / "summary-bundle" / "ctrf" / "conformance.json"));
  EXPECT_THAT(ReadAll(out / "summary-bundle" / "ctrf" / "deployment.json"),
              Not(HasSubstr("node-a")));
  const serialize::Value st =
      serialize::ParseJson(ReadAll(out / "summary-bundle" / "statement.intoto.json")).value();
  EXPECT_EQ(*st.FindPath("predicate.phases.deployment.failed")->if_int(), 1);
  EXPECT_GE(st.FindPath("predicate.validatorImages")->size(), 1u);
  EXPECT_EQ(st.FindPath("predicate.phases.conformance"), nullptr);
  EvidenceVerifyRequest v;
  v.input = out.string();
  Result<evidence::EvidenceReport> report = VerifyEvidence(client_, v);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->exit, evidence::kVerdictRecordedFailures);
  EXPECT_EQ(ExitCodeFor(EvidenceVerdictStatus(*report)), 2);
}

TEST_F(EvidenceClientTest, FullBundleKeepsRawPayloads) {
  const fs::path out = root_ / "evidence";
  ValidateRequest req = Request(out.string());
  req.evidence_full = true;
  ASSERT_THAT(Validate(client_, req), IsOk());
  EXPECT_THAT(ReadAll(out / "summary-bundle" / "snapshot.yaml"), HasSubstr("10.1.2.3"));
  EXPECT_THAT(ReadAll(out / "summary-bundle" / "statement.intoto.json"),
              Not(HasSubstr("redaction")));
}

TEST_F(EvidenceClientTest, NonEmptyOutputIsRefusedBeforeAnyWork) {
  const fs::path out = root_ / "busy";
  fs::create_directories(out);
  std::ofstream(out / "keep.txt") << "x";
  ValidateRequest req = Request(out.string());
  req.recipe = (root_ / "missing.yaml").string();  // would fail later
  EXPECT_THAT(Validate(client_, req), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not empty")));
  EXPECT_EQ(ReadAll(out / "keep.txt"), "x");
}

TEST_F(EvidenceClientTest, ReadinessFailureWritesNothing) {
  std::string recipe = kRecipe;
  recipe.replace(recipe.find(">= 1.32"), 7, ">= 1.40");
  std::ofstream(root_ / "recipe.yaml", std::ios::trunc) << recipe;
  const fs::path out = root_ / "evidence";
  EXPECT_THAT(Validate(client_, Request(out.string())),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("readiness")));
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(EvidenceClientTest, PublishSignsWithALocalKeyAndVerifyChecksIt) {
  const fs::path out = root_ / "evidence";
  ASSERT_THAT(Validate(client_, Request(out.string())), IsOk());
  EvidencePublishRequest pub;
  pub.dir = out.string();
  EXPECT_THAT(PublishEvidence(client_, pub),
              StatusIs(ErrorCode::kUnavailable, HasSubstr("not supported in this build")));
  const std::string pem = NewKeyPem();
  std::ofstream(root_ / "key.pem") << pem;
  std::ofstream(root_ / "key.pub") << attest::PrivateKey::FromPem(pem, "k")->public_key().Pem();
  pub.signing_key = "file://" + (root_ / "key.pem").string();
  Result<EvidencePublishResult> signed_result = PublishEvidence(client_, pub);
  ASSERT_THAT(signed_result, IsOk());
  EXPECT_TRUE(fs::exists(out / "summary-bundle" / "attestation.intoto.jsonl"));

  EvidenceVerifyRequest v;
  v.input = (out / "pointer.yaml").string();
  v.key = (root_ / "key.pub").string();
  Result<evidence::EvidenceReport> report = VerifyEvidence(client_, v);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->exit, evidence::kVerdictValid);
  EXPECT_TRUE(report->signature_verified);
  EXPECT_FALSE(report->pending);

  // Without the key the signature is verified keyless, and a key-signed bundle fails that.
  v.key.clear();
  report = VerifyEvidence(client_, v);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->exit, evidence::kVerdictInvalid);
  EXPECT_EQ(report->failure_class, "signature");
  ASSERT_FALSE(report->checks.empty());
  EXPECT_EQ(report->checks.front().name, "signature");
  EXPECT_THAT(report->checks.front().detail,
              HasSubstr("certificate: bundle is signed with a key, not a certificate"));
  EXPECT_EQ(EvidenceVerdictStatus(*report).code(), ErrorCode::kInvalidRequest);

  // Keyless pinning flags do not combine with a key.
  v.key = (root_ / "key.pub").string();
  v.expected_issuer = "https://token.actions.githubusercontent.com";
  EXPECT_THAT(VerifyEvidence(client_, v),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("cannot be combined with --key")));
  v.key.clear();
  v.expected_identity_regexp = "(";
  EXPECT_THAT(VerifyEvidence(client_, v), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("(")));
  v.expected_identity_regexp.clear();
  v.trust_root = (root_ / "no-such-root.json").string();
  EXPECT_THAT(VerifyEvidence(client_, v),
              StatusIs(ErrorCode::kNotFound, HasSubstr("no-such-root.json")));

  // A digest is not a push target; refused before any network call.
  pub.push = "oci://registry.example/aicr-evidence@sha256:" + std::string(64, 'a');
  EXPECT_THAT(PublishEvidence(client_, pub),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not a digest")));
}

TEST(EvidenceConfigTest, AttestationOutIsReadOtherFieldsAreRefused) {
  Result<serialize::Value> ok =
      serialize::ParseYaml("evidence: {attestation: {out: ./evidence}}\n");
  ASSERT_THAT(ok, IsOk());
  Result<ValidateConfig> cfg = DecodeValidateConfig(*ok);
  ASSERT_THAT(cfg, IsOk());
  EXPECT_EQ(cfg->attestation_out, "./evidence");
  for (const char* text :
       {"evidence: {attestation: {push: oci://r/x}}\n", "evidence: {attestation: {bom: b.json}}\n",
        "evidence: {cncf: {dir: x}}\n"}) {
    Result<serialize::Value> doc = serialize::ParseYaml(text);
    ASSERT_THAT(doc, IsOk());
    EXPECT_THAT(DecodeValidateConfig(*doc),
                StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not supported yet")))
        << text;
  }
  Result<serialize::Value> typo = serialize::ParseYaml("evidence: {attestation: {output: x}}\n");
  ASSERT_THAT(typo, IsOk());
  EXPECT_THAT(
      DecodeValidateConfig(*typo),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("spec.validate.evidence.attestation")));
}

TEST(EvidenceVerdictStatusTest, MapsVerdictsToExitCodes) {
  evidence::EvidenceReport r;
  EXPECT_THAT(EvidenceVerdictStatus(r), IsOk());
  r.exit = evidence::kVerdictRecordedFailures;
  EXPECT_EQ(ExitCodeFor(EvidenceVerdictStatus(r)), 2);
  r.exit = evidence::kVerdictInvalid;
  EXPECT_EQ(ExitCodeFor(EvidenceVerdictStatus(r)), 2);
  r.exit = evidence::kVerdictNoVerdict;
  r.failure_class = "transient";
  EXPECT_EQ(ExitCodeFor(EvidenceVerdictStatus(r)), 5);
  r.failure_class = "canceled";
  EXPECT_EQ(ExitCodeFor(EvidenceVerdictStatus(r)), 9);
}

}  // namespace
}  // namespace aicr::client
