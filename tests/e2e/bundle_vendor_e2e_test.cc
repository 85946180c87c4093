// Black-box tests of `aicr bundle --vendor-charts`: the real binary pulls a chart
// from a local Helm repository with the real `helm`, carries the tarball in the
// bundle (provenance.yaml and checksums.txt agree on its sha256), and the wrapper
// folder renders with `helm template` once the repository is gone. A pull from an
// unreachable repository fails the bundle and writes nothing; helm missing from
// PATH is a clear error.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "checksum/sha256.h"
#include "serialize/yaml_reader.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/chart_repo.h"
#include "tests/testing/tools.h"

namespace aicr {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ChartRepo;
using ::aicr::testing::ChartSpec;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::ReadFile;
using ::aicr::testing::RunProcess;
using ::testing::HasSubstr;

constexpr const char* kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  greeting: {{ .Values.greeting | quote }}
)";

class BundleVendorE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_TOOL("helm");
    helm_ = ::aicr::testing::ToolPath("helm");
    ASSERT_EQ(repo_.Start(helm_, {ChartSpec{.name = "web",
                                            .version = "0.1.0",
                                            .files = {{"values.yaml", "greeting: chart-default\n"},
                                                      {"templates/configmap.yaml", kConfigMap}}}}),
              "");
    ASSERT_EQ(dead_.Start(helm_, {}), "");
    dead_.Stop();
    dir_ = repo_.scratch_dir() + "/work";
    fs::create_directories(dir_);
    recipe_ = WriteRecipe("recipe.yaml", repo_.url());
  }

  std::string WriteRecipe(const std::string& name, const std::string& source) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "apiVersion: aicr.run/v1\n"
                           "kind: RecipeResult\n"
                           "metadata:\n  version: v0.0.0-test\n"
                           "criteria:\n  service: eks\n  accelerator: h100\n"
                           "componentRefs:\n"
                           "  - name: web\n    type: Helm\n    source: "
                        << source
                        << "\n    chart: web\n    version: 0.1.0\n    namespace: web-system\n"
                           "    overrides:\n      greeting: from-recipe\n"
                           "deploymentOrder: [web]\n";
    return path;
  }

  ProcessResult Aicr(std::vector<std::string> args, const std::string& path_override = "") {
    args.insert(args.begin(), AICR_BINARY);
    ProcessOptions options;
    options.env_unset = {"AICR_DEBUG", "AICR_LOG_JSON", "NO_COLOR", "KUBECONFIG"};
    options.env_set = repo_.helm_env();
    const char* path = std::getenv("PATH");
    options.env_set["PATH"] = !path_override.empty() ? path_override
                                                     : ::aicr::testing::ToolsBinDir() + ":" +
                                                           (path != nullptr ? path : "");
    return RunProcess(args, options);
  }

  std::string helm_;
  ChartRepo repo_;
  ChartRepo dead_;
  std::string dir_;
  std::string recipe_;
};

TEST_F(BundleVendorE2ETest, CarriesTheChartAndRendersOffline) {
  const std::string out = dir_ + "/bundle";
  const ProcessResult r = Aicr({"bundle", "-r", recipe_, "-o", out, "--vendor-charts"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const std::string tarball = out + "/001-web/charts/web-0.1.0.tgz";
  ASSERT_TRUE(fs::exists(tarball)) << r.out;
  EXPECT_EQ(fs::status(tarball).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  EXPECT_FALSE(fs::exists(out + "/001-web/upstream.env"));
  const std::string sha = checksum::Sha256Hex(ReadFile(tarball));

  auto provenance = serialize::ParseYaml(ReadFile(out + "/provenance.yaml"));
  ASSERT_TRUE(provenance.ok()) << provenance.status().ToString();
  EXPECT_EQ(*provenance->Find("apiVersion")->if_string(), "aicr.run/v1");
  EXPECT_EQ(*provenance->Find("kind")->if_string(), "BundleProvenance");
  const auto& charts = *provenance->Find("vendoredCharts")->if_sequence();
  ASSERT_EQ(charts.size(), 1u);
  EXPECT_EQ(*charts[0].Find("name")->if_string(), "web");
  EXPECT_EQ(*charts[0].Find("chart")->if_string(), "web");
  EXPECT_EQ(*charts[0].Find("version")->if_string(), "0.1.0");
  EXPECT_EQ(*charts[0].Find("repository")->if_string(), repo_.url());
  EXPECT_EQ(*charts[0].Find("sha256")->if_string(), sha);
  EXPECT_EQ(*charts[0].Find("tarballName")->if_string(), "web-0.1.0.tgz");
  EXPECT_THAT(*charts[0].Find("pullerVersion")->if_string(), HasSubstr("helm-cli v"));

  const std::string checksums = ReadFile(out + "/checksums.txt");
  EXPECT_THAT(checksums, HasSubstr(sha + "  001-web/charts/web-0.1.0.tgz\n"));
  EXPECT_THAT(checksums, HasSubstr("  provenance.yaml\n"));
  auto info = serialize::ParseYaml(ReadFile(out + "/bundle-info.yaml"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(*info->FindPath("build.settings.vendorCharts"), serialize::Value(true));
  EXPECT_EQ(*info->FindPath("layout.provenance")->if_string(), "provenance.yaml");
  const ProcessResult verify =
      RunProcess({"/bin/bash", "-c", "cd '" + out + "' && sha256sum --strict -c checksums.txt"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // Offline: no repository answers any more, and helm's caches are emptied.
  repo_.Stop();
  fs::remove_all(repo_.scratch_dir() + "/helm-cache");
  fs::create_directories(repo_.scratch_dir() + "/helm-cache");
  ProcessOptions helm_env;
  helm_env.env_set = repo_.helm_env();
  const ProcessResult rendered =
      RunProcess({helm_, "template", "web", out + "/001-web", "--namespace", "web-system", "-f",
                  out + "/001-web/values.yaml", "-f", out + "/001-web/cluster-values.yaml"},
                 helm_env);
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_THAT(rendered.out, HasSubstr("name: web-settings"));
  EXPECT_THAT(rendered.out, HasSubstr("greeting: \"from-recipe\""));
}

TEST_F(BundleVendorE2ETest, SameChartGivesTheSameBundle) {
  const std::string a = dir_ + "/a";
  const std::string b = dir_ + "/b";
  ASSERT_EQ(Aicr({"bundle", "-r", recipe_, "-o", a, "--vendor-charts"}).exit_code, 0);
  ASSERT_EQ(Aicr({"bundle", "-r", recipe_, "-o", b, "--vendor-charts"}).exit_code, 0);
  EXPECT_EQ(ReadFile(a + "/checksums.txt"), ReadFile(b + "/checksums.txt"));
}

TEST_F(BundleVendorE2ETest, UnreachableRepositoryFailsAndWritesNothing) {
  const std::string recipe = WriteRecipe("dead.yaml", dead_.url());
  const std::string out = dir_ + "/dead-bundle";
  const ProcessResult r = Aicr({"bundle", "-r", recipe, "-o", out, "--vendor-charts"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--vendor-charts"));
  EXPECT_THAT(r.err, HasSubstr("web"));
  EXPECT_THAT(r.err, HasSubstr(dead_.url()));
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(BundleVendorE2ETest, MissingHelmIsAClearError) {
  const std::string empty = dir_ + "/empty-path";
  fs::create_directories(empty);
  const std::string out = dir_ + "/no-helm";
  const ProcessResult r = Aicr({"bundle", "-r", recipe_, "-o", out, "--vendor-charts"}, empty);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--vendor-charts needs the helm CLI"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace aicr
