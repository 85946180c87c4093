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
};

TEST_P(BundleConsumersTest, ChecksumsVerifyWithSha256sum) {
  const ProcessResult r = InDir({"sha256sum", "--strict", "--quiet", "-c", "checksums.txt"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_P(BundleConsumersTest, ScriptsPassBashAndShellcheck) {
  REQUIRE_PROGRAM("shellcheck");
  const auto scripts = Files(".sh");
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
  const std::string helm = ::aicr::testing::ToolPath("helm");
  for (const auto& chart : Files("Chart.yaml")) {
    const fs::path folder = chart.parent_path();
    const ProcessResult lint = RunProcess({helm, "lint", folder.string()});
    EXPECT_EQ(lint.exit_code, 0) << folder << "\n" << lint.out << lint.err;
    const ProcessResult rendered = RunProcess(
        {helm, "template", "release", folder.string(), "--namespace", "test-ns", "-f",
         (folder / "values.yaml").string(), "-f", (folder / "cluster-values.yaml").string()});
    EXPECT_EQ(rendered.exit_code, 0) << folder << "\n" << rendered.err;
    // Every template that survived bundling renders to at least one object.
    if (fs::exists(folder / "templates")) {
      EXPECT_NE(rendered.out.find("kind:"), std::string::npos) << folder;
    }
  }
}

TEST_P(BundleConsumersTest, EveryYamlFileParses) {
  for (const auto& file : Files(".yaml")) {
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
