// Every leaf recipe of the embedded catalogue (the checked-in goldens under
// tests/golden/recipes) bundles with the helm and helmfile deployers, given the
// scheduling flags a real user passes, and the local charts of every helm bundle
// pass `helm lint` and `helm template`; every script passes `bash -n`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bundler/bundler.h"
#include "bundler/output_dir.h"
#include "catalog/data_provider.h"
#include "recipe/store.h"
#include "tests/bundle/scenario.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/tools.h"

namespace aicr::bundle_testing {
namespace {

using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::testing::HasSubstr;

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

TEST_P(CatalogBundleTest, BundlesWithHelmAndHelmfile) {
  const auto store = Store();
  ASSERT_NE(store, nullptr);
  for (const char* deployer : {"helm", "helmfile"}) {
    auto bundle = bundler::MakeBundle(Recipe(), *store, UserOptions(deployer));
    const auto rejected = ExpectedRejections().find(GetParam());
    if (rejected != ExpectedRejections().end()) {
      ASSERT_FALSE(bundle.ok()) << deployer;
      EXPECT_THAT(bundle.status().message(), HasSubstr(rejected->second));
      continue;
    }
    ASSERT_TRUE(bundle.ok()) << deployer << ": " << bundle.status().ToString();
    EXPECT_NE(bundle->tree.Find(std::string(deployer) == "helm" ? "deploy.sh" : "helmfile.yaml"),
              nullptr);
    EXPECT_EQ(bundle->plan.components.size(), Recipe().deployment_order.size())
        << "every component of the recipe is in the bundle";
  }
}

TEST_P(CatalogBundleTest, HelmBundleConsumers) {
  REQUIRE_TOOL("helm");
  const auto store = Store();
  ASSERT_NE(store, nullptr);
  auto bundle = bundler::MakeBundle(Recipe(), *store, UserOptions("helm"));
  if (ExpectedRejections().count(GetParam()) != 0) {
    EXPECT_FALSE(bundle.ok()) << "no bundle to consume: rejected by design";
    return;
  }
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  const fs::path dir = fs::path(::aicr::testing::TestTempDir()) / ("leaf-" + GetParam());
  fs::remove_all(dir);
  ASSERT_TRUE(bundler::PublishBundle(bundle->tree, dir.string()).ok());
  const std::string helm = ::aicr::testing::ToolPath("helm");
  for (const auto& f : bundle->plan.folders) {
    const fs::path folder = dir / f.dir;
    if (f.kind == layout::FolderKind::kLocalHelm) {
      const ProcessResult lint = RunProcess({helm, "lint", folder.string()});
      EXPECT_EQ(lint.exit_code, 0) << folder << "\n" << lint.out << lint.err;
      const ProcessResult rendered =
          RunProcess({helm, "template", f.release, folder.string(), "--namespace", f.namespace_});
      EXPECT_EQ(rendered.exit_code, 0) << folder << "\n" << rendered.err;
    }
    const ProcessResult syntax = RunProcess({"bash", "-n", (folder / "install.sh").string()});
    EXPECT_EQ(syntax.exit_code, 0) << folder << "\n" << syntax.err;
  }
  fs::remove_all(dir);
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
