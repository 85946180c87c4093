#include "client/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "attest/keys.h"
#include "attest/sigstore_bundle.h"
#include "attest/statement.h"
#include "attest/trusted_root.h"
#include "checksum/manifest.h"
#include "checksum/sha256.h"
#include "client/verify_blob.h"
#include "serialize/yaml_reader.h"

namespace aicr::client {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr TrustLevel kLevels[] = {TrustLevel::kUnknown, TrustLevel::kUnverified,
                                  TrustLevel::kAttested, TrustLevel::kVerified};

AttestationCheck Passed(std::string signer = "builder@example.com") {
  return AttestationCheck{.verified = true,
                          .signer = std::move(signer),
                          .tool_version = "1.2.3",
                          .identity_pinned = true};
}

AttestationCheck Failed(std::string reason) {
  return AttestationCheck{.verified = false, .reason = std::move(reason)};
}

TrustInputs Good() {
  TrustInputs in;
  in.checksum_files = 7;
  return in;
}

// ---- names ---------------------------------------------------------------------

TEST(TrustLevelTest, NamesRoundTripAndMaxIsNotALevel) {
  for (TrustLevel level : kLevels) {
    EXPECT_EQ(*ParseTrustLevel(TrustLevelName(level)), level);
  }
  EXPECT_EQ(*ParseTrustLevel(" Attested "), TrustLevel::kAttested);
  EXPECT_FALSE(ParseTrustLevel("max").ok());
  const Status bad = ParseTrustLevel("trusted").status();
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(bad.message(), HasSubstr("invalid trust level \"trusted\""));
}

// ---- the ladder ----------------------------------------------------------------

TEST(EvaluateTrustTest, ChecksumFailureIsUnknownWhateverElseExists) {
  TrustInputs in = Good();
  in.checksums = InvalidRequestError("\"a.yaml\": digest mismatch");
  in.bundle_attestation_present = true;
  in.bundle = Passed();
  const VerifyResult r = EvaluateTrust(in);
  EXPECT_EQ(r.trust_level, TrustLevel::kUnknown);
  EXPECT_FALSE(r.checksums_passed);
  EXPECT_EQ(r.checksum_files, 0u);
  EXPECT_FALSE(r.bundle_attested);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_THAT(r.errors[0], HasSubstr("digest mismatch"));
}

TEST(EvaluateTrustTest, NoAttestationIsUnverified) {
  const VerifyResult r = EvaluateTrust(Good());
  EXPECT_EQ(r.trust_level, TrustLevel::kUnverified);
  EXPECT_TRUE(r.checksums_passed);
  EXPECT_EQ(r.checksum_files, 7u);
  EXPECT_TRUE(r.errors.empty());
}

TEST(EvaluateTrustTest, AnAttestationThatFailsIsAlwaysUnknown) {
  for (bool data : {false, true}) {
    for (bool binary : {false, true}) {
      TrustInputs in = Good();
      in.bundle_attestation_present = true;
      in.binary_attestation_present = binary;
      in.has_data_dir = data;
      in.bundle = Failed("signature: signature does not verify");
      in.binary = Passed();
      const VerifyResult r = EvaluateTrust(in);
      EXPECT_EQ(r.trust_level, TrustLevel::kUnknown) << data << binary;
      EXPECT_TRUE(r.checksums_passed);
      EXPECT_FALSE(r.bundle_attested);
      ASSERT_EQ(r.errors.size(), 1u);
      EXPECT_EQ(r.errors[0], "bundle attestation: signature: signature does not verify");
    }
  }
}

TEST(EvaluateTrustTest, PinnedKeyWithoutBinaryAttestationIsVerified) {
  TrustInputs in = Good();
  in.bundle_attestation_present = true;
  in.bundle = Passed("ci@example.com");
  const VerifyResult r = EvaluateTrust(in);
  EXPECT_EQ(r.trust_level, TrustLevel::kVerified);
  EXPECT_TRUE(r.bundle_attested);
  EXPECT_TRUE(r.identity_pinned);
  EXPECT_EQ(r.bundle_creator, "ci@example.com");
  EXPECT_EQ(r.tool_version, "1.2.3");
  EXPECT_TRUE(r.errors.empty());
}

TEST(EvaluateTrustTest, UnpinnedSignerWithoutBinaryAttestationStopsAtAttested) {
  TrustInputs in = Good();
  in.bundle_attestation_present = true;
  in.bundle = Passed();
  in.bundle->identity_pinned = false;
  const VerifyResult r = EvaluateTrust(in);
  EXPECT_EQ(r.trust_level, TrustLevel::kAttested);
  EXPECT_FALSE(r.identity_pinned);
  EXPECT_TRUE(r.errors.empty());
}

TEST(EvaluateTrustTest, DataDirectoryCapsAtAttested) {
  TrustInputs in = Good();
  in.bundle_attestation_present = true;
  in.has_data_dir = true;
  in.bundle = Passed();
  const VerifyResult r = EvaluateTrust(in);
  EXPECT_EQ(r.trust_level, TrustLevel::kAttested);
  EXPECT_TRUE(r.has_external_data);
  EXPECT_THAT(r.trust_reason, HasSubstr("data/"));
}

TEST(EvaluateTrustTest, BinaryAttestationMustVerifyToo) {
  TrustInputs in = Good();
  in.bundle_attestation_present = true;
  in.binary_attestation_present = true;
  in.bundle = Passed();
  in.binary = Failed("certificate: not supported");
  VerifyResult r = EvaluateTrust(in);
  EXPECT_EQ(r.trust_level, TrustLevel::kAttested);
  EXPECT_TRUE(r.bundle_attested);
  EXPECT_FALSE(r.binary_attested);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "binary attestation: certificate: not supported");

  in.binary = Passed("https://github.com/NVIDIA/aicr/.github/workflows/on-tag.yaml@refs/tags/v1");
  r = EvaluateTrust(in);
  EXPECT_EQ(r.trust_level, TrustLevel::kVerified);
  EXPECT_TRUE(r.binary_attested);
  EXPECT_EQ(r.binary_builder,
            "https://github.com/NVIDIA/aicr/.github/workflows/on-tag.yaml@refs/tags/v1");

  in.has_data_dir = true;
  EXPECT_EQ(EvaluateTrust(in).trust_level, TrustLevel::kAttested);
}

// ---- policy --------------------------------------------------------------------

VerifyResult AtLevel(TrustLevel level, bool attestation_file, bool data = false) {
  VerifyResult r;
  r.trust_level = level;
  r.bundle_attestation_present = attestation_file;
  r.has_external_data = data;
  return r;
}

TEST(PolicyTest, ExplicitMinimumIsARankComparison) {
  for (TrustLevel level : kLevels) {
    for (TrustLevel minimum : kLevels) {
      const std::string failure = *CheckPolicy(
          AtLevel(level, true), {.min_trust_level = std::string(TrustLevelName(minimum))});
      EXPECT_EQ(failure.empty(), static_cast<int>(level) >= static_cast<int>(minimum))
          << TrustLevelName(level) << " vs " << TrustLevelName(minimum) << ": " << failure;
    }
  }
  EXPECT_EQ(*CheckPolicy(AtLevel(TrustLevel::kUnverified, false), {.min_trust_level = "verified"}),
            "trust level \"unverified\" does not meet minimum \"verified\"");
}

TEST(PolicyTest, DefaultMinimumDependsOnTheAttestationFile) {
  // No attestation file: unverified is enough, unknown is not.
  EXPECT_EQ(*EffectiveMinimum(AtLevel(TrustLevel::kUnverified, false), ""),
            TrustLevel::kUnverified);
  EXPECT_TRUE(CheckPolicy(AtLevel(TrustLevel::kUnverified, false), {})->empty());
  EXPECT_FALSE(CheckPolicy(AtLevel(TrustLevel::kUnknown, false), {})->empty());
  // An attestation file: anything below verified fails.
  EXPECT_EQ(*EffectiveMinimum(AtLevel(TrustLevel::kUnknown, true), ""), TrustLevel::kVerified);
  EXPECT_TRUE(CheckPolicy(AtLevel(TrustLevel::kVerified, true), {})->empty());
  EXPECT_FALSE(CheckPolicy(AtLevel(TrustLevel::kAttested, true), {})->empty());
  EXPECT_FALSE(CheckPolicy(AtLevel(TrustLevel::kUnknown, true), {})->empty());
}

TEST(PolicyTest, MaxIsTheHighestLevelTheFilesAllow) {
  EXPECT_EQ(*EffectiveMinimum(AtLevel(TrustLevel::kUnknown, false), "max"),
            TrustLevel::kUnverified);
  EXPECT_EQ(*EffectiveMinimum(AtLevel(TrustLevel::kUnknown, true), "MAX"), TrustLevel::kVerified);
  EXPECT_EQ(*EffectiveMinimum(AtLevel(TrustLevel::kUnknown, true, true), "max"),
            TrustLevel::kAttested);
  EXPECT_TRUE(
      CheckPolicy(AtLevel(TrustLevel::kAttested, true, true), {.min_trust_level = "max"})->empty());
  EXPECT_EQ(*CheckPolicy(AtLevel(TrustLevel::kAttested, true), {.min_trust_level = "max"}),
            "trust level \"attested\" does not meet the maximum achievable \"verified\" for this "
            "bundle");
  // A broken bundle never passes max.
  EXPECT_FALSE(
      CheckPolicy(AtLevel(TrustLevel::kUnknown, false), {.min_trust_level = "max"})->empty());
}

TEST(PolicyTest, BadMinimumIsInvalidRequest) {
  const Status s =
      CheckPolicy(AtLevel(TrustLevel::kVerified, true), {.min_trust_level = "high"}).status();
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(s.message(), HasSubstr("invalid --min-trust-level \"high\""));
}

TEST(PolicyTest, RequireCreatorIsAnExactMatch) {
  VerifyResult r = AtLevel(TrustLevel::kVerified, true);
  r.bundle_creator = "ci@example.com";
  EXPECT_TRUE(CheckPolicy(r, {.require_creator = "ci@example.com"})->empty());
  EXPECT_EQ(*CheckPolicy(r, {.require_creator = "ci@example"}),
            "bundle creator \"ci@example.com\" does not match required \"ci@example\"");
  EXPECT_FALSE(CheckPolicy(r, {.require_creator = "CI@example.com"})->empty());
  r.bundle_creator.clear();
  EXPECT_FALSE(CheckPolicy(r, {.require_creator = "ci@example.com"})->empty());
}

TEST(PolicyTest, VersionConstraint) {
  struct Case {
    std::string constraint, version;
    bool pass;
  };
  const std::vector<Case> cases = {
      {"0.8.0", "0.8.0", true},    {"0.8.0", "0.7.9", false},    {"0.8.0", "v1.0.0", true},
      {">= 0.8.0", "0.8.1", true}, {"> 0.8.0", "0.8.0", false},  {"<= 0.8.0", "0.8.0", true},
      {"< 0.8.0", "0.8.0", false}, {"== 0.8.0", "0.8.0", true},  {"== 0.8.0", "0.8.1", false},
      {"!= 0.8.0", "0.8.1", true}, {"!= 0.8.0", "0.8.0", false}, {">=1.2", "1.2.9", true},
      {"0.8.0", "dev", false},     {"0.8.0", "", false},
  };
  for (const Case& c : cases) {
    Result<std::string> failure = CheckToolVersion(c.constraint, c.version);
    ASSERT_TRUE(failure.ok()) << c.constraint << ": " << failure.status().ToString();
    EXPECT_EQ(failure->empty(), c.pass) << c.constraint << " vs " << c.version << ": " << *failure;
  }
  for (const std::string bad : {"", ">=", ">= abc", "~> 1.0"}) {
    EXPECT_EQ(CheckToolVersion(bad, "1.0.0").status().code(), ErrorCode::kInvalidRequest) << bad;
  }
  VerifyResult r = AtLevel(TrustLevel::kVerified, true);
  r.tool_version = "0.7.0";
  EXPECT_EQ(*CheckPolicy(r, {.cli_version_constraint = "0.8.0"}),
            "tool version \"0.7.0\" does not satisfy constraint \">= 0.8.0\"");
  r.tool_version.clear();
  EXPECT_THAT(*CheckPolicy(r, {.cli_version_constraint = "0.8.0"}), HasSubstr("not available"));
}

TEST(VerifyReportTest, ErrorsAreUnauthorizedAndPolicyFailuresInvalidRequest) {
  VerifyReport report;
  EXPECT_TRUE(report.ExitStatus().ok());
  report.policy_failure = "trust level \"unverified\" does not meet minimum \"verified\"";
  EXPECT_EQ(report.ExitStatus().code(), ErrorCode::kInvalidRequest);
  report.result.errors = {"bundle attestation: signature: bad"};
  EXPECT_EQ(report.ExitStatus().code(), ErrorCode::kUnauthorized);
  EXPECT_THAT(report.ExitStatus().message(), HasSubstr("signature: bad"));
}

TEST(IdentityPatternTest, MustStayPinnedToTheRepository) {
  for (const std::string ok :
       {"https://github.com/NVIDIA/aicr/.*", "^https://github\\.com/NVIDIA/aicr/\\.github/.*",
        "^https://github\\.com/NVIDIA/aicr/\\.github/workflows/(on-tag|release)\\.yaml@.*"}) {
    EXPECT_TRUE(ValidateIdentityPattern(ok).ok()) << ok;
  }
  for (const std::string bad :
       {"", ".*", "https://evil.example/github.com/NVIDIA/aicr/x",
        "(good|https://github.com/attacker/x/.*)", "^https://github\\.com/NVIDIA/aicr/.*|.*$",
        "https://github.com/NVIDIA/aicr/(unclosed"}) {
    EXPECT_EQ(ValidateIdentityPattern(bad).code(), ErrorCode::kInvalidRequest) << bad;
  }
}

// ---- spec.verify ---------------------------------------------------------------

serialize::Value Yaml(const std::string& text) {
  Result<serialize::Value> v = serialize::ParseYaml(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : serialize::Value();
}

TEST(VerifyConfigTest, DecodesEveryField) {
  const VerifyConfig cfg = *DecodeVerifyConfig(
      Yaml("policy:\n  minTrustLevel: attested\n  requireCreator: ci@example.com\n"
           "  cliVersionConstraint: '>= 0.8.0'\n"
           "trust:\n  certificateIdentityRegexp: '^https://github\\.com/NVIDIA/aicr/.*'\n"
           "  key: cosign.pub\n  trustRoot: root.json\n"));
  EXPECT_EQ(cfg.min_trust_level, "attested");
  EXPECT_EQ(cfg.require_creator, "ci@example.com");
  EXPECT_EQ(cfg.cli_version_constraint, ">= 0.8.0");
  EXPECT_EQ(cfg.certificate_identity_regexp, "^https://github\\.com/NVIDIA/aicr/.*");
  EXPECT_EQ(cfg.key, "cosign.pub");
  EXPECT_EQ(cfg.trust_root, "root.json");
  EXPECT_TRUE(DecodeVerifyConfig(serialize::Value())->min_trust_level.empty());
  EXPECT_EQ(DecodeVerifyConfig(Yaml("policy:\n  minTrustLevel: max\n"))->min_trust_level, "max");
}

TEST(VerifyConfigTest, RejectsWithTheSpecPath) {
  const std::map<std::string, std::string> cases = {
      {"policy:\n  minTrustLevel: high\n", "invalid spec.verify.policy.minTrustLevel \"high\""},
      {"policy:\n  cliVersionConstraint: '>= x'\n", "spec.verify.policy.cliVersionConstraint"},
      {"policy:\n  unknown: 1\n", "spec.verify.policy: unknown field \"unknown\""},
      {"trust:\n  key: [a]\n", "spec.verify.trust.key: expected a string"},
      {"trust:\n  certificateIdentityRegexp: '.*'\n",
       "spec.verify.trust.certificateIdentityRegexp"},
      {"format: json\n", "spec.verify: unknown field \"format\""},
  };
  for (const auto& [yaml, want] : cases) {
    const Status s = DecodeVerifyConfig(Yaml(yaml)).status();
    EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest) << yaml;
    EXPECT_THAT(s.message(), HasSubstr(want)) << yaml;
  }
}

// ---- Verify on real directories -------------------------------------------------

std::string GeneratePrivateKeyPem() {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  return pem;
}

void WriteFile(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class VerifyDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("aicr-verify-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    files_ = {{"README.md", "# bundle\n"}, {"gpu-operator/values.yaml", "a: 1\n"}};
    private_key_ = *attest::PrivateKey::FromPem(GeneratePrivateKeyPem(), "test key");
    WriteFile(dir_ / "key.pub", private_key_.public_key().Pem());
    key_path_ = (dir_ / "key.pub").string();
    bundle_ = dir_ / "bundle";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteBundle() {
    std::vector<std::pair<std::string_view, std::string_view>> views;
    for (const auto& [path, bytes] : files_) {
      WriteFile(bundle_ / path, bytes);
      views.emplace_back(path, bytes);
    }
    WriteFile(bundle_ / "checksums.txt", *checksum::BuildManifest(views));
  }

  void Attest(const std::string& builder = "ci@example.com") {
    const std::string digest = checksum::Sha256Hex(ReadFile(bundle_ / "checksums.txt"));
    attest::BundleProvenance provenance;
    provenance.builder_id = builder;
    provenance.tool_version = "1.4.0";
    provenance.recipe_source = "embedded";
    const std::string statement =
        *attest::MarshalBundleStatement({.name = "checksums.txt", .sha256 = digest}, provenance);
    const attest::SigstoreBundle signed_bundle =
        *attest::SignDsseBundle(private_key_, attest::kInTotoPayloadType, statement);
    WriteFile(bundle_ / "attestation/bundle-attestation.sigstore.json",
              *attest::MarshalSigstoreBundle(signed_bundle));
  }

  VerifyReport Run(VerifyRequest req) {
    req.bundle_dir = bundle_.string();
    Result<VerifyReport> report = Verify(req);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }

  fs::path dir_, bundle_;
  std::map<std::string, std::string> files_;
  attest::PrivateKey private_key_ = *attest::PrivateKey::FromPem(GeneratePrivateKeyPem(), "k");
  std::string key_path_;
};

TEST_F(VerifyDirTest, UnsignedBundleIsUnverifiedAndPassesByDefault) {
  WriteBundle();
  const VerifyReport report = Run({});
  EXPECT_EQ(report.result.trust_level, TrustLevel::kUnverified);
  EXPECT_EQ(report.result.checksum_files, 2u);
  EXPECT_TRUE(report.ExitStatus().ok());
  const VerifyReport strict = Run({.policy = {.min_trust_level = "verified"}});
  EXPECT_EQ(strict.ExitStatus().code(), ErrorCode::kInvalidRequest);
}

TEST_F(VerifyDirTest, TamperedFileIsUnknownAndUnauthorized) {
  WriteBundle();
  WriteFile(bundle_ / "gpu-operator/values.yaml", "a: 2\n");
  const VerifyReport report = Run({});
  EXPECT_EQ(report.result.trust_level, TrustLevel::kUnknown);
  EXPECT_FALSE(report.result.checksums_passed);
  EXPECT_EQ(report.ExitStatus().code(), ErrorCode::kUnauthorized);
}

TEST_F(VerifyDirTest, MissingChecksumsIsUnknown) {
  WriteBundle();
  fs::remove(bundle_ / "checksums.txt");
  const VerifyReport report = Run({});
  EXPECT_EQ(report.result.trust_level, TrustLevel::kUnknown);
  EXPECT_THAT(report.result.errors.at(0), HasSubstr("checksums.txt not found"));
}

TEST_F(VerifyDirTest, KeySignedBundleIsVerifiedWithTheKeyOnly) {
  WriteBundle();
  Attest("ci@example.com");
  const VerifyReport ok = Run({.key = key_path_});
  EXPECT_EQ(ok.result.trust_level, TrustLevel::kVerified) << ok.result.trust_reason;
  EXPECT_TRUE(ok.result.bundle_attested);
  EXPECT_TRUE(ok.result.identity_pinned);
  EXPECT_EQ(ok.result.bundle_creator, "ci@example.com");
  EXPECT_EQ(ok.result.tool_version, "1.4.0");
  EXPECT_TRUE(ok.ExitStatus().ok());

  const VerifyReport policy =
      Run({.policy = {.require_creator = "someone@else", .cli_version_constraint = "1.0.0"},
           .key = key_path_});
  EXPECT_EQ(policy.ExitStatus().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(policy.policy_failure, HasSubstr("someone@else"));

  // Without --key the key-signed attestation is tried keyless and fails: unknown,
  // not unverified.
  const VerifyReport keyless = Run({});
  EXPECT_EQ(keyless.result.trust_level, TrustLevel::kUnknown);
  EXPECT_EQ(keyless.ExitStatus().code(), ErrorCode::kUnauthorized);
  EXPECT_THAT(keyless.result.errors.at(0),
              HasSubstr("signed with a key, not a certificate; verify it with --key"));

  // Another key: unknown.
  const attest::PrivateKey other = *attest::PrivateKey::FromPem(GeneratePrivateKeyPem(), "other");
  WriteFile(dir_ / "other.pub", other.public_key().Pem());
  const VerifyReport wrong = Run({.key = (dir_ / "other.pub").string()});
  EXPECT_EQ(wrong.result.trust_level, TrustLevel::kUnknown);
  EXPECT_EQ(wrong.ExitStatus().code(), ErrorCode::kUnauthorized);
}

TEST_F(VerifyDirTest, SignatureCoversTheExactChecksumsBytes) {
  WriteBundle();
  Attest();
  // Same entries, another order: still a valid manifest, but not the signed bytes.
  const std::string manifest = ReadFile(bundle_ / "checksums.txt");
  const std::size_t nl = manifest.find('\n');
  WriteFile(bundle_ / "checksums.txt", manifest.substr(nl + 1) + manifest.substr(0, nl + 1));
  const VerifyReport report = Run({.key = key_path_});
  EXPECT_EQ(report.result.trust_level, TrustLevel::kUnknown);
  EXPECT_FALSE(report.result.bundle_attested);
}

TEST_F(VerifyDirTest, DataDirectoryAndBinaryAttestationCapAtAttested) {
  files_["data/overlay.yaml"] = "x: 1\n";
  WriteBundle();
  Attest();
  VerifyReport report = Run({.key = key_path_});
  EXPECT_EQ(report.result.trust_level, TrustLevel::kAttested);
  EXPECT_TRUE(report.result.has_external_data);
  // The default minimum is verified once an attestation exists.
  EXPECT_EQ(report.ExitStatus().code(), ErrorCode::kInvalidRequest);
  EXPECT_TRUE(Run({.policy = {.min_trust_level = "max"}, .key = key_path_}).ExitStatus().ok());

  fs::remove_all(bundle_ / "data");
  files_.erase("data/overlay.yaml");
  fs::remove_all(bundle_);
  WriteBundle();
  Attest();
  WriteFile(bundle_ / "attestation/aicr-attestation.sigstore.json",
            ReadFile(bundle_ / "attestation/bundle-attestation.sigstore.json"));
  report = Run({.key = key_path_});
  EXPECT_EQ(report.result.trust_level, TrustLevel::kAttested);
  EXPECT_FALSE(report.result.binary_attested);
  EXPECT_EQ(report.ExitStatus().code(), ErrorCode::kUnauthorized);
}

TEST_F(VerifyDirTest, FlagValidation) {
  WriteBundle();
  VerifyRequest req{.bundle_dir = bundle_.string(), .insecure_ignore_tlog = true};
  EXPECT_THAT(Verify(req).status().message(), HasSubstr("--insecure-ignore-tlog requires --key"));
  req = {.bundle_dir = bundle_.string(), .key = (dir_ / "nope.pub").string()};
  EXPECT_EQ(Verify(req).status().code(), ErrorCode::kNotFound);
  WriteFile(dir_ / "root.json", "{\"tlogs\": []}");
  req = {.bundle_dir = bundle_.string(), .trust_root = (dir_ / "root.json").string()};
  EXPECT_EQ(Verify(req).status().code(), ErrorCode::kInvalidRequest);
  req = {.bundle_dir = (dir_ / "missing").string()};
  EXPECT_EQ(Verify(req).status().code(), ErrorCode::kNotFound);
  req = {.bundle_dir = bundle_.string(), .policy = {.cli_version_constraint = ">= x"}};
  EXPECT_EQ(Verify(req).status().code(), ErrorCode::kInvalidRequest);
}

TEST_F(VerifyDirTest, VerifyBlobWithKey) {
  WriteFile(dir_ / "a.txt", "hello\n");
  const attest::SigstoreBundle b =
      *attest::SignDsseBundle(private_key_, attest::kInTotoPayloadType,
                              *attest::MarshalBundleStatement(
                                  {.name = "a.txt", .sha256 = checksum::Sha256Hex("hello\n")}, {}));
  WriteFile(dir_ / "a.sigstore.json", *attest::MarshalSigstoreBundle(b));
  VerifyBlobRequest req{.artifact = (dir_ / "a.txt").string(),
                        .bundle = (dir_ / "a.sigstore.json").string(),
                        .key = key_path_};
  VerifyBlobResult r = *VerifyBlob(req);
  EXPECT_TRUE(r.verified) << r.failed_step << ": " << r.reason;
  EXPECT_TRUE(r.ExitStatus().ok());
  req.artifact = "sha256:" + checksum::Sha256Hex("hello\n");
  EXPECT_TRUE(VerifyBlob(req)->verified);
  req.artifact = "sha256:" + checksum::Sha256Hex("other\n");
  r = *VerifyBlob(req);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.ExitStatus().code(), ErrorCode::kUnauthorized);
  req.artifact = "sha256:abc";
  EXPECT_EQ(VerifyBlob(req).status().code(), ErrorCode::kInvalidRequest);

  WriteFile(dir_ / "bad.json", "{not json");
  req = {.artifact = (dir_ / "a.txt").string(),
         .bundle = (dir_ / "bad.json").string(),
         .key = key_path_};
  r = *VerifyBlob(req);
  EXPECT_EQ(r.failed_step, "bundle");
  EXPECT_EQ(r.ExitStatus().code(), ErrorCode::kInvalidRequest);

  req = {.artifact = (dir_ / "a.txt").string(), .bundle = (dir_ / "a.sigstore.json").string()};
  r = *VerifyBlob(req);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.failed_step, "certificate");
}

TEST(VerifyResultJsonTest, HasExactlyTheDocumentedFields) {
  const serialize::Value v = VerifyResultToValue(VerifyResult{});
  std::vector<std::string> keys;
  for (const auto& [k, unused] : *v.if_mapping()) {
    keys.push_back(k);
  }
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre(
                        "trustLevel", "checksumsPassed", "checksumFiles", "bundleAttested",
                        "binaryAttested", "identityPinned", "bundleCreator", "binaryBuilder",
                        "toolVersion", "hasExternalData", "trustReason", "errors"));
  EXPECT_EQ(*v.Find("trustLevel")->if_string(), "unknown");
}

}  // namespace
}  // namespace aicr::client

// ---- keyless attestations (public Sigstore conformance bundles) -----------------

namespace aicr::client {
namespace {

fs::path ConformanceCase(const std::string& name) {
  return fs::path(AICR_SOURCE_DIR).parent_path() / "shared" / "conformance" /
         "sigstore-bundle-verify" / name;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The public-good root and the real clock, as `aicr verify` uses them.
KeylessTrust PublicGood() {
  KeylessTrust trust;
  trust.root = attest::PublicGoodTrustedRoot();
  trust.now_unix = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return trust;
}

#define REQUIRE_CONFORMANCE()                                                              \
  do {                                                                                     \
    if (!fs::is_directory(ConformanceCase(""))) {                                          \
      const char* ci = std::getenv("CI");                                                  \
      ASSERT_FALSE(ci != nullptr && std::string(ci) == "true")                             \
          << "the Sigstore conformance cases are required on CI: " << ConformanceCase(""); \
      GTEST_SKIP() << "no Sigstore conformance cases beside the checkout";                 \
    }                                                                                      \
  } while (false)

TEST(KeylessAttestationTest, BundleAttestationIsVerifiedKeylessThenHeldToTheBundleStatement) {
  REQUIRE_CONFORMANCE();
  // A keyless DSSE bundle holding SLSA provenance for a.txt (public-good instance).
  const std::string bytes =
      Slurp(ConformanceCase("happy-path-intoto-in-dsse-v3") / "bundle.sigstore.json");
  const std::string subject = "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
  // The signature, log entry, SCT and chain all verify; what stops it is that the
  // statement is not about checksums.txt.
  AttestationCheck check = CheckBundleAttestation(bytes, nullptr, subject, PublicGood());
  EXPECT_FALSE(check.verified);
  EXPECT_EQ(check.reason,
            "statement: no subject \"checksums.txt\" with the digest of checksums.txt");
  // Another digest fails in the signature/artifact binding, before the statement.
  check = CheckBundleAttestation(bytes, nullptr, std::string(64, '0'), PublicGood());
  EXPECT_FALSE(check.verified);
  EXPECT_THAT(check.reason, ::testing::StartsWith("artifact: ")) << check.reason;
  // An empty trust root: nothing vouches for the log or the CA.
  KeylessTrust none = PublicGood();
  none.root = attest::TrustedRoot{};
  check = CheckBundleAttestation(bytes, nullptr, subject, none);
  EXPECT_FALSE(check.verified);
  EXPECT_THAT(check.reason, ::testing::StartsWith("tlog: ")) << check.reason;
}

TEST(KeylessAttestationTest, BinaryAttestationIsPinnedToTheReleaseWorkflow) {
  REQUIRE_CONFORMANCE();
  // A keyless message signature over a.txt by the conformance suite's workflow.
  const std::string bytes = Slurp(ConformanceCase("happy-path-v0.3") / "bundle.sigstore.json");
  const std::string digest = checksum::Sha256Hex(Slurp(ConformanceCase("a.txt")));
  // Everything verifies except who signed it: not upstream's release workflow.
  AttestationCheck check = CheckBinaryAttestation(bytes, digest, PublicGood());
  EXPECT_FALSE(check.verified);
  EXPECT_THAT(check.reason, ::testing::StartsWith("identity: ")) << check.reason;
  EXPECT_THAT(check.reason, HasSubstr("sigstore-conformance")) << check.reason;
  // The binary recorded in the bundle is not the one that was signed.
  check = CheckBinaryAttestation(bytes, std::string(64, '1'), PublicGood());
  EXPECT_FALSE(check.verified);
  EXPECT_THAT(check.reason, ::testing::Not(::testing::StartsWith("identity: "))) << check.reason;
  // No binary digest in the provenance: nothing to check it against.
  check = CheckBinaryAttestation(bytes, "", PublicGood());
  EXPECT_FALSE(check.verified);
  EXPECT_EQ(check.reason, "statement: the bundle attestation records no binary digest");
}

}  // namespace
}  // namespace aicr::client
