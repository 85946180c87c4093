// The real consumers of a flux bundle: `kubectl kustomize` builds the root
// kustomization.yaml, `helm lint` / `helm template` accept every local chart with
// the values its HelmRelease passes, and the Flux CRD schemas shipped by
// @kubernetes-models/flux-cd (tests/tools/validate-k8s.mjs) accept every object.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "deployer/flux/flux.h"
#include "deployer/flux/flux_test_plans.h"
#include "layout/file_tree.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/tools.h"

namespace aicr::deployer::flux {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::ToolPath;
using testing::Build;
using testing::Doc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MixedPlan;

// helm and kubectl keep caches and config under HOME/XDG dirs; keep them in the test dir.
ProcessOptions IsolatedEnv(const std::string& dir) {
  ProcessOptions options;
  options.env_set = {{"HOME", dir},
                     {"XDG_CACHE_HOME", dir + "/.cache"},
                     {"XDG_CONFIG_HOME", dir + "/.config"},
                     {"XDG_DATA_HOME", dir + "/.data"},
                     {"KUBECONFIG", dir + "/no-kubeconfig"}};
  return options;
}

std::string TestDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir =
      ::aicr::testing::TestTempDir() + "/" + info->test_suite_name() + "." + info->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void WriteFile(const std::string& path, const std::string& text, unsigned mode) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ::chmod(path.c_str(), mode);
}

// Writes the tree under `dir/bundle` and returns that path.
std::string WriteBundle(const layout::FileTree& tree, const std::string& dir) {
  const std::string root = dir + "/bundle";
  for (const auto& [path, file] : tree.files()) {
    WriteFile(root + "/" + path, file.bytes, file.mode);
  }
  return root;
}

TEST(FluxRealToolsTest, KubectlKustomizeBuildsEveryFluxObject) {
  REQUIRE_TOOL("kubectl");
  const std::string dir = TestDir();
  const layout::FileTree tree = Build(MixedPlan());
  const std::string bundle = WriteBundle(tree, dir);

  const ProcessResult r = RunProcess({ToolPath("kubectl"), "kustomize", bundle}, IsolatedEnv(dir));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto docs = serialize::ParseYamlDocuments(r.out);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  std::map<std::string, std::vector<std::string>> by_kind;
  for (const serialize::Value& doc : *docs) {
    if (doc.is_null()) {
      continue;
    }
    const std::string kind = *doc.Find("kind")->if_string();
    by_kind[kind].push_back(*doc.FindPath("metadata.name")->if_string());
    EXPECT_EQ(*doc.FindPath("metadata.namespace")->if_string(), "flux-system") << kind;
  }
  // kustomize orders its output by kind priority, then name.
  EXPECT_THAT(by_kind["HelmRelease"],
              ElementsAre("cert-manager", "cert-manager-post", "gpu-operator", "gpu-operator-post",
                          "gpu-operator-pre", "nodewright-customizations", "nvsentinel"));
  EXPECT_THAT(by_kind["ConfigMap"], ElementsAre("gpu-operator-post-values",
                                                "gpu-operator-pre-values", "gpu-operator-values"));
  EXPECT_THAT(by_kind["HelmRepository"],
              ElementsAre("charts-jetstack-io", "ghcr-io-nvidia", "helm-ngc-nvidia-com-nvidia"));
  EXPECT_THAT(by_kind["GitRepository"], ElementsAre("github-com-your-org-your-repo"));
  EXPECT_EQ(by_kind.size(), 4u);
}

TEST(FluxRealToolsTest, LocalChartsLintAndRenderWithTheirReleaseValues) {
  REQUIRE_TOOL("helm");
  const std::string dir = TestDir();
  const layout::FileTree tree = Build(MixedPlan());
  const std::string bundle = WriteBundle(tree, dir);

  std::vector<std::string> charts;
  for (const auto& [path, file] : tree.files()) {
    if (!path.ends_with("/Chart.yaml")) {
      continue;
    }
    const std::string release = path.substr(0, path.find('/'));
    charts.push_back(release);
    const serialize::Value hr = Doc(tree, release + "/helmrelease.yaml");
    // The values helm-controller would pass: spec.values, then the ConfigMap's.
    std::vector<std::string> args = {ToolPath("helm"), "lint", bundle + "/" + release};
    if (const serialize::Value* values = hr.FindPath("spec.values"); values != nullptr) {
      WriteFile(dir + "/" + release + "-inline.yaml", serialize::WriteYaml(*values), 0600);
      args.insert(args.end(), {"-f", dir + "/" + release + "-inline.yaml"});
    }
    if (tree.Find(release + "/configmap-values.yaml") != nullptr) {
      const serialize::Value cm = Doc(tree, release + "/configmap-values.yaml");
      WriteFile(dir + "/" + release + "-dynamic.yaml",
                *cm.FindPath("data")->Find("values.yaml")->if_string(), 0600);
      args.insert(args.end(), {"-f", dir + "/" + release + "-dynamic.yaml"});
    }
    ProcessResult r = RunProcess(args, IsolatedEnv(dir));
    EXPECT_EQ(r.exit_code, 0) << release << ":\n" << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("1 chart(s) linted, 0 chart(s) failed")) << release;

    std::vector<std::string> render = {
        ToolPath("helm"),       "template",    release,
        bundle + "/" + release, "--namespace", *hr.FindPath("spec.targetNamespace")->if_string()};
    render.insert(render.end(), args.begin() + 3, args.end());
    r = RunProcess(render, IsolatedEnv(dir));
    EXPECT_EQ(r.exit_code, 0) << release << ":\n" << r.err;
    EXPECT_THAT(r.out, HasSubstr("kind: ")) << release;
  }
  EXPECT_THAT(charts, ElementsAre("cert-manager-post", "gpu-operator-post", "gpu-operator-pre",
                                  "nodewright-customizations"));
}

TEST(FluxRealToolsTest, FluxObjectsMatchTheFluxSchemas) {
  REQUIRE_PROGRAM("node");
  const std::string tools = std::string(AICR_SOURCE_DIR) + "/tests/tools";
  if (!fs::exists(tools + "/node_modules/@kubernetes-models/flux-cd/package.json")) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "@kubernetes-models/flux-cd is required on CI (scripts/install-tools.sh)";
    }
    GTEST_SKIP() << "npm test tools are not installed; run scripts/install-tools.sh";
  }
  const std::string dir = TestDir();
  layout::Plan plan = MixedPlan();
  plan.gitops.repo_url = "https://github.com/example/gitops.git";
  const layout::FileTree tree = Build(std::move(plan));
  const std::string bundle = WriteBundle(tree, dir);

  std::vector<std::string> args = {"node", tools + "/validate-k8s.mjs", "--strict"};
  int objects = 0;
  for (const auto& [path, file] : tree.files()) {
    if (path.ends_with(std::string("/") + std::string(kHelmReleaseName)) ||
        path.ends_with(std::string("/") + std::string(kConfigMapName)) ||
        path.starts_with("sources/")) {
      args.push_back(bundle + "/" + path);
      ++objects;
    }
  }
  const ProcessResult r = RunProcess(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("validated " + std::to_string(objects) + " objects (0 unvalidated)"));
  EXPECT_EQ(objects, 14);
}

}  // namespace
}  // namespace aicr::deployer::flux
