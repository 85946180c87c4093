// The public Sigstore bundle-verification conformance cases, run through the real
// `aicr verify-blob`. Every case must end without a crash and with a documented exit
// code, and every case (key-based and certificate-based) must get its expected
// verdict.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/subprocess.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;

/// When true, every case (keyless included) must get its expected verdict.
constexpr bool kAllCasesMandatory = true;

constexpr char kDefaultIdentity[] =
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/"
    "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
constexpr char kDefaultIssuer[] = "https://token.actions.githubusercontent.com";

fs::path CasesDir() {
  return fs::path(AICR_SOURCE_DIR) / ".." / "shared" / "conformance" / "sigstore-bundle-verify";
}

std::string FirstLine(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.pop_back();
  }
  return line;
}

bool IsCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

TEST(SigstoreConformanceTest, BundleVerifyCases) {
  const fs::path dir = CasesDir();
  if (!fs::is_directory(dir)) {
    if (IsCi()) {
      FAIL() << "conformance cases not found at " << dir << " (required when CI=true)";
    }
    GTEST_SKIP() << "conformance cases not found at " << dir;
  }
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && fs::is_regular_file(e.path() / "bundle.sigstore.json")) {
      cases.push_back(e.path());
    }
  }
  std::sort(cases.begin(), cases.end());
  ASSERT_GT(cases.size(), 10u);

  int expected_verdicts = 0;
  int key_cases = 0;
  std::vector<std::string> misses;
  for (const fs::path& c : cases) {
    const std::string name = c.filename().string();
    const bool must_fail = name.size() > 5 && name.substr(name.size() - 5) == "_fail";
    const bool has_key = fs::is_regular_file(c / "key.pub");
    const fs::path artifact = fs::is_regular_file(c / "artifact") ? c / "artifact" : dir / "a.txt";
    const fs::path root = fs::is_regular_file(c / "trusted_root.json")
                              ? c / "trusted_root.json"
                              : dir / "trusted_root.public_good.json";
    std::vector<std::string> argv = {AICR_BINARY,
                                     "verify-blob",
                                     artifact.string(),
                                     "--bundle",
                                     (c / "bundle.sigstore.json").string(),
                                     "--trusted-root",
                                     root.string()};
    if (has_key) {
      argv.insert(argv.end(), {"--key", (c / "key.pub").string()});
    } else {
      const std::string identity =
          fs::is_regular_file(c / "identity") ? FirstLine(c / "identity") : kDefaultIdentity;
      const std::string issuer =
          fs::is_regular_file(c / "issuer") ? FirstLine(c / "issuer") : kDefaultIssuer;
      argv.insert(argv.end(),
                  {"--certificate-identity", identity, "--certificate-oidc-issuer", issuer});
    }
    ProcessOptions options;
    options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON"};
    const ProcessResult r = RunProcess(argv, options);

    // Never a crash, and only documented outcomes: 0 verified, 2 malformed input,
    // 4 rejected.
    EXPECT_LT(r.exit_code, 128) << name << " crashed (signal " << r.exit_code - 128 << ")\n"
                                << r.err;
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2 || r.exit_code == 4)
        << name << ": exit " << r.exit_code << "\n"
        << r.out << r.err;
    if (r.exit_code == 0) {
      EXPECT_EQ(r.out.rfind("verified", 0), 0u) << name << ": " << r.out;
    } else if (r.exit_code == 4) {
      EXPECT_EQ(r.out.rfind("failed (", 0), 0u) << name << ": " << r.out;
    }

    const bool got_expected =
        must_fail ? (r.exit_code != 0 && r.exit_code < 128) : r.exit_code == 0;
    if (got_expected) {
      ++expected_verdicts;
    } else {
      misses.push_back(name);
    }
    if (has_key) {
      ++key_cases;
      EXPECT_TRUE(got_expected) << name << " (key-based) expected "
                                << (must_fail ? "rejection" : "verification") << ", got exit "
                                << r.exit_code << ": " << r.out << r.err;
    } else if (kAllCasesMandatory) {
      EXPECT_TRUE(got_expected) << name << " expected "
                                << (must_fail ? "rejection" : "verification") << ", got exit "
                                << r.exit_code << ": " << r.out << r.err;
    }
  }
  EXPECT_GT(key_cases, 0);
  std::cout << expected_verdicts << "/" << cases.size() << " cases got their expected verdict ("
            << key_cases << " key-based; "
            << (kAllCasesMandatory ? "every case required" : "key-based cases required") << ")\n";
  if (!misses.empty()) {
    std::ostringstream list;
    for (const std::string& m : misses) {
      list << " " << m;
    }
    std::cout << "not yet:" << list.str() << "\n";
  }
  ::testing::Test::RecordProperty("expected_verdicts", expected_verdicts);
  ::testing::Test::RecordProperty("cases", static_cast<int>(cases.size()));
}

// Certificate-based verification through the CLI: the embedded public-good root is used when
// --trusted-root is absent, the identity policy is enforced and required, and every rejection
// names its step.
TEST(SigstoreConformanceTest, KeylessVerifyBlobFlags) {
  const fs::path dir = CasesDir();
  if (!fs::is_directory(dir / "happy-path-v0.3")) {
    if (IsCi()) {
      FAIL() << "conformance cases not found at " << dir << " (required when CI=true)";
    }
    GTEST_SKIP() << "conformance cases not found at " << dir;
  }
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON"};
  const std::vector<std::string> base = {
      AICR_BINARY, "verify-blob", (dir / "a.txt").string(), "--bundle",
      (dir / "happy-path-v0.3" / "bundle.sigstore.json").string()};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, options);
  };

  ProcessResult r = with(
      {"--certificate-identity", kDefaultIdentity, "--certificate-oidc-issuer", kDefaultIssuer});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind(std::string("verified (signer: ") + kDefaultIdentity, 0), 0u) << r.out;

  r = with({"--certificate-identity-regexp", "^https://github\\.com/sigstore-conformance/",
            "--certificate-oidc-issuer", kDefaultIssuer});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  r = with({"--certificate-identity", "https://github.com/someone/else",
            "--certificate-oidc-issuer", kDefaultIssuer});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("failed (identity): ", 0), 0u) << r.out;

  r = with({"--certificate-identity", kDefaultIdentity, "--certificate-oidc-issuer",
            "https://accounts.google.com"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("failed (identity): ", 0), 0u) << r.out;

  // A certificate proves nothing without an identity policy.
  r = with({});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("needs --certificate-identity"), std::string::npos) << r.err;
  r = with({"--certificate-identity", kDefaultIdentity});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("needs --certificate-oidc-issuer"), std::string::npos) << r.err;

  // Another instance's trusted root does not anchor a public-good bundle.
  r = with({"--certificate-identity", kDefaultIdentity, "--certificate-oidc-issuer", kDefaultIssuer,
            "--trusted-root", (dir / "rekor2-happy-path" / "trusted_root.json").string()});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("failed (", 0), 0u) << r.out;
}

}  // namespace
}  // namespace aicr
