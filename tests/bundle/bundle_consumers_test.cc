// The real consumers of every golden scenario's bundle, published to disk the way
// `aicr bundle` writes it: `sha256sum -c` accepts checksums.txt, every shell
// script passes `bash -n` and shellcheck, every local chart folder passes
// `helm lint` and `helm template` with the pinned helm binary, and every YAML
// file parses.

#include <gtest/gtest.h>

#include "bundler/output_dir.h"
#include "serialize/yaml_reader.h"
#include "tests/bundle/scenario.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/k8s_validate.h"
#include "tests/testing/tools.h"

namespace aicr::bundle_testing {
namespace {

using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;

class BundleConsumersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto store = TestCatalogue();
    ASSERT_NE(store, nullptr);
    for (const auto& s : LoadScenarios()) {
      if (s.name == GetParam()) {
        deployer_ = s.options.deployer;
        auto bundle = bundler::MakeBundle(s.recipe, *store, s.options);
        ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
        dir_ = fs::path(::aicr::testing::TestTempDir()) / ("consumers-" + s.name);
        fs::remove_all(dir_);
        ASSERT_TRUE(bundler::PublishBundle(bundle->tree, dir_.string()).ok());
        return;
      }
    }
    FAIL() << "no scenario " << GetParam();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<fs::path> Files(const std::string& suffix) const {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out.push_back(e.path());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  ProcessResult InDir(const std::vector<std::string>& argv) const {
    std::string cmd = "cd '" + dir_.string() + "' &&";
    for (const auto& a : argv) {
      cmd += " '" + a + "'";
    }
    return RunProcess({"/bin/bash", "-c", cmd});
  }

  fs::path dir_;
  std::string deployer_;
};

TEST_P(BundleConsumersTest, ChecksumsVerifyWithSha256sum) {
  const ProcessResult r = InDir({"sha256sum", "--strict", "--quiet", "-c", "checksums.txt"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_P(BundleConsumersTest, ScriptsPassBashAndShellcheck) {
  REQUIRE_PROGRAM("shellcheck");
  const auto scripts = Files(".sh");
  if (deployer_ != "helm" && deployer_ != "helmfile") {
    EXPECT_TRUE(scripts.empty()) << "GitOps bundles carry no install scripts";
    return;
  }
  ASSERT_FALSE(scripts.empty());
  for (const auto& script : scripts) {
    const ProcessResult syntax = RunProcess({"bash", "-n", script.string()});
    EXPECT_EQ(syntax.exit_code, 0) << script << "\n" << syntax.err;
    const ProcessResult lint = RunProcess({"shellcheck", "-x", script.string()});
    EXPECT_EQ(lint.exit_code, 0) << script << "\n" << lint.out << lint.err;
  }
}

TEST_P(BundleConsumersTest, LocalChartsPassHelmLintAndTemplate) {
  REQUIRE_TOOL("helm");
  REQUIRE_K8S_VALIDATOR();
  const std::string helm = ::aicr::testing::ToolPath("helm");
  for (const auto& chart : Files("Chart.yaml")) {
    const fs::path folder = chart.parent_path();
    if (folder == dir_) {
      continue;  // the argocd-helm root chart: see GitOpsObjectsValidate
    }
    const ProcessResult lint = RunProcess({helm, "lint", folder.string()});
    EXPECT_EQ(lint.exit_code, 0) << folder << "\n" << lint.out << lint.err;
    std::vector<std::string> argv = {helm,          "template", "release", folder.string(),
                                     "--namespace", "test-ns"};
    for (const char* values : {"values.yaml", "cluster-values.yaml"}) {
      if (fs::exists(folder / values)) {
        argv.push_back("-f");
        argv.push_back((folder / values).string());
      }
    }
    const ProcessResult rendered = RunProcess(argv);
    EXPECT_EQ(rendered.exit_code, 0) << folder << "\n" << rendered.err;
    // Every template that survived bundling renders to at least one object, and
    // every object validates against its Kubernetes schema.
    if (fs::exists(folder / "templates")) {
      EXPECT_NE(rendered.out.find("kind:"), std::string::npos) << folder;
      const auto valid = ::aicr::testing::ValidateK8sYaml(rendered.out);
      EXPECT_EQ(valid.exit_code, 0) << folder << "\n" << valid.output;
    }
  }
}

// What a GitOps controller would apply validates against the Argo CD, Flux and
// Kubernetes schemas: Argo CD Applications as written, the argocd-helm chart as
// `helm template` renders it, the flux root as `kubectl kustomize` builds it.
TEST_P(BundleConsumersTest, GitOpsObjectsValidate) {
  if (deployer_ == "helm" || deployer_ == "helmfile") {
    EXPECT_FALSE(fs::exists(dir_ / "app-of-apps.yaml"));
    return;
  }
  REQUIRE_K8S_VALIDATOR();
  if (deployer_ == "argocd") {
    std::vector<std::string> files = {(dir_ / "app-of-apps.yaml").string()};
    for (const auto& f : Files("application.yaml")) {
      files.push_back(f.string());
    }
    ASSERT_GT(files.size(), 1u);
    const auto valid = ::aicr::testing::ValidateK8sFiles(files, /*strict=*/true);
    EXPECT_EQ(valid.exit_code, 0) << valid.output;
  } else if (deployer_ == "argocd-helm") {
    REQUIRE_TOOL("helm");
    const std::string helm = ::aicr::testing::ToolPath("helm");
    const ProcessResult lint = RunProcess(
        {helm, "lint", dir_.string(), "--set", "repoURL=oci://registry.example.com/bundles"});
    EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
    const ProcessResult rendered =
        RunProcess({helm, "template", "stack", dir_.string(), "--namespace", "argocd", "--set",
                    "repoURL=oci://registry.example.com/bundles", "--set", "targetRevision=1.2.3"});
    ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
    EXPECT_NE(rendered.out.find("kind: Application"), std::string::npos);
    const auto valid = ::aicr::testing::ValidateK8sYaml(rendered.out, /*strict=*/true);
    EXPECT_EQ(valid.exit_code, 0) << valid.output;
    const ProcessResult no_repo = RunProcess({helm, "template", "stack", dir_.string()});
    EXPECT_NE(no_repo.exit_code, 0) << "an empty repoURL must fail the render";
  } else if (deployer_ == "flux") {
    REQUIRE_TOOL("kubectl");
    const ProcessResult built =
        RunProcess({::aicr::testing::ToolPath("kubectl"), "kustomize", dir_.string()});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    EXPECT_NE(built.out.find("kind: HelmRelease"), std::string::npos);
    const auto valid = ::aicr::testing::ValidateK8sYaml(built.out, /*strict=*/true);
    EXPECT_EQ(valid.exit_code, 0) << valid.output;
  } else {
    FAIL() << "unknown deployer " << deployer_;
  }
}

TEST_P(BundleConsumersTest, EveryYamlFileParses) {
  for (const auto& file : Files(".yaml")) {
    if (deployer_ == "argocd-helm" && file.parent_path() == dir_ / "templates") {
      continue;  // Helm templates of the chart, rendered in GitOpsObjectsValidate
    }
    const std::string text = ReadFile(file);
    EXPECT_TRUE(serialize::ParseYamlDocuments(text).ok()) << file;
  }
}

std::vector<std::string> Names() {
  std::vector<std::string> names;
  for (const auto& s : LoadScenarios()) {
    names.push_back(s.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, BundleConsumersTest, ::testing::ValuesIn(Names()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace aicr::bundle_testing
