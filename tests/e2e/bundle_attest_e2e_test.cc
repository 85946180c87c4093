// Black-box tests of `aicr bundle --attest`: keys made by the `openssl` tool, the
// bundle signed offline, the Sigstore bundle read back with an independent JSON
// parser and its statement bound to the exact bytes of checksums.txt; signing rules
// that must fail before anything is written; SOURCE_DATE_EPOCH reproducibility; the
// binary attestation sidecar copied in.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "tests/e2e/subprocess.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestTempDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Sha256Hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

// Runs `binary args...` in `cwd` with `env` added.
ProcessResult AicrIn(const std::string& cwd, const std::vector<std::string>& args,
                     std::map<std::string, std::string> env = {},
                     const std::string& binary = AICR_BINARY) {
  std::vector<std::string> argv = {"/bin/bash", "-c", "cd \"$0\" && exec \"$@\"", cwd, binary};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG",
                       "AICR_LOG_JSON",
                       "NO_COLOR",
                       "KUBECONFIG",
                       "SOURCE_DATE_EPOCH",
                       "COSIGN_IDENTITY_TOKEN",
                       "AICR_OIDC_DEVICE_FLOW",
                       "AICR_FULCIO_URL",
                       "AICR_REKOR_URL",
                       "AICR_SIGNING_CONFIG",
                       "AICR_ASSUME_YES"};
  options.env_set = std::move(env);
  return RunProcess(argv, options);
}

// The statement inside a Sigstore bundle file, parsed.
nlohmann::json Statement(const nlohmann::json& bundle) {
  const std::string payload = bundle.at("dsseEnvelope").at("payload").get<std::string>();
  const Result<std::string> decoded = DecodeBase64(payload);
  EXPECT_TRUE(decoded.ok());
  return nlohmann::json::parse(decoded.ok() ? *decoded : std::string("{}"));
}

class BundleAttestE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new fs::path(fs::path(TestTempDir()) / "attest-keys");
    fs::create_directories(*keys_);
    const std::string dir = keys_->string();
    auto run = [](std::vector<std::string> argv) {
      const ProcessResult r = RunProcess(argv);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    };
    run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
         dir + "/ec.pem"});
    run({"openssl", "pkey", "-in", dir + "/ec.pem", "-pubout", "-out", dir + "/ec.pub.pem"});
    run({"openssl", "genpkey", "-algorithm", "ed25519", "-out", dir + "/ed.pem"});
    run({"openssl", "pkey", "-in", dir + "/ed.pem", "-pubout", "-out", dir + "/ed.pub.pem"});
    const ProcessResult r =
        AicrIn(dir, {"recipe", "--service", "eks", "--accelerator", "h100", "--os", "ubuntu",
                     "--intent", "training", "--output", dir + "/recipe.yaml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete keys_;
    keys_ = nullptr;
  }

  void SetUp() override {
    root_ =
        fs::path(TestTempDir()) /
        ("attest-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }

  static std::string Key(const char* name) { return (*keys_ / name).string(); }

  static std::vector<std::string> Bundle(std::vector<std::string> extra) {
    std::vector<std::string> args = {"bundle",
                                     "-r",
                                     (*keys_ / "recipe.yaml").string(),
                                     "--system-node-selector",
                                     "nodeGroup=system",
                                     "--accelerated-node-selector",
                                     "nvidia.com/gpu.present=true"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  static std::vector<std::string> Signed(const std::string& key, const std::string& out) {
    return Bundle({"--attest", "--signing-key", "file://" + key, "--tlog-upload=false", "-o", out});
  }

  static fs::path* keys_;
  fs::path root_;
};

fs::path* BundleAttestE2eTest::keys_ = nullptr;

TEST_F(BundleAttestE2eTest, EcdsaSignedBundleBindsChecksumsAndRecordsProvenance) {
  const ProcessResult r = AicrIn(root_.string(), Signed(Key("ec.pem"), "b"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Attestation: attestation/bundle-attestation.sigstore.json"));
  const fs::path b = root_ / "b";
  const ProcessResult sums =
      RunProcess({"/bin/bash", "-c", "cd \"$0\" && sha256sum --quiet -c checksums.txt", b});
  EXPECT_EQ(sums.exit_code, 0) << sums.out << sums.err;
  EXPECT_THAT(ReadFile(b / "checksums.txt"), ::testing::Not(HasSubstr("attestation/")));
  EXPECT_EQ(
      fs::status(b / "attestation/bundle-attestation.sigstore.json").permissions() & fs::perms::all,
      fs::perms::owner_read | fs::perms::owner_write);

  const nlohmann::json bundle =
      nlohmann::json::parse(ReadFile(b / "attestation/bundle-attestation.sigstore.json"));
  EXPECT_EQ(bundle.at("mediaType"), "application/vnd.dev.sigstore.bundle.v0.3+json");
  EXPECT_EQ(bundle.at("dsseEnvelope").at("payloadType"), "application/vnd.in-toto+json");
  ASSERT_EQ(bundle.at("dsseEnvelope").at("signatures").size(), 1u);
  EXPECT_TRUE(bundle.at("verificationMaterial").at("publicKey").contains("hint"));

  const nlohmann::json st = Statement(bundle);
  EXPECT_EQ(st.at("_type"), "https://in-toto.io/Statement/v1");
  EXPECT_EQ(st.at("predicateType"), "https://slsa.dev/provenance/v1");
  ASSERT_EQ(st.at("subject").size(), 1u);
  EXPECT_EQ(st.at("subject")[0].at("name"), "checksums.txt");
  EXPECT_EQ(st.at("subject")[0].at("digest").at("sha256"),
            Sha256Hex(ReadFile(b / "checksums.txt")));

  const nlohmann::json& pred = st.at("predicate");
  const nlohmann::json& def = pred.at("buildDefinition");
  EXPECT_FALSE(def.at("buildType").get<std::string>().empty());
  EXPECT_THAT(def.at("externalParameters").at("recipe").get<std::string>(),
              HasSubstr("service=eks"));
  EXPECT_EQ(def.at("externalParameters").at("recipeSource"), "embedded");
  const nlohmann::json& internal = def.at("internalParameters");
  EXPECT_EQ(internal.at("outputDir"), "b");
  EXPECT_FALSE(internal.at("toolVersion").get<std::string>().empty());
  ASSERT_FALSE(internal.at("components").empty());
  EXPECT_NE(
      std::find(internal.at("components").begin(), internal.at("components").end(), "gpu-operator"),
      internal.at("components").end());
  const nlohmann::json& deps = def.at("resolvedDependencies");
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps[0].at("uri"), "file://" + fs::canonical(AICR_BINARY).string());
  EXPECT_EQ(deps[0].at("digest").at("sha256"), Sha256Hex(ReadFile(AICR_BINARY)));
  EXPECT_THAT(pred.at("runDetails").at("builder").at("id").get<std::string>(), StartsWith("key:"));
  const nlohmann::json& meta = pred.at("runDetails").at("metadata");
  EXPECT_TRUE(meta.contains("invocationId"));
  EXPECT_TRUE(meta.contains("startedOn"));

  // `aicr verify` with the matching public key reaches "verified"; with another key
  // the attestation fails and the level drops to "unknown".
  const ProcessResult ok =
      AicrIn(root_.string(), {"verify", "b", "--key", Key("ec.pub.pem"), "--format", "json"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const nlohmann::json report = nlohmann::json::parse(ok.out);
  EXPECT_EQ(report.at("trustLevel"), "verified");
  EXPECT_EQ(report.at("bundleAttested"), true);
  EXPECT_EQ(report.at("bundleCreator"), pred.at("runDetails").at("builder").at("id"));
  const ProcessResult wrong =
      AicrIn(root_.string(), {"verify", "b", "--key", Key("ed.pub.pem"), "--format", "json"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(wrong.out).at("trustLevel"), "unknown");

  // An independent verifier (@sigstore/verify, key mode, offline) accepts the
  // attestation the CLI wrote, bound to checksums.txt, and rejects it for another
  // artifact. Node and the pinned packages are required on CI.
  const std::string script = std::string(AICR_SOURCE_DIR) + "/tests/tools/sigstore-verify.mjs";
  if (RunProcess({"sh", "-c", "command -v node >/dev/null"}).exit_code != 0 ||
      !fs::exists(std::string(AICR_SOURCE_DIR) +
                  "/tests/tools/node_modules/@sigstore/verify/package.json")) {
    const char* ci = std::getenv("CI");
    ASSERT_FALSE(ci != nullptr && std::string(ci) == "true")
        << "node and tests/tools/node_modules are required on CI (scripts/install-tools.sh)";
  } else {
    const std::string attestation = (b / "attestation/bundle-attestation.sigstore.json").string();
    const ProcessResult node =
        RunProcess({"node", script, "--bundle", attestation, "--key", Key("ec.pub.pem"),
                    "--artifact", (b / "checksums.txt").string()});
    EXPECT_EQ(node.exit_code, 0) << node.out << node.err;
    EXPECT_THAT(node.out, StartsWith("verified: "));
    const ProcessResult other =
        RunProcess({"node", script, "--bundle", attestation, "--key", Key("ec.pub.pem"),
                    "--artifact", (b / "recipe.yaml").string()});
    EXPECT_EQ(other.exit_code, 1) << other.out << other.err;
  }

  // A second run is stamped with its own invocation.
  const ProcessResult again = AicrIn(root_.string(), Signed(Key("ec.pem"), "c"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const nlohmann::json st2 = Statement(
      nlohmann::json::parse(ReadFile(root_ / "c/attestation/bundle-attestation.sigstore.json")));
  EXPECT_NE(st2.at("predicate").at("runDetails").at("metadata").at("invocationId"),
            meta.at("invocationId"));
}

TEST_F(BundleAttestE2eTest, SourceDateEpochMakesSigningReproducible) {
  const std::map<std::string, std::string> env = {{"SOURCE_DATE_EPOCH", "1700000000"}};
  fs::create_directories(root_ / "one");
  fs::create_directories(root_ / "two");
  for (const char* key : {"ed.pem", "ec.pem"}) {
    SCOPED_TRACE(key);
    const std::string out = std::string("b-") + key;
    ASSERT_EQ(AicrIn((root_ / "one").string(), Signed(Key(key), out), env).exit_code, 0);
    ASSERT_EQ(AicrIn((root_ / "two").string(), Signed(Key(key), out), env).exit_code, 0);
    const std::string a =
        ReadFile(root_ / "one" / out / "attestation/bundle-attestation.sigstore.json");
    const std::string b =
        ReadFile(root_ / "two" / out / "attestation/bundle-attestation.sigstore.json");
    const nlohmann::json sa = Statement(nlohmann::json::parse(a));
    EXPECT_EQ(sa, Statement(nlohmann::json::parse(b)));
    const nlohmann::json& meta = sa.at("predicate").at("runDetails").at("metadata");
    EXPECT_FALSE(meta.contains("invocationId"));
    EXPECT_EQ(meta.at("startedOn"), "2023-11-14T22:13:20Z");
    if (std::string(key) == "ed.pem") {
      // Ed25519 signatures are deterministic: the whole file is byte-identical.
      EXPECT_EQ(a, b);
    }
  }
  const ProcessResult bad =
      AicrIn(root_.string(), Signed(Key("ed.pem"), "bad"), {{"SOURCE_DATE_EPOCH", "yesterday"}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("SOURCE_DATE_EPOCH \"yesterday\""));
  EXPECT_FALSE(fs::exists(root_ / "bad"));
}

TEST_F(BundleAttestE2eTest, SigningRulesFailBeforeAnythingIsWritten) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    int exit_code;
    std::string message;
  };
  const std::string ec = "file://" + Key("ec.pem");
  const std::vector<Case> cases = {
      {{"--attest"}, {}, 6, "keyless signing"},
      {{"--attest", "--signing-key", ec}, {}, 2, "pass --tlog-upload=false to sign offline"},
      {{"--signing-key", ec, "--tlog-upload=false"}, {}, 2, "--signing-key requires --attest"},
      {{"--attest", "--tlog-upload=false"}, {}, 2, "--tlog-upload=false requires --signing-key"},
      {{"--attest", "--signing-key", ec, "--tlog-upload=false", "--identity-token", "tok"},
       {},
       2,
       "--signing-key cannot be combined with --identity-token"},
      {{"--attest", "--signing-key", ec, "--tlog-upload=false"},
       {{"AICR_FULCIO_URL", "https://fulcio.example"}},
       2,
       "--signing-key cannot be combined with --fulcio-url"},
      {{"--attest", "--rekor-url", "https://rekor.example", "--signing-config", "sc.json"},
       {},
       2,
       "--rekor-url cannot be combined with --signing-config"},
      {{"--attest", "--rekor-url", "http://rekor.example"}, {}, 2, "absolute https:// URL"},
      {{"--attest", "--signing-key", "gcpkms://projects/p/keys/k", "--tlog-upload=false"},
       {},
       6,
       "not supported in this build"},
      {{"--attest", "--signing-key", "file://" + Key("missing.pem"), "--tlog-upload=false"},
       {},
       3,
       "missing.pem"},
      {{"--attest", "--signing-key", Key("ec.pub.pem"), "--tlog-upload=false"},
       {},
       2,
       "ec.pub.pem"},
      {{"--image-refs", "refs.txt"}, {}, 2, "--image-refs requires an oci:// --output"},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string out = "out-" + std::to_string(i++);
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"-o", out});
    SCOPED_TRACE(out + ": " + c.message);
    const ProcessResult r = AicrIn(root_.string(), Bundle(args), c.env);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message));
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(root_ / out));
  }
  // An identity token in the environment is ignored when not attesting.
  const ProcessResult plain =
      AicrIn(root_.string(), Bundle({"-o", "plain"}), {{"COSIGN_IDENTITY_TOKEN", "tok"}});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_FALSE(fs::exists(root_ / "plain" / "attestation"));
}

TEST_F(BundleAttestE2eTest, ExternalDataIsCopiedRecordedAndCapsTheTrustLevel) {
  const std::string registry =
      "apiVersion: aicr.run/v1beta1\nkind: ComponentRegistry\ncomponents: []\n";
  fs::create_directories(root_ / "data/extra");
  std::ofstream(root_ / "data/registry.yaml") << registry;
  std::ofstream(root_ / "data/extra/notes.yaml") << "note: kept as written\n";
  std::vector<std::string> args = Signed(Key("ed.pem"), "b");
  args.insert(args.end(), {"--data", "data"});
  const ProcessResult r = AicrIn(root_.string(), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json st = Statement(
      nlohmann::json::parse(ReadFile(root_ / "b/attestation/bundle-attestation.sigstore.json")));
  const nlohmann::json& build = st.at("predicate").at("buildDefinition");
  EXPECT_EQ(build.at("externalParameters").at("recipeSource"), "external");

  // The external files travel with the bundle as the user wrote them (the merged
  // registry is not what is copied), are listed in checksums.txt, and each is a
  // resolved dependency after the binary.
  EXPECT_EQ(ReadFile(root_ / "b/data/registry.yaml"), registry);
  EXPECT_EQ(ReadFile(root_ / "b/data/extra/notes.yaml"), "note: kept as written\n");
  const std::string sums = ReadFile(root_ / "b/checksums.txt");
  EXPECT_THAT(sums, HasSubstr("  data/extra/notes.yaml\n"));
  EXPECT_THAT(sums, HasSubstr("  data/registry.yaml\n"));
  std::vector<std::string> uris;
  for (const nlohmann::json& dep : build.at("resolvedDependencies")) {
    uris.push_back(dep.at("uri"));
  }
  ASSERT_EQ(uris.size(), 3u);
  EXPECT_THAT(uris[0], ::testing::StartsWith("file://"));
  EXPECT_EQ(uris[1], "file://data/extra/notes.yaml");
  EXPECT_EQ(uris[2], "file://data/registry.yaml");

  // Built from external data: at most attested, which the default policy (verified
  // when attested) refuses; asking for attested passes.
  const ProcessResult v =
      AicrIn(root_.string(), {"verify", "b", "--key", Key("ed.pub.pem"), "--format", "json"});
  EXPECT_EQ(v.exit_code, 2) << v.err;
  const nlohmann::json report = nlohmann::json::parse(v.out);
  EXPECT_EQ(report.at("trustLevel"), "attested");
  EXPECT_EQ(report.at("hasExternalData"), true);
  const ProcessResult ok = AicrIn(
      root_.string(), {"verify", "b", "--key", Key("ed.pub.pem"), "--min-trust-level", "attested"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(BundleAttestE2eTest, ConfigFileEnablesSigning) {
  const fs::path config = root_ / "config.yaml";
  std::ofstream(config) << "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  bundle:\n"
                           "    output:\n      target: from-config\n"
                           "    attestation:\n      enabled: true\n      signingKey: file://"
                        << Key("ed.pem") << "\n";
  // The config has no tlog setting: the flag turns the upload off.
  ProcessResult r = AicrIn(root_.string(), Bundle({"--config", config.string()}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--tlog-upload=false"));
  EXPECT_FALSE(fs::exists(root_ / "from-config"));
  r = AicrIn(root_.string(), Bundle({"--config", config.string(), "--tlog-upload=false"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(root_ / "from-config/attestation/bundle-attestation.sigstore.json"));
  // --attest=false on the command line wins over the file.
  r = AicrIn(root_.string(), Bundle({"--config", config.string(), "--attest=false", "-o", "off"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(root_ / "off/attestation"));
}

TEST_F(BundleAttestE2eTest, BinaryAttestationNextToTheExecutableIsCopiedIn) {
  // A copy of the binary with a sidecar beside it.
  const fs::path bin = root_ / "bin";
  fs::create_directories(bin);
  const fs::path exe = bin / "aicr";
  std::error_code ec;
  fs::create_hard_link(AICR_BINARY, exe, ec);
  if (ec) {
    fs::copy_file(AICR_BINARY, exe);
  }
  // Any well-formed Sigstore bundle stands in for the release attestation.
  ASSERT_EQ(AicrIn(root_.string(), Signed(Key("ed.pem"), "first")).exit_code, 0);
  const std::string sidecar =
      ReadFile(root_ / "first/attestation/bundle-attestation.sigstore.json");
  std::ofstream(exe.string() + "-attestation.sigstore.json") << sidecar;

  const ProcessResult r = AicrIn(root_.string(), Signed(Key("ec.pem"), "b"), {}, exe.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(root_ / "b/attestation/aicr-attestation.sigstore.json"), sidecar);
  const nlohmann::json st = Statement(
      nlohmann::json::parse(ReadFile(root_ / "b/attestation/bundle-attestation.sigstore.json")));
  EXPECT_EQ(st.at("predicate").at("buildDefinition").at("resolvedDependencies")[0].at("uri"),
            "file://" + exe.string());

  // A corrupt sidecar stops the run before anything is written.
  std::ofstream(exe.string() + "-attestation.sigstore.json", std::ios::trunc) << "{not json";
  const ProcessResult bad = AicrIn(root_.string(), Signed(Key("ec.pem"), "c"), {}, exe.string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("binary attestation"));
  EXPECT_FALSE(fs::exists(root_ / "c"));
}

}  // namespace
}  // namespace aicr
