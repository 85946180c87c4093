// Black-box tests of `aicr bundle -o oci://…` against a real registry on loopback:
// the bundle is written to ./bundle and pushed, the pinned reference lands in
// --image-refs, pushes are reproducible, an attested bundle gets its signature
// attached as a referrer, argocd-helm bundles become Helm chart artifacts, and bad
// OCI settings fail before anything is written or pushed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "oci/manifest.h"
#include "oci/push.h"
#include "oci/reference.h"
#include "oci/registry.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/oci_registry.h"
#include "tests/testing/tools.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::OciRegistry;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestTempDir;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

ProcessResult AicrIn(const fs::path& cwd, const std::vector<std::string>& args) {
  fs::create_directories(cwd);
  std::vector<std::string> argv = {"/bin/bash", "-c", "cd \"$0\" && exec \"$@\"", cwd.string(),
                                   AICR_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON",     "NO_COLOR",
                       "KUBECONFIG", "SOURCE_DATE_EPOCH", "DOCKER_CONFIG"};
  options.env_set = {{"HOME", cwd.string()}};
  return RunProcess(argv, options);
}

// The line of `out` that starts with `prefix`, without the prefix.
std::string LineAfter(const std::string& out, const std::string& prefix) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) {
      return line.substr(prefix.size());
    }
  }
  return "";
}

class BundleOciE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recipe_ = new std::string(TestTempDir() + "/oci-e2e-recipe.yaml");
    const ProcessResult r =
        AicrIn(TestTempDir(), {"recipe", "--service", "eks", "--accelerator", "h100", "--os",
                               "ubuntu", "--intent", "training", "--output", *recipe_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    keys_ = new std::string(TestTempDir() + "/oci-e2e-ed.pem");
    ASSERT_EQ(RunProcess({"openssl", "genpkey", "-algorithm", "ed25519", "-out", *keys_}).exit_code,
              0);
  }
  static void TearDownTestSuite() {
    delete recipe_;
    delete keys_;
  }

  void SetUp() override {
    root_ = fs::path(TestTempDir()) /
            ("oci-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }

  static std::vector<std::string> Bundle(std::vector<std::string> extra) {
    std::vector<std::string> args = {"bundle",
                                     "-r",
                                     *recipe_,
                                     "--system-node-selector",
                                     "nodeGroup=system",
                                     "--accelerated-node-selector",
                                     "nvidia.com/gpu.present=true"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  oci::RegistryOptions Plain() const {
    oci::RegistryOptions o;
    o.plain_http = true;
    o.max_attempts = 1;
    return o;
  }

  static std::string* recipe_;
  static std::string* keys_;
  fs::path root_;
};

std::string* BundleOciE2eTest::recipe_ = nullptr;
std::string* BundleOciE2eTest::keys_ = nullptr;

TEST_F(BundleOciE2eTest, PushesTheBundleWritesImageRefsAndIsReproducible) {
  OciRegistry registry;
  REQUIRE_OCI_REGISTRY(registry);
  const std::string target = "oci://" + registry.host() + "/aicr/bundle:v1.0.0";
  const ProcessResult r = AicrIn(
      root_ / "one", Bundle({"-o", target, "--plain-http", "--image-refs", "../refs-one.txt"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Bundle written to bundle ("));
  EXPECT_THAT(r.out, HasSubstr("Pushed " + registry.host() + "/aicr/bundle:v1.0.0\n"));
  const std::string pinned = LineAfter(r.out, "Digest: ");
  EXPECT_THAT(pinned, MatchesRegex(".*/aicr/bundle@sha256:[0-9a-f]{64}"));
  // ./bundle is the bundle that was pushed, and it verifies.
  const ProcessResult sums = RunProcess(
      {"/bin/bash", "-c", "cd \"$0\" && sha256sum --quiet -c checksums.txt", root_ / "one/bundle"});
  EXPECT_EQ(sums.exit_code, 0) << sums.out << sums.err;

  EXPECT_EQ(ReadFile(root_ / "refs-one.txt"), pinned + "\n");
  struct stat st {};
  ASSERT_EQ(stat((root_ / "refs-one.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // The manifest is the AICR artifact, and the digest names exactly its bytes.
  auto ref = oci::ParseReference(pinned);
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  oci::RegistryClient client(*ref, Plain());
  auto manifest = client.GetManifest(ref->digest, 1 << 20);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  const nlohmann::json m = nlohmann::json::parse(manifest->bytes);
  EXPECT_EQ(m.at("artifactType"), "application/vnd.nvidia.aicr.artifact");
  EXPECT_EQ(m.at("layers").size(), 1u);
  EXPECT_EQ(m.at("annotations").at("org.opencontainers.image.created"), "1970-01-01T00:00:00Z");

  // Same inputs from another directory: same digest; an unsigned bundle has no referrers.
  const ProcessResult again = AicrIn(
      root_ / "two", Bundle({"-o", target, "--plain-http", "--image-refs", "../refs-two.txt"}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReadFile(root_ / "refs-two.txt"), ReadFile(root_ / "refs-one.txt"));
  auto referrers = oci::ListReferrers(*ref, oci::kMediaTypeSigstoreBundle, Plain());
  ASSERT_TRUE(referrers.ok()) << referrers.status().ToString();
  EXPECT_TRUE(referrers->empty());
}

TEST_F(BundleOciE2eTest, AttestedBundleCarriesItsSignatureAsAReferrer) {
  OciRegistry registry;
  REQUIRE_OCI_REGISTRY(registry);
  const std::string target = "oci://" + registry.host() + "/aicr/signed";
  const ProcessResult r =
      AicrIn(root_, Bundle({"-o", target, "--plain-http", "--attest", "--signing-key",
                            "file://" + *keys_, "--tlog-upload=false"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The default tag is the aicr version.
  const ProcessResult version = RunProcess({AICR_BINARY, "--version"});
  const std::string v = LineAfter(version.out, "aicr version ");
  EXPECT_THAT(r.out, HasSubstr("Pushed " + registry.host() +
                               "/aicr/signed:" + v.substr(0, v.find(' ')) + "\n"));
  EXPECT_THAT(LineAfter(r.out, "Signature referrer: "), MatchesRegex("sha256:[0-9a-f]{64}"));

  auto ref = oci::ParseReference(LineAfter(r.out, "Digest: "));
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  auto referrers = oci::ListReferrers(*ref, oci::kMediaTypeSigstoreBundle, Plain());
  ASSERT_TRUE(referrers.ok()) << referrers.status().ToString();
  ASSERT_EQ(referrers->size(), 1u);
  EXPECT_EQ((*referrers)[0].digest, LineAfter(r.out, "Signature referrer: "));
  auto blob = oci::FetchReferrerBlob(*ref, (*referrers)[0], 1 << 20, Plain());
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(*blob, ReadFile(root_ / "bundle/attestation/bundle-attestation.sigstore.json"));
}

TEST_F(BundleOciE2eTest, VerifyPullsThePushedBundleByDigest) {
  OciRegistry registry;
  REQUIRE_OCI_REGISTRY(registry);
  const std::string target = "oci://" + registry.host() + "/aicr/verified:v2.0.0";
  const ProcessResult r =
      AicrIn(root_, Bundle({"-o", target, "--plain-http", "--attest", "--signing-key",
                            "file://" + *keys_, "--tlog-upload=false"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string pinned = LineAfter(r.out, "Digest: ");
  ASSERT_FALSE(pinned.empty()) << r.out;
  const std::string pub = (root_ / "pub.pem").string();
  ASSERT_EQ(RunProcess({"openssl", "pkey", "-in", *keys_, "-pubout", "-out", pub}).exit_code, 0);

  // Pulled by digest into a private directory and verified there: signed with our
  // key and complete, so `verified`.
  const ProcessResult v = AicrIn(root_ / "elsewhere", {"verify", "oci://" + pinned, "--plain-http",
                                                       "--key", pub, "--format", "json"});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  const auto report = nlohmann::json::parse(v.out);
  EXPECT_EQ(report["trustLevel"], "verified") << v.out;
  EXPECT_EQ(report["checksumsPassed"], true);
  EXPECT_TRUE(fs::is_empty(root_ / "elsewhere")) << "nothing is left behind";

  // The wrong key: the attestation exists but fails, so `unknown` and exit 4.
  const std::string other = (root_ / "other.pem").string();
  ASSERT_EQ(RunProcess({"openssl", "genpkey", "-algorithm", "ed25519", "-out", other}).exit_code,
            0);
  const std::string other_pub = (root_ / "other-pub.pem").string();
  ASSERT_EQ(RunProcess({"openssl", "pkey", "-in", other, "-pubout", "-out", other_pub}).exit_code,
            0);
  const ProcessResult wrong = AicrIn(
      root_, {"verify", "oci://" + pinned, "--plain-http", "--key", other_pub, "--format", "json"});
  EXPECT_EQ(wrong.exit_code, 4) << wrong.err;
  EXPECT_EQ(nlohmann::json::parse(wrong.out)["trustLevel"], "unknown");

  // A tag can be moved: verification wants the digest.
  const ProcessResult tag = AicrIn(root_, {"verify", target, "--plain-http", "--key", pub});
  EXPECT_EQ(tag.exit_code, 2) << tag.err;
  EXPECT_THAT(tag.err, HasSubstr("pin the bundle by digest"));

  // A digest the registry does not have.
  const std::string missing =
      "oci://" + registry.host() + "/aicr/verified@sha256:" + std::string(64, 'a');
  const ProcessResult absent = AicrIn(root_, {"verify", missing, "--plain-http", "--key", pub});
  EXPECT_EQ(absent.exit_code, 3) << absent.err;  // NOT_FOUND
}

TEST_F(BundleOciE2eTest, ArgocdHelmBundleIsPushedAsAHelmChart) {
  OciRegistry registry;
  REQUIRE_OCI_REGISTRY(registry);
  const ProcessResult r = AicrIn(
      root_,
      Bundle({"-d", "argocd-helm", "-o", "oci://" + registry.host() + "/charts/aicr-bundle:1.2.3",
              "--plain-http", "--repo", "oci://" + registry.host() + "/charts"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto ref = oci::ParseReference(LineAfter(r.out, "Digest: "));
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  oci::RegistryClient client(*ref, Plain());
  auto manifest = client.GetManifest(ref->digest, 1 << 20);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  const nlohmann::json m = nlohmann::json::parse(manifest->bytes);
  EXPECT_EQ(m.at("config").at("mediaType"), "application/vnd.cncf.helm.config.v1+json");
  EXPECT_EQ(m.at("layers")[0].at("mediaType"),
            "application/vnd.cncf.helm.chart.content.v1.tar+gzip");

  // The real Helm client pulls it by tag (#961: Helm must find the tag).
  if (!::aicr::testing::ToolPath("helm").empty()) {
    const std::string home = (root_ / "helm-home").string();
    ProcessOptions helm_env;
    helm_env.env_set = {{"HOME", home},
                        {"HELM_CACHE_HOME", home + "/cache"},
                        {"HELM_CONFIG_HOME", home + "/config"},
                        {"HELM_DATA_HOME", home + "/data"}};
    const ProcessResult pull =
        RunProcess({::aicr::testing::ToolPath("helm"), "pull",
                    "oci://" + registry.host() + "/charts/aicr-bundle", "--version", "1.2.3",
                    "--plain-http", "--untar", "--untardir", (root_ / "pulled").string()},
                   helm_env);
    ASSERT_EQ(pull.exit_code, 0) << pull.out << pull.err;
    EXPECT_THAT(ReadFile(root_ / "pulled/aicr-bundle/Chart.yaml"), HasSubstr("version: 1.2.3"));
    EXPECT_TRUE(fs::exists(root_ / "pulled/aicr-bundle/values.yaml"));
  }

  // The chart is named after the repository, so Helm finds it under any name; a
  // name that is not a valid chart name is refused before anything is written.
  const ProcessResult other =
      AicrIn(root_ / "other",
             Bundle({"-d", "argocd-helm", "-o",
                     "oci://" + registry.host() + "/charts/gpu-stack:1.2.4", "--plain-http"}));
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_THAT(ReadFile(root_ / "other/bundle/Chart.yaml"), HasSubstr("name: \"gpu-stack\""));
  const ProcessResult wrong =
      AicrIn(root_ / "wrong",
             Bundle({"-d", "argocd-helm", "-o",
                     "oci://" + registry.host() + "/charts/gpu.stack:1.2.3", "--plain-http"}));
  EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
  EXPECT_THAT(wrong.err, HasSubstr("gpu.stack"));
  EXPECT_FALSE(fs::exists(root_ / "wrong/bundle"));
}

TEST_F(BundleOciE2eTest, BadOciSettingsFailBeforeAnythingIsWrittenOrPushed) {
  OciRegistry registry;
  REQUIRE_OCI_REGISTRY(registry);
  const std::string target = "oci://" + registry.host() + "/aicr/bad:v1";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  fs::create_directories(root_ / "elsewhere");
  fs::create_symlink(root_ / "elsewhere" / "x", root_ / "link.txt");
  const std::vector<Case> cases = {
      {{"-o", target, "--plain-http", "--image-refs", "bundle/refs.txt"},
       "must lie outside the bundle directory"},
      {{"-o", target, "--plain-http", "--image-refs", "link.txt"}, "must not be a symlink"},
      {{"-o", "oci://" + registry.host() + "/aicr/bad@sha256:" + std::string(64, 'a')},
       "cannot pin a digest"},
      {{"-o", "oci://" + registry.host() + "/Aicr/Bad:v1"}, "Aicr/Bad"},
      {{"-d", "argocd-helm", "-o", "oci://" + registry.host() + "/aicr-stack:latest"},
       "needs a semver tag"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    const ProcessResult r = AicrIn(root_, Bundle(c.args));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message));
    EXPECT_FALSE(fs::exists(root_ / "bundle"));
  }
  EXPECT_FALSE(fs::exists(root_ / "elsewhere" / "x"));
  oci::Reference repo;
  repo.registry = registry.host();
  repo.repository = "aicr/bad";
  oci::RegistryClient client(repo, Plain());
  auto tags = client.ListTags();
  EXPECT_FALSE(tags.ok() && !tags->empty());

  // An existing ./bundle that is not a bundle is never overwritten.
  fs::create_directories(root_ / "bundle");
  std::ofstream(root_ / "bundle" / "notes.txt") << "mine\n";
  const ProcessResult r = AicrIn(root_, Bundle({"-o", target, "--plain-http"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(ReadFile(root_ / "bundle" / "notes.txt"), "mine\n");
  tags = client.ListTags();
  EXPECT_FALSE(tags.ok() && !tags->empty());
}

}  // namespace
}  // namespace aicr
