// `aicr verify` on bundles signed keyless: the bundle attestation and the binary
// attestation come from the test Sigstore instance, whose trusted root is given with
// --trust-root. The full chain reaches `verified`; each broken link lowers the level.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attest/dsse.h"
#include "attest/statement.h"
#include "base/clock.h"
#include "checksum/manifest.h"
#include "checksum/sha256.h"
#include "client/verify.h"
#include "tests/testing/sigstore_instance.h"

namespace aicr::client {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::SigstoreIdentity;
using ::aicr::testing::SigstoreInstance;
using ::testing::HasSubstr;

constexpr char kCreator[] = "platform-team@example.com";
constexpr char kReleaseIdentity[] =
    "https://github.com/NVIDIA/aicr/.github/workflows/on-tag.yaml@refs/tags/v1.4.0";
constexpr char kBinaryBytes[] = "not really an aicr binary\n";

void WriteFile(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class VerifyKeylessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("aicr-verify-keyless-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    bundle_ = dir_ / "bundle";
    now_ = static_cast<int64_t>(std::time(nullptr));
    clock_.emplace(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(now_)));
    Result<SigstoreInstance> instance = SigstoreInstance::Create(now_);
    ASSERT_TRUE(instance.ok()) << instance.status().ToString();
    instance_.emplace(*instance);
    WriteFile(dir_ / "trusted_root.json", instance_->TrustedRootJson());

    const std::vector<std::pair<std::string, std::string>> files = {
        {"README.md", "# bundle\n"}, {"gpu-operator/values.yaml", "a: 1\n"}};
    std::vector<std::pair<std::string_view, std::string_view>> views;
    for (const auto& [path, bytes] : files) {
      WriteFile(bundle_ / path, bytes);
      views.emplace_back(path, bytes);
    }
    WriteFile(bundle_ / "checksums.txt", *checksum::BuildManifest(views));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The bundle attestation: SLSA provenance over checksums.txt naming the binary first.
  void AttestBundle(const SigstoreInstance& instance, const std::string& creator) {
    attest::BundleProvenance provenance;
    provenance.builder_id = "https://aicr.run/bundle-cpp/v1";
    provenance.tool_version = "1.4.0";
    provenance.recipe_source = "embedded";
    provenance.dependencies.push_back(
        {.uri = "file:///usr/local/bin/aicr", .sha256 = checksum::Sha256Hex(kBinaryBytes)});
    const std::string statement = *attest::MarshalBundleStatement(
        {.name = "checksums.txt",
         .sha256 = checksum::Sha256Hex(ReadFile(bundle_ / "checksums.txt"))},
        provenance);
    SigstoreIdentity who;
    who.san = creator;
    who.san_is_uri = false;
    Result<std::string> signed_bundle =
        instance.SignDsse(attest::kInTotoPayloadType, statement, who, now_ - 120);
    ASSERT_TRUE(signed_bundle.ok()) << signed_bundle.status().ToString();
    WriteFile(bundle_ / std::string(checksum::kBundleAttestationPath), *signed_bundle);
  }

  // The binary attestation: a statement over the binary, signed by `identity`.
  void AttestBinary(const std::string& identity) {
    const std::string statement = *attest::MarshalBundleStatement(
        {.name = "aicr", .sha256 = checksum::Sha256Hex(kBinaryBytes)}, {});
    SigstoreIdentity who;
    who.san = identity;
    Result<std::string> signed_bundle =
        instance_->SignDsse(attest::kInTotoPayloadType, statement, who, now_ - 300);
    ASSERT_TRUE(signed_bundle.ok()) << signed_bundle.status().ToString();
    WriteFile(bundle_ / std::string(checksum::kBinaryAttestationPath), *signed_bundle);
  }

  VerifyReport Run(VerifyRequest req) {
    req.bundle_dir = bundle_.string();
    req.clock = &*clock_;
    Result<VerifyReport> report = Verify(req);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }
  VerifyRequest WithRoot() const {
    VerifyRequest req;
    req.trust_root = (dir_ / "trusted_root.json").string();
    return req;
  }

  fs::path dir_, bundle_;
  int64_t now_ = 0;
  std::optional<FakeClock> clock_;
  std::optional<SigstoreInstance> instance_;
};

TEST_F(VerifyKeylessTest, KeylessChainReachesVerified) {
  AttestBundle(*instance_, kCreator);
  AttestBinary(kReleaseIdentity);
  const VerifyReport report = Run(WithRoot());
  EXPECT_EQ(report.result.trust_level, TrustLevel::kVerified) << report.result.trust_reason;
  EXPECT_TRUE(report.result.bundle_attested);
  EXPECT_TRUE(report.result.binary_attested);
  EXPECT_EQ(report.result.bundle_creator, kCreator);
  EXPECT_EQ(report.result.binary_builder, kReleaseIdentity);
  EXPECT_TRUE(report.ExitStatus().ok()) << report.ExitStatus().ToString();

  // --require-creator pins the keyless signer of the bundle attestation.
  VerifyRequest pinned = WithRoot();
  pinned.policy.require_creator = kCreator;
  EXPECT_TRUE(Run(pinned).ExitStatus().ok());
  pinned.policy.require_creator = "someone-else@example.com";
  EXPECT_FALSE(Run(pinned).ExitStatus().ok());
}

TEST_F(VerifyKeylessTest, WithoutTheTrustRootTheAttestationIsUnknown) {
  AttestBundle(*instance_, kCreator);
  AttestBinary(kReleaseIdentity);
  const VerifyReport report = Run({});
  EXPECT_EQ(report.result.trust_level, TrustLevel::kUnknown);
  ASSERT_FALSE(report.result.errors.empty());
  EXPECT_THAT(report.result.errors.front(), HasSubstr("bundle attestation: tlog: log id "));
  EXPECT_EQ(report.ExitStatus().code(), ErrorCode::kUnauthorized);
}

TEST_F(VerifyKeylessTest, BinaryAttestationIdentityIsPinned) {
  AttestBundle(*instance_, kCreator);
  AttestBinary("https://github.com/someone/fork/.github/workflows/on-tag.yaml@refs/tags/v1.4.0");
  VerifyReport report = Run(WithRoot());
  EXPECT_EQ(report.result.trust_level, TrustLevel::kAttested);
  EXPECT_FALSE(report.result.binary_attested);
  ASSERT_FALSE(report.result.errors.empty());
  EXPECT_THAT(report.result.errors.front(), HasSubstr("binary attestation: identity: "));

  // --certificate-identity-regexp moves the pin within upstream's repository (another
  // workflow of it); the default pin refuses that workflow.
  AttestBinary("https://github.com/NVIDIA/aicr/.github/workflows/nightly.yaml@refs/heads/main");
  EXPECT_EQ(Run(WithRoot()).result.trust_level, TrustLevel::kAttested);
  VerifyRequest nightly = WithRoot();
  nightly.certificate_identity_regexp =
      "^https://github\\.com/NVIDIA/aicr/\\.github/workflows/nightly\\.yaml@";
  report = Run(nightly);
  EXPECT_EQ(report.result.trust_level, TrustLevel::kVerified) << report.result.trust_reason;
  EXPECT_EQ(report.result.binary_builder,
            "https://github.com/NVIDIA/aicr/.github/workflows/nightly.yaml@refs/heads/main");
}

TEST_F(VerifyKeylessTest, WithoutBinaryAttestationAKeylessSignerIsNotPinned) {
  AttestBundle(*instance_, kCreator);
  const VerifyReport report = Run(WithRoot());
  EXPECT_EQ(report.result.trust_level, TrustLevel::kAttested);
  EXPECT_TRUE(report.result.bundle_attested);
  EXPECT_THAT(report.result.trust_reason, HasSubstr("signer is not pinned"));
}

TEST_F(VerifyKeylessTest, ABundleAttestationFromAnotherInstanceIsUnknown) {
  Result<SigstoreInstance> other = SigstoreInstance::Create(now_);
  ASSERT_TRUE(other.ok());
  AttestBundle(*other, kCreator);
  const VerifyReport report = Run(WithRoot());
  EXPECT_EQ(report.result.trust_level, TrustLevel::kUnknown);
  EXPECT_EQ(report.ExitStatus().code(), ErrorCode::kUnauthorized);
}

TEST_F(VerifyKeylessTest, ChangedChecksumsBreakTheSignedSubject) {
  AttestBundle(*instance_, kCreator);
  AttestBinary(kReleaseIdentity);
  // Re-list the files (a new checksums.txt that is itself consistent).
  WriteFile(bundle_ / "extra.txt", "added after signing\n");
  const std::vector<std::pair<std::string_view, std::string_view>> views = {
      {"README.md", "# bundle\n"},
      {"extra.txt", "added after signing\n"},
      {"gpu-operator/values.yaml", "a: 1\n"}};
  WriteFile(bundle_ / "checksums.txt", *checksum::BuildManifest(views));
  const VerifyReport report = Run(WithRoot());
  EXPECT_EQ(report.result.trust_level, TrustLevel::kUnknown);
  ASSERT_FALSE(report.result.errors.empty());
  EXPECT_THAT(report.result.errors.front(), HasSubstr("bundle attestation: "));
}

}  // namespace
}  // namespace aicr::client
