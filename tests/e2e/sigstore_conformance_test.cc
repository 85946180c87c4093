// The public Sigstore bundle-verification conformance cases, run through the real
// `aicr verify-blob`: every case (key-based and certificate-based) gets its expected verdict, and
// every rejection its documented exit code, the step that failed and the reason its README gives.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "serialize/json_reader.h"
#include "serialize/value.h"
#include "tests/e2e/subprocess.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;

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

// What `aicr verify-blob` must answer for a failing case: the exit code, the step it names
// ("" when the input is refused before verification starts: a key or trusted root that does not
// load) and a fragment of the reason, chosen to match what the case's README says is wrong.
struct Rejection {
  const char* name;
  int exit_code;
  const char* step;
  const char* reason;
};

constexpr Rejection kRejections[] = {
    // Bundle parsing.
    {"bundle-empty-certificate-chain_fail", 2, "bundle", "empty certificate chain"},
    {"bundle-invalid-base64-signature_fail", 2, "bundle",
     "invalid base64 in messageSignature.signature"},
    {"bundle-malformed-json_fail", 2, "bundle", "malformed JSON"},
    {"bundle-negative-log-index_fail", 2, "bundle", "negative logIndex -1"},
    {"bundle-unknown-version_fail", 2, "bundle", "unknown bundle version"},
    // Verification material that cannot be loaded.
    {"managed-key-wrong-key_fail", 2, "", "malformed PEM public key"},
    {"trust-root-tlog-missing-validity-start_fail", 2, "", "validFor.start is required"},
    // Certificate, SCT.
    {"bundle-with-root-cert_fail", 4, "certificate", "the bundle carries a root certificate"},
    {"managed-key-no-key_fail", 4, "certificate", "signed with a key, not a certificate"},
    {"invalid-ct-key_fail", 4, "sct", "no SCT is from a CT log of the trusted root"},
    // Signature and artifact.
    {"signature-mismatch_fail", 4, "signature",
     "message signature does not verify with the signing certificate's key"},
    {"dsse-invalid-sig_fail", 4, "signature",
     "dsse signature does not verify with the signing certificate's key"},
    {"rekor2-dsse-invalid-sig_fail", 4, "signature",
     "dsse signature does not verify with the signing certificate's key"},
    {"message-digest-mismatch_fail", 4, "artifact", "message digest does not match the artifact"},
    {"wrong-material_fail", 4, "artifact", "message digest does not match the artifact"},
    // Transparency log: which log, its signatures and proofs.
    {"bundle-from-wrong-instance_fail", 4, "tlog", "is not a transparency log of the trusted root"},
    {"set-invalid-signature_fail", 4, "tlog", "signed entry timestamp does not verify"},
    {"incorrect-public-key_fail", 4, "tlog", "signed entry timestamp does not verify"},
    {"checkpoint-bad-keyhint_fail", 4, "tlog", "no signature line matches the log key"},
    {"checkpoint-wrong-roothash_fail", 4, "tlog",
     "checkpoint root hash does not match the inclusion proof root hash"},
    {"invalid-checkpoint-signature_fail", 4, "tlog",
     "checkpoint: signature by \"rekor.sigstore.dev\" does not verify"},
    {"inclusion-proof-corrupted-hash_fail", 4, "tlog", "inclusion proof: merkle: computed root"},
    {"invalid-inclusion-proof_fail", 4, "tlog", "inclusion proof: merkle: computed root"},
    {"intoto-missing-inclusion-proof_fail", 4, "tlog", "entry has no inclusion proof"},
    {"rekor2-no-inclusion-proof_fail", 4, "tlog", "Rekor v2 entry has no inclusion proof"},
    {"rekor2-checkpoint-missing-log-signature_fail", 4, "tlog", "checkpoint: no signature lines"},
    {"rekor2-checkpoint-missing-origin_fail", 4, "tlog", "checkpoint: missing origin line"},
    {"rekor2-checkpoint-missing-root-hash_fail", 4, "tlog", "checkpoint: missing root hash line"},
    {"rekor2-checkpoint-missing-size_fail", 4, "tlog", "checkpoint: missing tree size line"},
    {"rekor2-checkpoint-no-matching-signature_fail", 4, "tlog",
     "checkpoint origin \"log2025-alpha1.rekor.github.dev\" is not the log"},
    // Transparency log: the entry against the bundle.
    {"dsse-mismatch-envelope_fail", 4, "tlog", "dsse payload hash in the entry does not match"},
    {"dsse-mismatch-sig_fail", 4, "tlog", "dsse entry signatures do not include the envelope"},
    {"intoto-log-entry-mismatch_fail", 4, "tlog", "intoto entry signatures do not include"},
    {"rekor2-dsse-mismatch-envelope_fail", 4, "tlog", "entry digest does not match the DSSE"},
    {"rekor2-dsse-mismatch-sig_fail", 4, "tlog", "entry signature does not match the bundle"},
    {"wrong-hashedrekord-artifact_fail", 4, "tlog", "entry digest does not match the artifact"},
    {"wrong-hashedrekord-entry_fail", 4, "tlog", "entry digest does not match the artifact"},
    {"wrong-hashedrekord-cert-and-sig_fail", 4, "tlog",
     "entry signature does not match the bundle"},
    // Transparency log: integrated time against the certificate.
    {"integrated-time-in-future_fail", 4, "tlog",
     "integrated time 2026-05-07T15:34:11Z is outside the signing certificate validity"},
    {"intoto-expired-certificate_fail", 4, "tlog",
     "outside the signing certificate validity (2030-01-01T00:00:00Z to"},
    {"intoto-set-outside-signing-cert-validity_fail", 4, "tlog",
     "integrated time 2023-02-02T00:00:00Z is outside the signing certificate validity"},
    // RFC 3161 timestamps.
    {"rekor2-no-timestamp_fail", 4, "timestamp", "so an RFC 3161 timestamp is required"},
    {"rekor2-timestamp-payload-mismatch_fail", 4, "timestamp", "message imprint does not match"},
    {"rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", 4, "timestamp",
     "not signed by a trusted timestamp authority"},
    {"rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail", 4, "timestamp",
     "not signed by a trusted timestamp authority"},
    {"rekor2-timestamp-outside-tsa-cert-validity_fail", 4, "timestamp",
     "not signed by a trusted timestamp authority (\"https://localhost:3000"},
    {"rekor2-timestamp-outside-trust-root-tsa-validity_fail", 4, "timestamp",
     "outside the validity of timestamp authority"},
    {"rekor2-timestamp-with-incorrect-time_fail", 4, "timestamp",
     "time 2025-07-15T10:33:31Z is outside the signing certificate validity"},
    {"intoto-tsa-timestamp-outside-cert-validity_fail", 4, "timestamp",
     "time 2023-02-02T00:00:00Z is outside the signing certificate validity"},
};

// A field of the JSON report: the boolean or string, or false / "" when absent or mistyped.
bool BoolField(const Result<serialize::Value>& report, std::string_view key) {
  const serialize::Value* v = report.ok() ? report->Find(key) : nullptr;
  return v != nullptr && v->if_bool() != nullptr && *v->if_bool();
}
std::string StringField(const Result<serialize::Value>& report, std::string_view key) {
  const serialize::Value* v = report.ok() ? report->Find(key) : nullptr;
  return v != nullptr && v->if_string() != nullptr ? *v->if_string() : std::string();
}

bool IsFailCase(const std::string& name) {
  return name.size() > 5 && name.compare(name.size() - 5, 5, "_fail") == 0;
}

ProcessResult VerifyBlob(const fs::path& dir, const fs::path& c, const std::string& format) {
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
                                   root.string(),
                                   "--format",
                                   format};
  if (fs::is_regular_file(c / "key.pub")) {
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
  return RunProcess(argv, options);
}

// Every case gets its expected verdict through the real binary, in text and JSON output; every
// rejection exits with its documented code and names the step and reason from the table above.
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

  std::map<std::string, const Rejection*> table;
  for (const Rejection& r : kRejections) {
    EXPECT_TRUE(table.emplace(r.name, &r).second) << "listed twice: " << r.name;
    EXPECT_TRUE(fs::is_directory(dir / r.name)) << "no such case: " << r.name;
  }

  int expected_verdicts = 0;
  int expected_reasons = 0;
  std::vector<std::string> misses;
  for (const fs::path& c : cases) {
    const std::string name = c.filename().string();
    SCOPED_TRACE(name);
    const ProcessResult text = VerifyBlob(dir, c, "text");
    const ProcessResult json = VerifyBlob(dir, c, "json");
    EXPECT_LT(text.exit_code, 128) << "crashed (signal " << text.exit_code - 128 << ")\n"
                                   << text.err;
    EXPECT_EQ(json.exit_code, text.exit_code) << json.out << json.err;
    Result<serialize::Value> report = serialize::ParseJson(json.out);

    if (!IsFailCase(name)) {
      const bool ok = text.exit_code == 0 && text.out.rfind("verified (signer: ", 0) == 0;
      EXPECT_TRUE(ok) << "expected verification, got exit " << text.exit_code << ": " << text.out
                      << text.err;
      EXPECT_TRUE(BoolField(report, "verified")) << json.out;
      (ok ? ++expected_verdicts : (misses.push_back(name), 0));
      continue;
    }

    const auto it = table.find(name);
    ASSERT_NE(it, table.end()) << "a failing case without an expected reason in kRejections";
    const Rejection& want = *it->second;
    const bool rejected = text.exit_code != 0 && text.exit_code < 128;
    (rejected ? ++expected_verdicts : (misses.push_back(name), 0));
    EXPECT_EQ(text.exit_code, want.exit_code) << text.out << text.err;
    bool reason_ok = false;
    if (std::string(want.step).empty()) {
      // Refused before verification: nothing on stdout, the reason on stderr.
      EXPECT_EQ(text.out, "");
      reason_ok = text.err.find(want.reason) != std::string::npos;
      EXPECT_TRUE(reason_ok) << text.err;
    } else {
      const std::string prefix = std::string("failed (") + want.step + "): ";
      EXPECT_EQ(text.out.rfind(prefix, 0), 0u) << text.out;
      EXPECT_NE(text.out.find(want.reason), std::string::npos) << text.out;
      ASSERT_TRUE(report.ok()) << report.status().message() << "\n" << json.out;
      ASSERT_NE(report->Find("verified"), nullptr) << json.out;
      EXPECT_FALSE(BoolField(report, "verified"));
      EXPECT_EQ(StringField(report, "failedStep"), want.step);
      EXPECT_NE(StringField(report, "reason").find(want.reason), std::string::npos) << json.out;
      reason_ok = text.out.rfind(prefix, 0) == 0 &&
                  text.out.find(want.reason) != std::string::npos &&
                  StringField(report, "failedStep") == want.step &&
                  StringField(report, "reason").find(want.reason) != std::string::npos;
    }
    reason_ok &= text.exit_code == want.exit_code;
    expected_reasons += reason_ok ? 1 : 0;
  }
  EXPECT_EQ(table.size(), static_cast<std::size_t>(std::count_if(
                              cases.begin(), cases.end(),
                              [](const fs::path& p) { return IsFailCase(p.filename().string()); })))
      << "every failing case needs an entry in kRejections";
  std::cout << expected_verdicts << "/" << cases.size() << " cases got their expected verdict; "
            << expected_reasons << "/" << table.size()
            << " rejections named the expected step and reason\n";
  if (!misses.empty()) {
    std::ostringstream list;
    for (const std::string& m : misses) {
      list << " " << m;
    }
    std::cout << "wrong verdict:" << list.str() << "\n";
  }
  ::testing::Test::RecordProperty("expected_verdicts", expected_verdicts);
  ::testing::Test::RecordProperty("expected_reasons", expected_reasons);
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
