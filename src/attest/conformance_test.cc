// The public Sigstore bundle-verification conformance cases, kept beside the checkout in
// ../shared/conformance/sigstore-bundle-verify (never copied into the repository): every
// bundle parses or is rejected cleanly, the parse-level failure cases are rejected at
// parse with the matching reason, and every managed-key case verifies or fails as named.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "attest/keys.h"
#include "attest/sigstore_bundle.h"
#include "attest/test_keys.h"
#include "attest/verify.h"

namespace aicr::attest {
namespace {

namespace fs = std::filesystem;
using ::aicr::attest::testing::GeneratePrivateKeyPem;
using ::aicr::attest::testing::ReadFile;
using ::aicr::attest::testing::TestKey;
using ::testing::HasSubstr;

std::string SourceDir() {
  const char* env = std::getenv("AICR_SOURCE_DIR");
  if (env != nullptr && *env != '\0') {
    return env;
  }
  return AICR_SOURCE_DIR;
}

fs::path CasesDir() {
  return fs::path(SourceDir()).parent_path() / "shared" / "conformance" / "sigstore-bundle-verify";
}

// Skips when the vectors are absent, except on CI (CI=true), where that fails.
#define REQUIRE_CONFORMANCE_CASES()                                             \
  do {                                                                          \
    if (!fs::is_directory(CasesDir())) {                                        \
      const char* ci = std::getenv("CI");                                       \
      if (ci != nullptr && std::string(ci) == "true") {                         \
        FAIL() << "conformance cases missing at " << CasesDir().string();       \
      }                                                                         \
      GTEST_SKIP() << "conformance cases not found at " << CasesDir().string(); \
    }                                                                           \
  } while (false)

std::vector<fs::path> CaseDirs() {
  std::vector<fs::path> out;
  for (const fs::directory_entry& e : fs::directory_iterator(CasesDir())) {
    if (e.is_directory() && fs::exists(e.path() / "bundle.sigstore.json")) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool IsFailCase(const fs::path& dir) {
  const std::string name = dir.filename().string();
  return name.size() > 5 && name.compare(name.size() - 5, 5, "_fail") == 0;
}

std::string ArtifactOf(const fs::path& dir) {
  if (fs::exists(dir / "artifact")) {
    return ReadFile((dir / "artifact").string());
  }
  return ReadFile((CasesDir() / "a.txt").string());
}

TEST(ConformanceTest, EveryBundleParsesOrIsRejectedCleanly) {
  REQUIRE_CONFORMANCE_CASES();
  const std::vector<fs::path> dirs = CaseDirs();
  ASSERT_GE(dirs.size(), 10u);
  Result<PrivateKey> unrelated =
      PrivateKey::FromPem(GeneratePrivateKeyPem(TestKey::kEcP256Pkcs8), "k");
  ASSERT_TRUE(unrelated.ok());
  for (const fs::path& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    Result<SigstoreBundle> bundle =
        ParseSigstoreBundle(ReadFile((dir / "bundle.sigstore.json").string()));
    if (!bundle.ok()) {
      EXPECT_EQ(bundle.status().code(), ErrorCode::kInvalidRequest);
      EXPECT_THAT(bundle.status().message(), ::testing::StartsWith("sigstore bundle: "));
      EXPECT_TRUE(IsFailCase(dir))
          << "a passing case was rejected at parse: " << bundle.status().message();
      continue;
    }
    // No key of ours may ever verify a bundle we were not given the key for.
    VerifyOutcome out =
        VerifyWithKey(*bundle, unrelated->public_key(), Artifact{ArtifactOf(dir), {}});
    EXPECT_FALSE(out.verified);
    if (!bundle->material.public_key_hint.has_value()) {
      EXPECT_EQ(out.failed_step, VerifyStep::kCertificate);
    }
  }
}

TEST(ConformanceTest, ParseLevelFailuresAreRejectedWithMatchingReason) {
  REQUIRE_CONFORMANCE_CASES();
  const std::map<std::string, std::string> expected = {
      {"bundle-malformed-json_fail", "malformed JSON"},
      {"bundle-unknown-version_fail", "unknown bundle version"},
      {"bundle-invalid-base64-signature_fail", "invalid base64 in messageSignature.signature"},
      {"bundle-empty-certificate-chain_fail", "empty certificate chain"},
      {"bundle-negative-log-index_fail", "negative logIndex"},
  };
  for (const auto& [name, reason] : expected) {
    SCOPED_TRACE(name);
    const fs::path file = CasesDir() / name / "bundle.sigstore.json";
    ASSERT_TRUE(fs::exists(file));
    Result<SigstoreBundle> bundle = ParseSigstoreBundle(ReadFile(file.string()));
    ASSERT_FALSE(bundle.ok());
    EXPECT_EQ(bundle.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_THAT(bundle.status().message(), HasSubstr(reason));
  }
}

TEST(ConformanceTest, ManagedKeyCases) {
  REQUIRE_CONFORMANCE_CASES();
  int verified = 0;
  int rejected = 0;
  for (const fs::path& dir : CaseDirs()) {
    if (!fs::exists(dir / "key.pub")) {
      continue;
    }
    SCOPED_TRACE(dir.filename().string());
    Result<SigstoreBundle> bundle =
        ParseSigstoreBundle(ReadFile((dir / "bundle.sigstore.json").string()));
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    Result<PublicKey> key = LoadPublicKey("file://" + (dir / "key.pub").string());
    if (IsFailCase(dir) && !key.ok()) {
      // A corrupted key is rejected before any signature check.
      EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
      ++rejected;
      continue;
    }
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    VerifyOutcome out = VerifyWithKey(*bundle, *key, Artifact{ArtifactOf(dir), {}});
    if (IsFailCase(dir)) {
      EXPECT_FALSE(out.verified);
      ++rejected;
    } else {
      EXPECT_TRUE(out.verified) << StepName(out.failed_step) << ": " << out.reason;
      // Our key hint is the one Sigstore clients write.
      EXPECT_EQ(bundle->material.public_key_hint, key->Hint());
      EXPECT_EQ(out.signer, key->Hint());
      ++verified;
    }
  }
  EXPECT_GE(verified, 2);  // managed-key-happy-path, managed-key-and-trusted-root
  EXPECT_GE(rejected, 1);  // managed-key-wrong-key_fail
  // managed-key-wrong-key_fail ships a corrupted public key (its base64 body is not a valid
  // point encoding): loading it fails with a specific error, so nothing can verify.
  const fs::path wrong = CasesDir() / "managed-key-wrong-key_fail";
  ASSERT_TRUE(fs::exists(wrong / "key.pub"));
  Result<PublicKey> key = LoadPublicKey((wrong / "key.pub").string());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(key.status().message(), HasSubstr("malformed PEM public key"));
}

}  // namespace
}  // namespace aicr::attest
