// Black-box tests of recipe evidence with the real binary, offline:
// `aicr validate --no-cluster --emit-attestation`, `aicr evidence digest`,
// `aicr evidence verify` (text, json, -o, tampering, unpinned references) and
// `aicr evidence publish` with a key made by the openssl tool.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "oci/push.h"
#include "oci/reference.h"
#include "oci/registry.h"
#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"
#include "tests/e2e/offline_aicr.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/oci_registry.h"
#include "tests/testing/sigstore_instance.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::HaveProgram;
using ::aicr::testing::OciRegistry;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestTempDir;
using ::aicr::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSnapshot[] = R"(kind: Snapshot
apiVersion: aicr.run/v1alpha2
metadata: {source-node: gpu-node-7, timestamp: "2026-01-03T10:30:00Z"}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.4-eks-3025e55}
      - subtype: node
        data: {provider: eks, internal-ip: 10.9.8.7}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: "24.04"}
)";

ProcessResult Aicr(std::vector<std::string> args) {
  return ::aicr::testing::OfflineAicr(std::move(args));
}

const std::string& RecipePath() {
  const std::string& path = ::aicr::testing::EksH100TrainingRecipe();
  EXPECT_FALSE(path.empty()) << "aicr recipe failed";
  return path;
}

// A fresh evidence directory from a --no-cluster run.
std::string Emit(const std::string& name, const std::vector<std::string>& extra = {}) {
  const std::string dir = TestTempDir() + "/" + name;
  const std::string snapshot = WriteTempFile("evidence-snapshot.yaml", kSnapshot);
  std::vector<std::string> args = {
      "validate", "-r", RecipePath(),      "-s", snapshot, "--no-cluster", "--emit-attestation",
      dir,        "-o", dir + ".ctrf.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessResult r = Aicr(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir;
}

// A P-256 key pair made by the openssl tool: {private, public} paths.
std::pair<std::string, std::string> MakeKey(const std::string& name) {
  EXPECT_TRUE(HaveProgram("openssl")) << "the openssl tool is required";
  const std::string key = TestTempDir() + "/" + name + ".pem";
  const std::string pub = TestTempDir() + "/" + name + ".pub";
  EXPECT_EQ(RunProcess({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-out", key})
                .exit_code,
            0);
  EXPECT_EQ(RunProcess({"openssl", "pkey", "-in", key, "-pubout", "-out", pub}).exit_code, 0);
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
  return {key, pub};
}

serialize::Value Json(const std::string& text) {
  auto v = serialize::ParseJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : serialize::Value();
}

TEST(EvidenceE2ETest, ValidateEmitsARedactedBundleAndVerifyAcceptsIt) {
  const std::string dir = Emit("plain");
  const std::string sb = dir + "/summary-bundle/";
  for (const char* f :
       {"statement.intoto.json", "recipe.yaml", "snapshot.yaml", "bom.cdx.json", "manifest.json",
        "ctrf/deployment.json", "ctrf/performance.json", "ctrf/conformance.json"}) {
    EXPECT_TRUE(fs::is_regular_file(sb + f)) << f;
  }
  EXPECT_TRUE(fs::is_regular_file(dir + "/pointer.yaml"));
  EXPECT_THAT(ReadFile(sb + "snapshot.yaml"), Not(HasSubstr("gpu-node-7")));
  EXPECT_THAT(ReadFile(sb + "snapshot.yaml"), Not(HasSubstr("10.9.8.7")));
  EXPECT_THAT(ReadFile(dir + "/pointer.yaml"), Not(HasSubstr("signer")));

  // The digest command agrees with the statement subject.
  ProcessResult d = Aicr({"evidence", "digest", "-r", RecipePath()});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  const serialize::Value st = Json(ReadFile(sb + "statement.intoto.json"));
  EXPECT_EQ(d.out, *st.FindPath("subject.0.digest.sha256")->if_string() + "\n");
  EXPECT_EQ(d.out, *st.FindPath("predicate.recipe.digest")->if_string() + "\n");
  // The catalogue overlay for the same criteria hydrates to the same recipe, so the same digest.
  ProcessResult o =
      Aicr({"evidence", "digest", "-r",
            std::string(AICR_SOURCE_DIR) + "/recipes/overlays/h100-eks-training.yaml"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, d.out);
  o = Aicr({"evidence", "digest", "-r", RecipePath(), "--profile", "gpuStack=operator-managed"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_THAT(o.err, HasSubstr("--profile applies to overlay inputs only"));
  EXPECT_EQ(*st.FindPath("predicateType")->if_string(), "https://aicr.run/recipe-evidence/v1");

  ProcessResult v = Aicr({"evidence", "verify", dir});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.out, HasSubstr("pending signature"));
  v = Aicr({"evidence", "verify", dir + "/pointer.yaml", "-t", "json"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  const serialize::Value report = Json(v.out);
  EXPECT_EQ(*report.Find("exit")->if_int(), 0);
  EXPECT_EQ(*report.Find("pending")->if_bool(), true);
  const std::string out = TestTempDir() + "/verify.md";
  v = Aicr({"evidence", "verify", dir, "-o", out});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, "");
  EXPECT_THAT(ReadFile(out), HasSubstr("# Recipe evidence: h100-eks-training"));
}

TEST(EvidenceE2ETest, FullKeepsRawSnapshotAndExistingDirectoryIsRefused) {
  const std::string dir = Emit("full", {"--full"});
  EXPECT_THAT(ReadFile(dir + "/summary-bundle/snapshot.yaml"), HasSubstr("10.9.8.7"));
  const std::string snapshot = WriteTempFile("evidence-snapshot.yaml", kSnapshot);
  ProcessResult r = Aicr(
      {"validate", "-r", RecipePath(), "-s", snapshot, "--no-cluster", "--emit-attestation", dir});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not empty"));
  EXPECT_EQ(r.out, "");
  r = Aicr({"validate", "-r", RecipePath(), "-s", snapshot, "--no-cluster", "--full"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--full applies to --emit-attestation only"));
}

TEST(EvidenceE2ETest, TamperingIsInvalidWithExitTwo) {
  const std::string dir = Emit("tampered");
  const std::string path = dir + "/summary-bundle/snapshot.yaml";
  std::string s = ReadFile(path);
  s.replace(s.find("ubuntu"), 6, "debian");
  std::ofstream(path, std::ios::trunc) << s;
  ProcessResult v = Aicr({"evidence", "verify", dir, "-t", "json"});
  EXPECT_EQ(v.exit_code, 2) << v.err;
  const serialize::Value report = Json(v.out);
  EXPECT_EQ(*report.Find("exit")->if_int(), 2);
  EXPECT_EQ(*report.FindPath("failureCause.class")->if_string(), "integrity");
  EXPECT_THAT(v.err, HasSubstr("evidence is invalid"));
}

TEST(EvidenceE2ETest, UnpinnedReferenceAndMissingInput) {
  ProcessResult v = Aicr({"evidence", "verify", "oci://registry.example/org/aicr-evidence:v1"});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_THAT(v.err, HasSubstr("--allow-unpinned-tag"));
  v = Aicr({"evidence", "verify", TestTempDir() + "/no-such-dir"});
  EXPECT_EQ(v.exit_code, 3);
  // A registry that does not answer: no verdict, transient, exit 5.
  v = Aicr({"evidence", "verify",
            "oci://127.0.0.1:1/org/aicr-evidence@sha256:" + std::string(64, 'c'),
            "--registry-plain-http", "-t", "json"});
  EXPECT_EQ(v.exit_code, 5) << v.err;
  const serialize::Value report = Json(v.out);
  EXPECT_EQ(*report.Find("exit")->if_int(), 3);
  EXPECT_EQ(*report.FindPath("failureCause.class")->if_string(), "transient");
}

TEST(EvidenceE2ETest, PublishSignsWithAKeyAndVerifyChecksTheSignature) {
  const std::string dir = Emit("signed");
  ProcessResult p = Aicr({"evidence", "publish", dir});
  EXPECT_EQ(p.exit_code, 6);
  EXPECT_THAT(p.err, HasSubstr("keyless signing is not supported in this build"));
  const auto [key, pub] = MakeKey("evidence-key");
  p = Aicr({"evidence", "publish", dir, "--signing-key", "file://" + key});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(fs::is_regular_file(dir + "/summary-bundle/attestation.intoto.jsonl"));

  ProcessResult v = Aicr({"evidence", "verify", dir, "--key", pub, "-t", "json"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  const serialize::Value report = Json(v.out);
  EXPECT_EQ(*report.Find("signatureVerified")->if_bool(), true);
  EXPECT_EQ(*report.Find("pending")->if_bool(), false);

  // Without the key the signature is verified keyless, which a key-signed bundle fails.
  v = Aicr({"evidence", "verify", dir, "-t", "json"});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_EQ(*Json(v.out).Find("exit")->if_int(), 2);
  EXPECT_THAT(v.out, HasSubstr("signed with a key, not a certificate"));
}

// Evidence signed keyless by the test Sigstore instance: verified against its trusted root
// (--trust-root), pinned by --expected-issuer and --expected-identity-regexp.
TEST(EvidenceE2ETest, KeylessSignatureIsVerifiedAndPinned) {
  const std::string dir = Emit("keyless");
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Result<testing::SigstoreInstance> instance = testing::SigstoreInstance::Create(now);
  ASSERT_TRUE(instance.ok());
  const std::string root = WriteTempFile("keyless-evidence-root.json", instance->TrustedRootJson());
  testing::SigstoreIdentity signer;
  signer.san = "https://github.com/acme/fleet/.github/workflows/evidence.yml@refs/heads/main";
  Result<std::string> bundle =
      instance->SignDsse("application/vnd.in-toto+json",
                         ReadFile(dir + "/summary-bundle/statement.intoto.json"), signer, now - 60);
  ASSERT_TRUE(bundle.ok());
  std::ofstream(dir + "/summary-bundle/attestation.intoto.jsonl", std::ios::binary) << *bundle;

  const std::vector<std::string> pinned = {"--trust-root",
                                           root,
                                           "--expected-issuer",
                                           signer.issuer,
                                           "--expected-identity-regexp",
                                           "^https://github\\.com/acme/"};
  std::vector<std::string> args = {"evidence", "verify", dir + "/pointer.yaml", "-t", "json"};
  args.insert(args.end(), pinned.begin(), pinned.end());
  ProcessResult v = Aicr(args);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  serialize::Value report = Json(v.out);
  EXPECT_EQ(*report.Find("signatureVerified")->if_bool(), true);
  EXPECT_EQ(*report.Find("signer")->if_string(), signer.san);
  EXPECT_EQ(*report.Find("issuer")->if_string(), signer.issuer);

  args = {"evidence", "verify", dir};
  args.insert(args.end(), pinned.begin(), pinned.end());
  v = Aicr(args);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("- signature: verified keyless (" + signer.san));

  // Another issuer or identity: invalid, the signature check names the identity step.
  v = Aicr({"evidence", "verify", dir, "-t", "json", "--trust-root", root, "--expected-issuer",
            "https://accounts.google.com"});
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  report = Json(v.out);
  EXPECT_EQ(*report.Find("exit")->if_int(), 2);
  EXPECT_EQ(*report.FindPath("failureCause.class")->if_string(), "signature");
  EXPECT_THAT(v.out, HasSubstr("identity: OIDC issuer"));
  v = Aicr({"evidence", "verify", dir, "-t", "json", "--trust-root", root,
            "--expected-identity-regexp", "^https://github\\.com/other/"});
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;

  // Without the instance's root, the log is unknown.
  v = Aicr({"evidence", "verify", dir, "-t", "json"});
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("tlog: log id "));

  // Keyless pins do not combine with --key; a bad pattern is refused before any check.
  const auto [key, pub] = MakeKey("evidence-keyless-other");
  v = Aicr({"evidence", "verify", dir, "--key", pub, "--expected-issuer", signer.issuer});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_THAT(v.err, HasSubstr("cannot be combined with --key"));
  v = Aicr({"evidence", "verify", dir, "--expected-identity-regexp", "("});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_EQ(v.out, "");
}

TEST(EvidenceE2ETest, PushToARegistryAndVerifyByDigest) {
  OciRegistry registry;
  REQUIRE_OCI_REGISTRY(registry);
  const std::string dir = Emit("pushed");
  const auto [key, pub] = MakeKey("push-key");
  const std::string repo = "oci://" + registry.host() + "/org/aicr-evidence";
  ProcessResult p =
      Aicr({"evidence", "publish", dir, "--signing-key", key, "--push", repo, "--plain-http"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  ASSERT_THAT(p.out, HasSubstr(repo + "@sha256:"));
  const std::string pinned = p.out.substr(0, p.out.size() - 1);

  // The pointer names the tagged location and the pinned digest.
  auto pointer = serialize::ParseYaml(ReadFile(dir + "/pointer.yaml"));
  ASSERT_TRUE(pointer.ok());
  const std::string oci = *pointer->FindPath("attestations.0.bundle.oci")->if_string();
  const std::string digest = *pointer->FindPath("attestations.0.bundle.digest")->if_string();
  EXPECT_THAT(oci, HasSubstr(repo + ":h100-eks-training-"));
  EXPECT_EQ(pinned, repo + "@" + digest);

  // Registry side: the annotations and the signature referrer.
  oci::RegistryOptions ro;
  ro.plain_http = true;
  auto ref = oci::ParseReference(pinned);
  ASSERT_TRUE(ref.ok());
  oci::RegistryClient client(*ref, ro);
  auto manifest = client.GetManifest(digest, 1 << 20);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_THAT(manifest->bytes, HasSubstr("AICR Recipe Evidence"));
  EXPECT_THAT(manifest->bytes,
              HasSubstr("Signed evidence bundle for an aicr recipe (recipe-evidence/v1)."));
  auto referrers = oci::ListReferrers(*ref, "", ro);
  ASSERT_TRUE(referrers.ok()) << referrers.status().ToString();
  EXPECT_EQ(referrers->size(), 1u);

  ProcessResult v =
      Aicr({"evidence", "verify", pinned, "--registry-plain-http", "--key", pub, "-t", "json"});
  EXPECT_EQ(v.exit_code, 0) << v.err << v.out;
  EXPECT_EQ(*Json(v.out).Find("signatureVerified")->if_bool(), true);
  v = Aicr({"evidence", "verify", dir + "/pointer.yaml", "--registry-plain-http", "--key", pub});
  EXPECT_EQ(v.exit_code, 0) << v.err << v.out;
  v = Aicr({"evidence", "verify", oci, "--registry-plain-http", "--key", pub});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_THAT(v.err, HasSubstr("--allow-unpinned-tag"));
  v = Aicr(
      {"evidence", "verify", oci, "--registry-plain-http", "--key", pub, "--allow-unpinned-tag"});
  EXPECT_EQ(v.exit_code, 0) << v.err << v.out;
}

}  // namespace
}  // namespace aicr
