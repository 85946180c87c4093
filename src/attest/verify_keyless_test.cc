#include "attest/verify_keyless.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "checksum/sha256.h"

namespace aicr::attest {
namespace {

namespace fs = std::filesystem;

// A fixed "now" after every conformance case was made (2030-01-01T00:00:00Z).
constexpr int64_t kNow = 1'893'456'000;

constexpr char kIdentity[] =
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/"
    "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
constexpr char kIssuer[] = "https://token.actions.githubusercontent.com";

fs::path CasesDir() {
  return fs::path(AICR_SOURCE_DIR) / ".." / "shared" / "conformance" / "sigstore-bundle-verify";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string FirstLine(const fs::path& p) {
  std::string line;
  std::ifstream in(p);
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.pop_back();
  }
  return line;
}

bool RequireCases() {
  if (fs::is_directory(CasesDir())) {
    return true;
  }
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string(ci) == "true") {
    ADD_FAILURE() << "conformance cases not found at " << CasesDir() << " (required on CI)";
  }
  return false;
}

struct Case {
  std::string name;
  Result<SigstoreBundle> bundle = InternalError("unset");
  Result<TrustedRoot> root = InternalError("unset");
  IdentityPolicy policy;
  Artifact artifact;
};

Case Load(const std::string& name) {
  const fs::path dir = CasesDir() / name;
  Case c;
  c.name = name;
  c.bundle = ParseSigstoreBundle(Slurp(dir / "bundle.sigstore.json"));
  c.root = ParseTrustedRoot(Slurp(fs::is_regular_file(dir / "trusted_root.json")
                                      ? dir / "trusted_root.json"
                                      : CasesDir() / "trusted_root.public_good.json"));
  c.policy.san = fs::is_regular_file(dir / "identity") ? FirstLine(dir / "identity") : kIdentity;
  c.policy.issuer = fs::is_regular_file(dir / "issuer") ? FirstLine(dir / "issuer") : kIssuer;
  c.artifact.bytes =
      Slurp(fs::is_regular_file(dir / "artifact") ? dir / "artifact" : CasesDir() / "a.txt");
  return c;
}

VerifyOutcome Keyless(const Case& c) {
  return VerifyKeyless(*c.bundle, *c.root, c.policy, c.artifact, kNow);
}

// Every certificate-based case whose bundle and trusted root parse gets its expected verdict;
// rejections name the expected step where the case is about one.
TEST(VerifyKeylessTest, ConformanceCases) {
  if (!RequireCases()) {
    GTEST_SKIP() << "conformance cases not found";
  }
  const std::map<std::string, VerifyStep> expected_steps = {
      {"bundle-with-root-cert_fail", VerifyStep::kCertificate},
      {"invalid-ct-key_fail", VerifyStep::kSct},
      {"rekor2-no-timestamp_fail", VerifyStep::kTimestamp},
      {"rekor2-timestamp-payload-mismatch_fail", VerifyStep::kTimestamp},
      {"rekor2-timestamp-with-incorrect-time_fail", VerifyStep::kTimestamp},
      {"intoto-tsa-timestamp-outside-cert-validity_fail", VerifyStep::kTimestamp},
      {"checkpoint-wrong-roothash_fail", VerifyStep::kTlog},
      {"bundle-from-wrong-instance_fail", VerifyStep::kTlog},
      {"message-digest-mismatch_fail", VerifyStep::kArtifact},
      {"wrong-material_fail", VerifyStep::kArtifact},
      {"signature-mismatch_fail", VerifyStep::kSignature},
      {"dsse-invalid-sig_fail", VerifyStep::kSignature},
      {"rekor2-dsse-invalid-sig_fail", VerifyStep::kSignature},
      {"dsse-mismatch-sig_fail", VerifyStep::kTlog},
      {"intoto-set-outside-signing-cert-validity_fail", VerifyStep::kTlog},
  };
  int verified = 0;
  int rejected = 0;
  for (const auto& e : fs::directory_iterator(CasesDir())) {
    const std::string name = e.path().filename().string();
    if (!e.is_directory() || fs::is_regular_file(e.path() / "key.pub") ||
        !fs::is_regular_file(e.path() / "bundle.sigstore.json")) {
      continue;
    }
    const Case c = Load(name);
    const bool must_fail = name.size() > 5 && name.substr(name.size() - 5) == "_fail";
    // Only the malformed trust root case may fail to parse its root; only failing cases their
    // bundle (those are covered by the parser tests).
    EXPECT_TRUE(c.root.ok() || name == "trust-root-tlog-missing-validity-start_fail")
        << name << ": " << c.root.status().message();
    EXPECT_TRUE(c.bundle.ok() || must_fail) << name << ": " << c.bundle.status().message();
    if (!c.bundle.ok() || !c.root.ok()) {
      continue;
    }
    const VerifyOutcome out = Keyless(c);
    EXPECT_EQ(out.verified, !must_fail)
        << name << ": " << StepName(out.failed_step) << ": " << out.reason;
    if (out.verified) {
      ++verified;
      EXPECT_EQ(out.signer, c.policy.san) << name;
    } else {
      ++rejected;
      EXPECT_FALSE(out.reason.empty()) << name;
    }
    if (auto it = expected_steps.find(name); it != expected_steps.end()) {
      EXPECT_EQ(StepName(out.failed_step), StepName(it->second)) << name << ": " << out.reason;
    }
  }
  EXPECT_GE(verified, 15);
  EXPECT_GE(rejected, 30);
}

TEST(VerifyKeylessTest, IdentityPolicyIsEnforced) {
  if (!RequireCases()) {
    GTEST_SKIP() << "conformance cases not found";
  }
  for (const char* name : {"happy-path-v0.3", "rekor2-happy-path"}) {
    Case c = Load(name);
    ASSERT_TRUE(c.bundle.ok() && c.root.ok()) << name;
    ASSERT_TRUE(Keyless(c).verified) << name << ": " << Keyless(c).reason;

    Case wrong_san = c;
    wrong_san.policy.san = "https://github.com/someone/else";
    VerifyOutcome out = Keyless(wrong_san);
    EXPECT_FALSE(out.verified);
    EXPECT_EQ(out.failed_step, VerifyStep::kIdentity) << out.reason;

    Case wrong_issuer = c;
    wrong_issuer.policy.issuer = "https://accounts.google.com";
    out = Keyless(wrong_issuer);
    EXPECT_EQ(out.failed_step, VerifyStep::kIdentity) << out.reason;
    EXPECT_EQ(out.reason, "identity: OIDC issuer \"" + std::string(kIssuer) +
                              "\" is not \"https://accounts.google.com\"");

    Case regex = c;
    regex.policy.san.clear();
    regex.policy.san_regex = "^https://github\\.com/sigstore-conformance/.*@refs/heads/main$";
    EXPECT_TRUE(Keyless(regex).verified) << Keyless(regex).reason;
    regex.policy.san_regex = "^https://gitlab\\.com/";
    EXPECT_EQ(Keyless(regex).failed_step, VerifyStep::kIdentity);
  }
}

TEST(VerifyKeylessTest, ArtifactAndTrustRootMatter) {
  if (!RequireCases()) {
    GTEST_SKIP() << "conformance cases not found";
  }
  Case c = Load("happy-path-v0.3");
  ASSERT_TRUE(c.bundle.ok() && c.root.ok());

  Case digest_only = c;
  digest_only.artifact.sha256_hex = checksum::Sha256Hex(*c.artifact.bytes);
  digest_only.artifact.bytes.reset();
  EXPECT_TRUE(Keyless(digest_only).verified) << Keyless(digest_only).reason;

  Case other = c;
  other.artifact.bytes = "something else\n";
  VerifyOutcome out = Keyless(other);
  EXPECT_FALSE(out.verified);

  // Without the certificate authorities, the chain cannot be anchored.
  Case no_ca = c;
  no_ca.root->cas.clear();
  out = Keyless(no_ca);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kCertificate) << out.reason;

  // The embedded public-good root verifies a public-good bundle on its own.
  out = VerifyKeyless(*c.bundle, PublicGoodTrustedRoot(), c.policy, c.artifact, kNow);
  EXPECT_TRUE(out.verified) << out.reason;
}

TEST(VerifyKeylessTest, KeySignedBundleNamesTheCertificateStep) {
  if (!RequireCases()) {
    GTEST_SKIP() << "conformance cases not found";
  }
  Case c = Load("managed-key-happy-path");
  ASSERT_TRUE(c.bundle.ok() && c.root.ok());
  const VerifyOutcome out = Keyless(c);
  EXPECT_FALSE(out.verified);
  EXPECT_EQ(out.failed_step, VerifyStep::kCertificate);
  EXPECT_EQ(out.reason, "bundle is signed with a key, not a certificate; verify it with --key");
}

}  // namespace
}  // namespace aicr::attest
