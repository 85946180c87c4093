// Black-box tests of `aicr bundle`: a real recipe from the embedded catalogue
// bundled for helm and helmfile and checked by the real consumers, and bad input
// that must exit 2 with a specific message and leave the previous bundle intact.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/subprocess.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestTempDir;
using ::aicr::testing::WriteTempFile;
using ::testing::HasSubstr;

ProcessResult RunIn(std::vector<std::string> args, const std::string& cwd = "") {
  if (!cwd.empty()) {
    std::string cmd = "cd '" + cwd + "' &&";
    for (const auto& a : args) {
      cmd += " '" + a + "'";
    }
    return RunProcess({"/bin/bash", "-c", cmd});
  }
  return RunProcess(args);
}

ProcessResult Aicr(std::vector<std::string> args) {
  args.insert(args.begin(), AICR_BINARY);
  ProcessOptions options;
  options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON", "NO_COLOR", "KUBECONFIG"};
  return RunProcess(args, options);
}

// A recipe for EKS/H100 training resolved by the binary itself.
const std::string& TrainingRecipe() {
  static const std::string path = [] {
    const std::string out = TestTempDir() + "/bundle-e2e-recipe.yaml";
    const ProcessResult r =
        Aicr({"recipe", "--service", "eks", "--accelerator", "h100", "--os", "ubuntu", "--intent",
              "training", "--platform", "kubeflow", "--output", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }();
  return path;
}

const std::vector<std::string> kScheduling = {
    "--system-node-selector",        "nodeGroup=system",
    "--accelerated-node-selector",   "nvidia.com/gpu.present=true",
    "--accelerated-node-toleration", "nvidia.com/gpu=present:NoSchedule"};

std::vector<std::string> BundleArgs(const std::string& recipe, const std::string& out,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"bundle", "-r", recipe, "-o", out};
  args.insert(args.end(), kScheduling.begin(), kScheduling.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

class BundleE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::path(TestTempDir()) /
        ("bundle-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  fs::path root_;
};

TEST_F(BundleE2eTest, HelmBundleOfARealRecipeVerifies) {
  const fs::path out = root_ / "bundle";
  const ProcessResult r = Aicr(BundleArgs(TrainingRecipe(), out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Bundle written to " + out.string() + " (helm-bundle)"));
  for (const char* f :
       {"deploy.sh", "README.md", "recipe.yaml", "bundle-info.yaml", "checksums.txt"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  const ProcessResult sums = RunIn({"sha256sum", "--quiet", "-c", "checksums.txt"}, out.string());
  EXPECT_EQ(sums.exit_code, 0) << sums.out << sums.err;
  EXPECT_THAT(ReadFile(out / "bundle-info.yaml"), HasSubstr("entrypoint: deploy.sh"));

  // Same inputs, same bytes.
  const fs::path again = root_ / "again";
  ASSERT_EQ(Aicr(BundleArgs(TrainingRecipe(), again.string())).exit_code, 0);
  EXPECT_EQ(ReadFile(out / "checksums.txt"), ReadFile(again / "checksums.txt"));
}

TEST_F(BundleE2eTest, HelmfileBundle) {
  const fs::path out = root_ / "hf";
  const ProcessResult r = Aicr(BundleArgs(TrainingRecipe(), out.string(), {"-d", "helmfile"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "helmfile.yaml"));
  EXPECT_FALSE(fs::exists(out / "deploy.sh"));
  EXPECT_THAT(ReadFile(out / "bundle-info.yaml"), HasSubstr("entrypoint: helmfile.yaml"));
}

TEST_F(BundleE2eTest, RepeatableFlagsNeverSplitOnCommasAndConfigFileFeedsFlags) {
  const fs::path out = root_ / "commas";
  ProcessResult r = Aicr(BundleArgs(TrainingRecipe(), out.string(),
                                    {"--set", "gpuoperator:driver.licensingConfig.nlsEnabled=a,b",
                                     "--set", "nfd:worker.config.x=1"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool found = false;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.path().filename().string().find("-gpu-operator") == 3 &&
        fs::exists(e.path() / "upstream.env")) {
      EXPECT_THAT(ReadFile(e.path() / "values.yaml"), HasSubstr("nlsEnabled: a,b"));
      found = true;
    }
  }
  EXPECT_TRUE(found);

  const std::string config = WriteTempFile(
      "bundle-config.yaml",
      "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  bundle:\n    input:\n"
      "      recipe: " +
          TrainingRecipe() + "\n    output:\n      target: " + (root_ / "from-config").string() +
          "\n    deployment:\n      deployer: helmfile\n    scheduling:\n"
          "      systemNodeSelector: {nodeGroup: system}\n"
          "      acceleratedNodeSelector: {nvidia.com/gpu.present: \"true\"}\n");
  r = Aicr({"bundle", "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(root_ / "from-config" / "helmfile.yaml"));
  // A flag wins over the file.
  r = Aicr({"bundle", "--config", config, "-d", "helm", "-o", (root_ / "flag-wins").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(root_ / "flag-wins" / "deploy.sh"));

  const std::string bad = WriteTempFile(
      "bundle-config-bad.yaml",
      "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  bundle:\n    deployment:\n"
      "      deployr: helm\n");
  r = Aicr({"bundle", "--config", bad, "-r", TrainingRecipe(), "-o", (root_ / "x").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("spec.bundle.deployment: unknown field \"deployr\""));
  EXPECT_FALSE(fs::exists(root_ / "x"));
}

// Each bad input exits 2 with a specific message and leaves the previous bundle.
class BundleBadInputTest : public BundleE2eTest {
 protected:
  void SetUp() override {
    BundleE2eTest::SetUp();
    out_ = root_ / "bundle";
    ASSERT_EQ(Aicr(BundleArgs(TrainingRecipe(), out_.string())).exit_code, 0);
    before_ = ReadFile(out_ / "checksums.txt");
  }
  void ExpectRejected(const ProcessResult& r, const std::string& message) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(ReadFile(out_ / "checksums.txt"), before_);
    const ProcessResult sums =
        RunIn({"sha256sum", "--quiet", "-c", "checksums.txt"}, out_.string());
    EXPECT_EQ(sums.exit_code, 0) << sums.out << sums.err;
    for (const auto& e : fs::directory_iterator(out_)) {
      EXPECT_EQ(e.path().filename().string().rfind(".aicr-bundle-", 0), std::string::npos)
          << "staging left behind: " << e.path();
    }
  }
  std::string Recipe(const std::string& name, const std::string& refs) {
    return WriteTempFile("bad-" + name + ".yaml",
                         "kind: RecipeResult\napiVersion: aicr.run/v1\nmetadata:\n  version: "
                         "v0.22.0\ncomponentRefs:\n" +
                             refs);
  }
  fs::path out_;
  std::string before_;
};

TEST_F(BundleBadInputTest, ComponentNameWithTraversal) {
  const std::string recipe = Recipe("name", R"(  - name: ../evil
    type: Helm
    source: https://charts.example.com
    chart: evil
    version: 1.0.0
    namespace: evil
)");
  ExpectRejected(Aicr(BundleArgs(recipe, out_.string())), "invalid component name \"../evil\"");
}

TEST_F(BundleBadInputTest, ManifestPathWithTraversal) {
  const std::string recipe = Recipe("manifest", R"(  - name: cert-manager
    type: Helm
    source: https://charts.jetstack.io
    chart: cert-manager
    version: v1.17.2
    namespace: cert-manager
    manifestFiles: [components/cert-manager/../../registry.yaml]
)");
  ExpectRejected(Aicr(BundleArgs(recipe, out_.string())),
                 "must be a relative path inside the data directory");
}

TEST_F(BundleBadInputTest, SymlinkInOutputDirectory) {
  fs::create_symlink("/etc/hostname", out_ / "README.link");
  const ProcessResult r = Aicr(BundleArgs(TrainingRecipe(), out_.string()));
  fs::remove(out_ / "README.link");
  ExpectRejected(r, "symlink");
}

TEST_F(BundleBadInputTest, SetThroughAScalar) {
  ExpectRejected(Aicr(BundleArgs(TrainingRecipe(), out_.string(),
                                 {"--set", "gpuoperator:driver.version.major=1"})),
                 "not a map");
}

TEST_F(BundleBadInputTest, SetOnAbsentComponent) {
  ExpectRejected(
      Aicr(BundleArgs(TrainingRecipe(), out_.string(), {"--set", "dynamo-platform:replicas=2"})),
      "not in the bundle: dynamo-platform");
}

TEST_F(BundleBadInputTest, DependencyCycle) {
  const std::string recipe = Recipe("cycle", R"(  - name: cert-manager
    type: Helm
    source: https://charts.jetstack.io
    chart: cert-manager
    version: v1.17.2
    namespace: cert-manager
    dependencyRefs: [nfd]
  - name: nfd
    type: Helm
    source: https://kubernetes-sigs.github.io/node-feature-discovery/charts
    chart: node-feature-discovery
    version: 0.19.0
    namespace: node-feature-discovery
    dependencyRefs: [cert-manager]
)");
  ExpectRejected(Aicr(BundleArgs(recipe, out_.string())), "circular dependencies");
}

TEST_F(BundleBadInputTest, TemplateWithUnknownFunction) {
  const fs::path data = root_ / "data";
  fs::create_directories(data / "components/cert-manager/manifests");
  fs::copy_file(fs::path(AICR_SOURCE_DIR) / "recipes/registry.yaml", data / "registry.yaml");
  std::ofstream(data / "components/cert-manager/manifests/bad.yaml")
      << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ sprigOnly .Chart.Name }}\n";
  const std::string recipe = Recipe("template", R"(  - name: cert-manager
    type: Helm
    source: https://charts.jetstack.io
    chart: cert-manager
    version: v1.17.2
    namespace: cert-manager
    manifestFiles: [components/cert-manager/manifests/bad.yaml]
)");
  ExpectRejected(Aicr(BundleArgs(recipe, out_.string(), {"--data", data.string()})),
                 "components/cert-manager/manifests/bad.yaml:4");
}

TEST_F(BundleBadInputTest, ForeignFilesInOutputDirectory) {
  std::ofstream(out_ / "notes.txt") << "mine\n";
  const ProcessResult r = Aicr(BundleArgs(TrainingRecipe(), out_.string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not part of a previous bundle (notes.txt)"));
  EXPECT_EQ(ReadFile(out_ / "notes.txt"), "mine\n");
  fs::remove(out_ / "notes.txt");
}

TEST_F(BundleBadInputTest, SingleValueFlagTwiceAndUnknownDeployer) {
  ExpectRejected(Aicr(BundleArgs(TrainingRecipe(), out_.string(),
                                 {"--storage-class", "a", "--storage-class", "b"})),
                 "given more than once");
  ExpectRejected(Aicr(BundleArgs(TrainingRecipe(), out_.string(), {"-d", "fleet"})), "fleet");
  ExpectRejected(Aicr(BundleArgs(TrainingRecipe(), out_.string(), {"--app-name", "x"})),
                 "--app-name does not apply to the helm deployer");
}

}  // namespace
}  // namespace aicr
