// Black-box tests of `aicr verify` and `aicr verify-blob`: real bundles made by
// `aicr bundle` (unsigned, and signed offline with a local key), a tamper matrix
// that touches every file of a signed bundle, the JSON document, policy flags,
// --config and exit codes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base/base64.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/sigstore_instance.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestTempDir;
using ::testing::HasSubstr;

constexpr int kExitInvalidRequest = 2;
constexpr int kExitUnauthorized = 4;

ProcessResult Aicr(std::vector<std::string> args) {
  args.insert(args.begin(), AICR_BINARY);
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON", "NO_COLOR", "KUBECONFIG"};
  return RunProcess(args, options);
}

void WriteFile(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// An ECDSA P-256 key pair as PEM files `<stem>.pem` and `<stem>.pub`.
void WriteKeyPair(const fs::path& stem) {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  ASSERT_NE(pkey, nullptr);
  auto pem = [&](bool pub) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (pub) {
      PEM_write_bio_PUBKEY(bio, pkey);
    } else {
      PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
  };
  WriteFile(stem.string() + ".pem", pem(false));
  WriteFile(stem.string() + ".pub", pem(true));
  EVP_PKEY_free(pkey);
}

nlohmann::json Json(const ProcessResult& r) {
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON: " << r.out << "\nstderr: " << r.err;
  return j;
}

// Shared fixtures, made once: a recipe, a key pair (plus a second one), an unsigned
// bundle and a bundle signed with the first key.
struct Fixtures {
  fs::path root, key, other_key, unsigned_bundle, signed_bundle;
};

const Fixtures& Shared() {
  static const Fixtures f = [] {
    Fixtures x;
    x.root = fs::path(TestTempDir()) / "verify-e2e";
    fs::remove_all(x.root);
    fs::create_directories(x.root);
    x.key = x.root / "key";
    x.other_key = x.root / "other";
    WriteKeyPair(x.key);
    WriteKeyPair(x.other_key);
    const std::string recipe = (x.root / "recipe.yaml").string();
    ProcessResult r = Aicr({"recipe", "--service", "eks", "--accelerator", "h100", "--os", "ubuntu",
                            "--intent", "training", "--output", recipe});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    x.unsigned_bundle = x.root / "unsigned";
    r = Aicr({"bundle", "-r", recipe, "-o", x.unsigned_bundle.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    x.signed_bundle = x.root / "signed";
    r = Aicr({"bundle", "-r", recipe, "-o", x.signed_bundle.string(), "--attest", "--signing-key",
              x.key.string() + ".pem", "--tlog-upload=false"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(
        fs::is_regular_file(x.signed_bundle / "attestation/bundle-attestation.sigstore.json"));
    return x;
  }();
  return f;
}

std::string Pub(const fs::path& stem) { return stem.string() + ".pub"; }

// A fresh copy of `bundle` under the test's own directory.
fs::path CopyBundle(const fs::path& bundle, const std::string& name) {
  const fs::path dst = Shared().root / "work" / name;
  fs::remove_all(dst);
  fs::create_directories(dst.parent_path());
  fs::copy(bundle, dst, fs::copy_options::recursive);
  return dst;
}

// Every regular file of `dir`, relative, sorted.
std::vector<std::string> FilesOf(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      out.push_back(fs::relative(e.path(), dir).generic_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(VerifyE2eTest, UnsignedBundleIsUnverifiedAndPassesByDefault) {
  const Fixtures& f = Shared();
  ProcessResult r = Aicr({"verify", f.unsigned_bundle.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("trust level:        unverified (2)"));
  EXPECT_THAT(r.out, HasSubstr("bundle verification: PASSED"));

  r = Aicr({"verify", f.unsigned_bundle.string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = Json(r);
  std::vector<std::string> keys;
  for (const auto& [k, unused] : j.items()) {
    keys.push_back(k);
  }
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre(
                        "trustLevel", "checksumsPassed", "checksumFiles", "bundleAttested",
                        "binaryAttested", "identityPinned", "bundleCreator", "binaryBuilder",
                        "toolVersion", "hasExternalData", "trustReason", "errors"));
  EXPECT_EQ(j["trustLevel"], "unverified");
  EXPECT_EQ(j["checksumsPassed"], true);
  EXPECT_EQ(j["checksumFiles"].get<int>(),
            static_cast<int>(FilesOf(f.unsigned_bundle).size()) - 1);  // all but checksums.txt
  EXPECT_EQ(j["bundleAttested"], false);
  EXPECT_EQ(j["hasExternalData"], false);
  EXPECT_TRUE(j["errors"].empty());

  // Asking for more fails after the report is printed: exit 2, report on stdout.
  r = Aicr({"verify", f.unsigned_bundle.string(), "--min-trust-level", "verified", "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitInvalidRequest);
  EXPECT_EQ(Json(r)["trustLevel"], "unverified");
  EXPECT_THAT(r.err, HasSubstr("does not meet minimum \"verified\""));
  EXPECT_EQ(Aicr({"verify", f.unsigned_bundle.string(), "--min-trust-level", "max"}).exit_code, 0);
  EXPECT_EQ(Aicr({"verify", f.unsigned_bundle.string(), "--min-trust-level", "unknown"}).exit_code,
            0);
}

TEST(VerifyE2eTest, UnsignedBundleByteFlipIsUnknown) {
  const Fixtures& f = Shared();
  const fs::path b = CopyBundle(f.unsigned_bundle, "unsigned-flip");
  WriteFile(b / "recipe.yaml", ReadFile(b / "recipe.yaml") + "#");
  const ProcessResult r = Aicr({"verify", b.string(), "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized) << r.err;
  EXPECT_EQ(Json(r)["trustLevel"], "unknown");
  EXPECT_EQ(Json(r)["checksumsPassed"], false);
}

TEST(VerifyE2eTest, KeySignedBundle) {
  const Fixtures& f = Shared();
  ProcessResult r = Aicr({"verify", f.signed_bundle.string(), "--key", Pub(f.key), "-t", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json j = Json(r);
  EXPECT_EQ(j["trustLevel"], "verified");
  EXPECT_EQ(j["bundleAttested"], true);
  EXPECT_EQ(j["identityPinned"], true);
  EXPECT_EQ(j["binaryAttested"], false);
  EXPECT_FALSE(j["bundleCreator"].get<std::string>().empty());
  EXPECT_FALSE(j["toolVersion"].get<std::string>().empty());
  const std::string creator = j["bundleCreator"];

  EXPECT_EQ(
      Aicr({"verify", f.signed_bundle.string(), "--key", Pub(f.key), "--require-creator", creator})
          .exit_code,
      0);
  r = Aicr({"verify", f.signed_bundle.string(), "--key", Pub(f.key), "--require-creator",
            "someone-else"});
  EXPECT_EQ(r.exit_code, kExitInvalidRequest);
  EXPECT_THAT(r.err, HasSubstr("does not match required \"someone-else\""));
  r = Aicr({"verify", f.signed_bundle.string(), "--key", Pub(f.key), "--cli-version-constraint",
            "99.0.0"});
  EXPECT_EQ(r.exit_code, kExitInvalidRequest);
  EXPECT_THAT(r.err, HasSubstr("does not satisfy constraint \">= 99.0.0\""));

  // The wrong key: the attestation exists but fails, so unknown.
  r = Aicr({"verify", f.signed_bundle.string(), "--key", Pub(f.other_key), "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized);
  j = Json(r);
  EXPECT_EQ(j["trustLevel"], "unknown");
  EXPECT_EQ(j["checksumsPassed"], true);
  EXPECT_EQ(j["bundleAttested"], false);
  ASSERT_FALSE(j["errors"].empty());

  // No key: tried keyless, which a key-signed bundle fails, so unknown too.
  r = Aicr({"verify", f.signed_bundle.string(), "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized);
  EXPECT_EQ(Json(r)["trustLevel"], "unknown");
  EXPECT_THAT(r.err, HasSubstr("signed with a key, not a certificate; verify it with --key"));
  // Even when the caller only asks for unverified.
  r = Aicr({"verify", f.signed_bundle.string(), "--min-trust-level", "unverified"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized);
}

// The bundle attestation `aicr bundle --attest` wrote, re-signed keyless by the test
// Sigstore instance, plus a keyless binary attestation over the running binary by
// upstream's release workflow: with the instance's trusted root the chain is verified.
TEST(VerifyE2eTest, KeylessSignedBundleWithTrustRoot) {
  const Fixtures& f = Shared();
  const fs::path b = CopyBundle(f.signed_bundle, "keyless");
  const fs::path attestation = b / "attestation/bundle-attestation.sigstore.json";
  const nlohmann::json key_signed = nlohmann::json::parse(ReadFile(attestation.string()));
  const Result<std::string> statement =
      DecodeBase64(key_signed["dsseEnvelope"]["payload"].get<std::string>());
  ASSERT_TRUE(statement.ok());
  const std::string binary_sha256 = nlohmann::json::parse(
      *statement)["predicate"]["buildDefinition"]["resolvedDependencies"][0]["digest"]["sha256"];

  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Result<testing::SigstoreInstance> instance = testing::SigstoreInstance::Create(now);
  ASSERT_TRUE(instance.ok());
  WriteFile(b.parent_path() / "keyless-root.json", instance->TrustedRootJson());
  testing::SigstoreIdentity creator;
  creator.san = "https://github.com/acme/platform/.github/workflows/bundle.yml@refs/heads/main";
  Result<std::string> bundle_att =
      instance->SignDsse("application/vnd.in-toto+json", *statement, creator, now - 60);
  ASSERT_TRUE(bundle_att.ok());
  WriteFile(attestation, *bundle_att);
  const nlohmann::json binary_statement = {
      {"_type", "https://in-toto.io/Statement/v1"},
      {"subject", {{{"name", "aicr"}, {"digest", {{"sha256", binary_sha256}}}}}},
      {"predicateType", "https://slsa.dev/provenance/v1"},
      {"predicate", nlohmann::json::object()}};
  testing::SigstoreIdentity release;
  release.san = "https://github.com/NVIDIA/aicr/.github/workflows/on-tag.yaml@refs/tags/v1.4.0";
  Result<std::string> binary_att = instance->SignDsse("application/vnd.in-toto+json",
                                                      binary_statement.dump(), release, now - 3600);
  ASSERT_TRUE(binary_att.ok());
  WriteFile(b / "attestation/aicr-attestation.sigstore.json", *binary_att);

  const std::string root = (b.parent_path() / "keyless-root.json").string();
  ProcessResult r = Aicr({"verify", b.string(), "--trust-root", root, "-t", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json j = Json(r);
  EXPECT_EQ(j["trustLevel"], "verified");
  EXPECT_EQ(j["bundleAttested"], true);
  EXPECT_EQ(j["binaryAttested"], true);
  EXPECT_EQ(j["identityPinned"], true);
  EXPECT_EQ(j["bundleCreator"], creator.san);
  EXPECT_EQ(Aicr({"verify", b.string(), "--trust-root", root, "--require-creator", creator.san})
                .exit_code,
            0);

  // Without the instance's root the log and the certificate are unknown to us.
  r = Aicr({"verify", b.string(), "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized) << r.out << r.err;
  j = Json(r);
  EXPECT_EQ(j["trustLevel"], "unknown");
  ASSERT_FALSE(j["errors"].empty());
  EXPECT_THAT(j["errors"][0].get<std::string>(), HasSubstr("bundle attestation: tlog: log id "));

  // A binary attested by another workflow: the bundle stays attested, not verified.
  testing::SigstoreIdentity fork;
  fork.san = "https://github.com/someone/fork/.github/workflows/on-tag.yaml@refs/tags/v1.4.0";
  binary_att =
      instance->SignDsse("application/vnd.in-toto+json", binary_statement.dump(), fork, now - 3600);
  ASSERT_TRUE(binary_att.ok());
  WriteFile(b / "attestation/aicr-attestation.sigstore.json", *binary_att);
  r = Aicr({"verify", b.string(), "--trust-root", root, "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized) << r.out << r.err;
  j = Json(r);
  EXPECT_EQ(j["trustLevel"], "attested");
  ASSERT_FALSE(j["errors"].empty());
  EXPECT_THAT(j["errors"][0].get<std::string>(), HasSubstr("binary attestation: identity: "));
}

TEST(VerifyE2eTest, AttestationSignedByAnotherKeyIsUnknown) {
  const Fixtures& f = Shared();
  // Sign the same bundle content with the other key, then put that attestation in.
  const fs::path b = CopyBundle(f.signed_bundle, "other-signer");
  const fs::path resigned = Shared().root / "work" / "resigned";
  fs::remove_all(resigned);
  ProcessResult r =
      Aicr({"bundle", "-r", (Shared().root / "recipe.yaml").string(), "-o", resigned.string(),
            "--attest", "--signing-key", f.other_key.string() + ".pem", "--tlog-upload=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(ReadFile(resigned / "checksums.txt"), ReadFile(b / "checksums.txt"));
  fs::copy_file(resigned / "attestation/bundle-attestation.sigstore.json",
                b / "attestation/bundle-attestation.sigstore.json",
                fs::copy_options::overwrite_existing);
  EXPECT_EQ(Aicr({"verify", b.string(), "--key", Pub(f.other_key)}).exit_code, 0);
  r = Aicr({"verify", b.string(), "--key", Pub(f.key), "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized);
  EXPECT_EQ(Json(r)["trustLevel"], "unknown");
}

// Every tamper of a signed bundle, verified with the right key, gives unknown and
// exit 4.
void ExpectTamperedUnknown(const fs::path& b, const std::string& what) {
  const ProcessResult r = Aicr({"verify", b.string(), "--key", Pub(Shared().key), "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized) << what << "\n" << r.out << r.err;
  const nlohmann::json j = Json(r);
  EXPECT_EQ(j.value("trustLevel", ""), "unknown") << what;
  EXPECT_FALSE(j.value("errors", nlohmann::json::array()).empty()) << what;
}

TEST(VerifyE2eTest, TamperMatrixFlipsOneByteInEveryFile) {
  const Fixtures& f = Shared();
  const std::vector<std::string> files = FilesOf(f.signed_bundle);
  ASSERT_GT(files.size(), 10u);
  ASSERT_TRUE(std::count(files.begin(), files.end(), "checksums.txt") == 1);
  ASSERT_TRUE(
      std::count(files.begin(), files.end(), "attestation/bundle-attestation.sigstore.json") == 1);
  const fs::path b = CopyBundle(f.signed_bundle, "flip");
  for (const std::string& file : files) {
    const fs::path p = b / file;
    const std::string original = ReadFile(p);
    ASSERT_FALSE(original.empty()) << file;
    std::string flipped = original;
    const std::size_t at = flipped.size() / 2;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
    WriteFile(p, flipped);
    ExpectTamperedUnknown(b, "flip a byte of " + file);
    WriteFile(p, original);
  }
  // Restored: verified again (the loop really restored every file).
  EXPECT_EQ(Aicr({"verify", b.string(), "--key", Pub(f.key)}).exit_code, 0);
}

void ReverseLines(const fs::path& file) {
  const std::string text = ReadFile(file);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  ASSERT_GT(lines.size(), 2u);
  std::reverse(lines.begin(), lines.end());
  std::string reversed;
  for (const std::string& line : lines) {
    reversed += line + "\n";
  }
  ASSERT_NE(reversed, text);
  WriteFile(file, reversed);
}

TEST(VerifyE2eTest, TamperMatrixStructuralChanges) {
  const Fixtures& f = Shared();
  const std::vector<std::string> files = FilesOf(f.signed_bundle);
  const std::string listed = files.size() > 3 ? files[files.size() / 2] : files.front();
  {
    const fs::path b = CopyBundle(f.signed_bundle, "add-file");
    WriteFile(b / "extra.yaml", "x: 1\n");
    ExpectTamperedUnknown(b, "add a file");
  }
  {
    const fs::path b = CopyBundle(f.signed_bundle, "add-nested-file");
    WriteFile(b / fs::path(listed).parent_path() / "zz-extra.txt", "x\n");
    ExpectTamperedUnknown(b, "add a nested file");
  }
  {
    const fs::path b = CopyBundle(f.signed_bundle, "remove-file");
    fs::remove(b / "README.md");
    ExpectTamperedUnknown(b, "remove a file");
  }
  {
    const fs::path b = CopyBundle(f.signed_bundle, "remove-checksums");
    fs::remove(b / "checksums.txt");
    ExpectTamperedUnknown(b, "remove checksums.txt");
  }
  {
    const fs::path b = CopyBundle(f.signed_bundle, "symlink");
    const fs::path target = Shared().root / "work" / "symlink-target";
    WriteFile(target, ReadFile(b / "README.md"));  // same bytes: only the type differs
    fs::remove(b / "README.md");
    fs::create_symlink(target, b / "README.md");
    ExpectTamperedUnknown(b, "replace a file by a symlink to identical content");
  }
  {
    const fs::path b = CopyBundle(f.signed_bundle, "empty-dir");
    fs::create_directories(b / "empty");
    ExpectTamperedUnknown(b, "add an empty directory");
  }
  {
    const fs::path b = CopyBundle(f.signed_bundle, "near-miss");
    fs::copy_file(b / "attestation/bundle-attestation.sigstore.json",
                  b / "attestation/bundle-attestation.sigstore.json.bak");
    ExpectTamperedUnknown(b, "add a near-miss attestation name");
  }
  {
    // Same entries in another order: still a well-formed manifest whose digests all
    // match, but not the bytes that were signed.
    const fs::path b = CopyBundle(f.signed_bundle, "reorder");
    ReverseLines(b / "checksums.txt");
    ExpectTamperedUnknown(b, "reorder checksums.txt");
    // Unsigned, the same reordering is only an inventory and still verifies.
    const fs::path u = CopyBundle(f.unsigned_bundle, "reorder-unsigned");
    ReverseLines(u / "checksums.txt");
    EXPECT_EQ(Aicr({"verify", u.string()}).exit_code, 0);
  }
  {
    // A truncated attestation (no longer parses).
    const fs::path b = CopyBundle(f.signed_bundle, "truncated-attestation");
    const fs::path a = b / "attestation/bundle-attestation.sigstore.json";
    const std::string bytes = ReadFile(a);
    WriteFile(a, bytes.substr(0, bytes.size() / 2));
    ExpectTamperedUnknown(b, "truncate the attestation");
  }
}

TEST(VerifyE2eTest, ConfigFileSection) {
  const Fixtures& f = Shared();
  const fs::path cfg = Shared().root / "verify-config.yaml";
  WriteFile(cfg,
            "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  verify:\n    policy:\n"
            "      minTrustLevel: verified\n");
  ProcessResult r = Aicr({"verify", f.unsigned_bundle.string(), "--config", cfg.string()});
  EXPECT_EQ(r.exit_code, kExitInvalidRequest) << r.err;
  // The flag wins over the file.
  r = Aicr({"verify", f.unsigned_bundle.string(), "--config", cfg.string(), "--min-trust-level",
            "unverified"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  WriteFile(cfg,
            "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  verify:\n    trust:\n"
            "      key: " +
                Pub(f.key) + "\n");
  r = Aicr({"verify", f.signed_bundle.string(), "--config", cfg.string(), "-t", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json(r)["trustLevel"], "verified");

  WriteFile(cfg,
            "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  verify:\n    policy:\n"
            "      minTrustLevel: high\n");
  r = Aicr({"verify", f.unsigned_bundle.string(), "--config", cfg.string()});
  EXPECT_EQ(r.exit_code, kExitInvalidRequest);
  EXPECT_THAT(r.err, HasSubstr("invalid spec.verify.policy.minTrustLevel"));
}

TEST(VerifyE2eTest, BadInvocations) {
  const Fixtures& f = Shared();
  const std::string b = f.unsigned_bundle.string();
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"verify", b, "--insecure-ignore-tlog"}, 2, "--insecure-ignore-tlog requires --key"},
      {{"verify", b, "--format", "yaml"}, 2, "yaml"},
      {{"verify", b, "--min-trust-level", "high"}, 2, "high"},
      {{"verify", b, "--cli-version-constraint", ">= banana"}, 2, "banana"},
      {{"verify", b, "--certificate-identity-regexp", ".*"}, 2, "must begin with"},
      {{"verify", b, "--key", (Shared().root / "missing.pub").string()}, 3, "missing.pub"},
      {{"verify", b, "--key", "awskms:///alias/x"}, 6, "not supported"},
      {{"verify", (Shared().root / "no-such-bundle").string()}, 3, "not found"},
      {{"verify"}, 2, "bundle-dir"},
  };
  for (const Case& c : cases) {
    const ProcessResult r = Aicr(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << ::testing::PrintToString(c.args) << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << ::testing::PrintToString(c.args);
    EXPECT_TRUE(r.out.empty()) << ::testing::PrintToString(c.args);
  }
}

TEST(VerifyBlobE2eTest, VerifiesTheBundleAttestationAgainstChecksums) {
  const Fixtures& f = Shared();
  const std::string att =
      (f.signed_bundle / "attestation/bundle-attestation.sigstore.json").string();
  const std::string sums = (f.signed_bundle / "checksums.txt").string();
  ProcessResult r = Aicr({"verify-blob", sums, "--bundle", att, "--key", Pub(f.key)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith("verified"));

  r = Aicr({"verify-blob", (f.signed_bundle / "README.md").string(), "--bundle", att, "--key",
            Pub(f.key), "-t", "json"});
  EXPECT_EQ(r.exit_code, kExitUnauthorized);
  EXPECT_EQ(Json(r)["verified"], false);

  r = Aicr({"verify-blob", sums, "--bundle", att, "--key", Pub(f.other_key)});
  EXPECT_EQ(r.exit_code, kExitUnauthorized);
  EXPECT_THAT(r.out, ::testing::StartsWith("failed ("));

  const fs::path bad = Shared().root / "malformed.sigstore.json";
  WriteFile(bad, "{\"mediaType\": 3}");
  r = Aicr({"verify-blob", sums, "--bundle", bad.string(), "--key", Pub(f.key)});
  EXPECT_EQ(r.exit_code, kExitInvalidRequest);
  EXPECT_THAT(r.out, ::testing::StartsWith("failed (bundle): "));

  r = Aicr({"verify-blob", sums});
  EXPECT_EQ(r.exit_code, kExitInvalidRequest);
  EXPECT_THAT(r.err, HasSubstr("--bundle"));
}

}  // namespace
}  // namespace aicr
