// Every leaf recipe of the embedded catalogue (the checked-in goldens under
// tests/golden/recipes) bundles with every deployer, given the scheduling flags a
// real user passes; the local charts of every helm bundle pass `helm lint` and
// `helm template` and every script `bash -n`; every GitOps object validates.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "bundler/bundler.h"
#include "bundler/output_dir.h"
#include "catalog/data_provider.h"
#include "recipe/store.h"
#include "tests/bundle/scenario.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/k8s_validate.h"
#include "tests/testing/tools.h"

namespace aicr::bundle_testing {
namespace {

using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::testing::HasSubstr;

// Publishes `bundle` to a fresh directory for the tools that read from disk.
fs::path Publish(const bundler::BundleOutput& bundle, const std::string& name) {
  const fs::path dir = fs::path(::aicr::testing::TestTempDir()) / name;
  fs::remove_all(dir);
  EXPECT_TRUE(bundler::PublishBundle(bundle.tree, dir.string()).ok()) << dir;
  return dir;
}

// Leaves whose bundle needs an input `aicr recipe` records and this build cannot
// record yet, with the error the bundler must give instead of a broken bundle.
const std::map<std::string, std::string>& ExpectedRejections() {
  static const std::map<std::string, std::string> kRejections = {
      {"h100-gke-cos-training-kubeflow", "configuration.gke.tcpxoInterfaces"},
  };
  return kRejections;
}

bundler::BundleOptions UserOptions(const std::string& deployer) {
  bundler::BundleOptions o;
  o.deployer = deployer;
  o.aicr_version = "v0.22.0";
  o.system_node_selectors = {"nodeGroup=system"};
  o.accelerated_node_selectors = {"nvidia.com/gpu.present=true"};
  o.accelerated_node_tolerations = {"nvidia.com/gpu:NoSchedule"};
  o.workload_selectors = {"app.kubernetes.io/part-of=training"};
  o.storage_class = "standard";
  return o;
}

class CatalogBundleTest : public ::testing::TestWithParam<std::string> {
 protected:
  static std::shared_ptr<const recipe::Store> Store() {
    auto store = recipe::GetStore(catalog::EmbeddedProvider());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? *store : nullptr;
  }
  recipe::RecipeResult Recipe() const {
    const fs::path path =
        fs::path(AICR_SOURCE_DIR) / "tests/golden/recipes" / (GetParam() + ".yaml");
    return recipe::RecipeResultFromValue(serialize::ParseYaml(ReadFile(path)).value()).value();
  }
};

TEST_P(CatalogBundleTest, BundlesWithEveryDeployer) {
  const auto store = Store();
  ASSERT_NE(store, nullptr);
  for (const char* deployer : {"helm", "helmfile", "argocd", "argocd-helm", "flux"}) {
    auto bundle = bundler::MakeBundle(Recipe(), *store, UserOptions(deployer));
    const auto rejected = ExpectedRejections().find(GetParam());
    if (rejected != ExpectedRejections().end()) {
      ASSERT_FALSE(bundle.ok()) << deployer;
      EXPECT_THAT(bundle.status().message(), HasSubstr(rejected->second));
      continue;
    }
    ASSERT_TRUE(bundle.ok()) << deployer << ": " << bundle.status().ToString();
    const std::map<std::string, std::string> entrypoints = {{"helm", "deploy.sh"},
                                                            {"helmfile", "helmfile.yaml"},
                                                            {"argocd", "app-of-apps.yaml"},
                                                            {"argocd-helm", "Chart.yaml"},
                                                            {"flux", "kustomization.yaml"}};
    EXPECT_NE(bundle->tree.Find(entrypoints.at(deployer)), nullptr) << deployer;
    EXPECT_EQ(bundle->plan.components.size(), Recipe().deployment_order.size())
        << "every component of the recipe is in the bundle";
  }
}

TEST_P(CatalogBundleTest, HelmBundleConsumers) {
  REQUIRE_TOOL("helm");
  REQUIRE_K8S_VALIDATOR();
  const auto store = Store();
  ASSERT_NE(store, nullptr);
  auto bundle = bundler::MakeBundle(Recipe(), *store, UserOptions("helm"));
  if (ExpectedRejections().count(GetParam()) != 0) {
    EXPECT_FALSE(bundle.ok()) << "no bundle to consume: rejected by design";
    return;
  }
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  const fs::path dir = Publish(*bundle, "leaf-" + GetParam());
  const std::string helm = ::aicr::testing::ToolPath("helm");
  std::string rendered_objects;
  for (const auto& f : bundle->plan.folders) {
    const fs::path folder = dir / f.dir;
    if (f.kind == layout::FolderKind::kLocalHelm) {
      const ProcessResult lint = RunProcess({helm, "lint", folder.string()});
      EXPECT_EQ(lint.exit_code, 0) << folder << "\n" << lint.out << lint.err;
      const ProcessResult rendered =
          RunProcess({helm, "template", f.release, folder.string(), "--namespace", f.namespace_});
      EXPECT_EQ(rendered.exit_code, 0) << folder << "\n" << rendered.err;
      rendered_objects += rendered.out + "\n---\n";
    }
    const ProcessResult syntax = RunProcess({"bash", "-n", (folder / "install.sh").string()});
    EXPECT_EQ(syntax.exit_code, 0) << folder << "\n" << syntax.err;
  }
  // Everything the local charts would apply validates against its schema.
  const auto valid = ::aicr::testing::ValidateK8sYaml(rendered_objects);
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  fs::remove_all(dir);
}

// Everything the GitOps bundles would have a controller apply validates against
// the Argo CD, Flux and Kubernetes schemas: argocd Applications as written, the
// argocd-helm chart as `helm template` renders it, the flux root as `kubectl
// kustomize` builds it (one validator run per leaf).
TEST_P(CatalogBundleTest, GitOpsBundlesValidate) {
  REQUIRE_TOOL("helm");
  REQUIRE_TOOL("kubectl");
  REQUIRE_K8S_VALIDATOR();
  const auto store = Store();
  ASSERT_NE(store, nullptr);
  if (ExpectedRejections().count(GetParam()) != 0) {
    EXPECT_FALSE(bundler::MakeBundle(Recipe(), *store, UserOptions("argocd")).ok());
    return;
  }
  std::string objects;
  auto argocd = bundler::MakeBundle(Recipe(), *store, UserOptions("argocd"));
  ASSERT_TRUE(argocd.ok()) << argocd.status().ToString();
  for (const auto& [path, file] : argocd->tree.files()) {
    const bool application =
        path.size() > 17 && path.compare(path.size() - 17, 17, "/application.yaml") == 0;
    if (path == "app-of-apps.yaml" || application) {
      objects += file.bytes + "\n---\n";
    }
  }
  auto chart = bundler::MakeBundle(Recipe(), *store, UserOptions("argocd-helm"));
  ASSERT_TRUE(chart.ok()) << chart.status().ToString();
  const fs::path chart_dir = Publish(*chart, "leaf-chart-" + GetParam());
  const ProcessResult rendered =
      RunProcess({::aicr::testing::ToolPath("helm"), "template", "stack", chart_dir.string(),
                  "--namespace", "argocd", "--set", "repoURL=oci://registry.example.com/bundles"});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  objects += rendered.out + "\n---\n";
  auto flux = bundler::MakeBundle(Recipe(), *store, UserOptions("flux"));
  ASSERT_TRUE(flux.ok()) << flux.status().ToString();
  const fs::path flux_dir = Publish(*flux, "leaf-flux-" + GetParam());
  const ProcessResult built =
      RunProcess({::aicr::testing::ToolPath("kubectl"), "kustomize", flux_dir.string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  objects += built.out;
  const auto valid = ::aicr::testing::ValidateK8sYaml(objects, /*strict=*/true);
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  fs::remove_all(chart_dir);
  fs::remove_all(flux_dir);
}

std::vector<std::string> Leaves();

bool UpdateGolden() {
  const char* v = std::getenv("AICR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// Byte-level goldens of every leaf for every deployer, kept small: the bundle's
// checksums.txt (a SHA-256 of every file it holds) per leaf, one golden file per
// deployer under tests/golden/bundle_leaves/. Any changed byte in any file of any
// leaf's bundle shows up as a changed line. AICR_UPDATE_GOLDEN=1 rewrites them.
TEST(CatalogBundleGoldenTest, EveryLeafForEveryDeployer) {
  auto store = recipe::GetStore(catalog::EmbeddedProvider());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (const char* deployer : {"helm", "helmfile", "argocd", "argocd-helm", "flux"}) {
    std::string actual;
    for (const auto& leaf : Leaves()) {
      const fs::path path = fs::path(AICR_SOURCE_DIR) / "tests/golden/recipes" / (leaf + ".yaml");
      const auto recipe =
          recipe::RecipeResultFromValue(serialize::ParseYaml(ReadFile(path)).value()).value();
      auto bundle = bundler::MakeBundle(recipe, **store, UserOptions(deployer));
      actual += "### " + leaf + "\n";
      actual += bundle.ok() ? bundle->tree.Find("checksums.txt")->bytes
                            : "rejected: " + bundle.status().message() + "\n";
    }
    const fs::path golden =
        fs::path(AICR_SOURCE_DIR) / "tests/golden/bundle_leaves" / (std::string(deployer) + ".txt");
    if (UpdateGolden()) {
      fs::create_directories(golden.parent_path());
      std::ofstream(golden, std::ios::binary) << actual;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << golden << " missing; run with AICR_UPDATE_GOLDEN=1";
    EXPECT_EQ(ReadFile(golden), actual)
        << deployer << " bundles of the catalogue leaves changed; review, then rerun with "
        << "AICR_UPDATE_GOLDEN=1";
  }
}

std::vector<std::string> Leaves() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(AICR_SOURCE_DIR) / "tests/golden/recipes")) {
    names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Leaves, CatalogBundleTest, ::testing::ValuesIn(Leaves()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace aicr::bundle_testing
