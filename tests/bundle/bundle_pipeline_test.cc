// Pipeline rules of `aicr bundle` that are easier to state than to show in a
// golden file: bundler-owned injections, the configuration-profile lock, value
// precedence, synthesized manifests, warnings and deployer-specific rejections.
// All run against the small catalogue in tests/bundle/catalog.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "serialize/yaml_reader.h"
#include "tests/bundle/scenario.h"
#include "tests/testing/status_matchers.h"

namespace aicr::bundle_testing {
namespace {

using serialize::Value;
using ::testing::Contains;
using ::testing::HasSubstr;

recipe::RecipeResult Recipe(const std::string& refs, const std::string& extra_metadata = "",
                            const std::string& service = "eks") {
  const std::string text =
      "kind: RecipeResult\napiVersion: aicr.run/v1\nmetadata:\n  version: "
      "v0.22.0\n" +
      extra_metadata + "criteria:\n  service: " + service + "\n  nodes: 4\ncomponentRefs:\n" + refs;
  return recipe::RecipeResultFromValue(serialize::ParseYaml(text).value()).value();
}

const char kGpuAndDra[] = R"(  - name: gpu-operator
    type: Helm
    source: https://helm.ngc.nvidia.com/nvidia
    chart: gpu-operator
    version: v25.3.3
    namespace: gpu-operator
    valuesFile: components/gpu-operator/values.yaml
  - name: nvidia-dra-driver-gpu
    type: Helm
    source: https://helm.ngc.nvidia.com/nvidia
    chart: nvidia-dra-driver-gpu
    version: 25.8.0
    namespace: nvidia-dra-driver-gpu
    valuesFile: components/nvidia-dra-driver-gpu/values.yaml
    dependencyRefs: [gpu-operator]
)";

bundler::BundleOptions Options() {
  bundler::BundleOptions o;
  o.aicr_version = "v0.22.0";
  return o;
}

Result<bundler::BundleOutput> Make(const recipe::RecipeResult& recipe,
                                   const bundler::BundleOptions& options) {
  return bundler::MakeBundle(recipe, *TestCatalogue(), options);
}

// The values of the folder whose release is `release` (or the folder named so).
Value ValuesOf(const bundler::BundleOutput& out, const std::string& release) {
  std::string folder = release;
  for (const auto& f : out.plan.folders) {
    if (f.release == release) {
      folder = f.dir;
    }
  }
  const layout::File* f = out.tree.Find(folder + "/values.yaml");
  EXPECT_NE(f, nullptr) << folder;
  return f == nullptr ? Value() : serialize::ParseYaml(f->bytes).value();
}

TEST(BundlePipelineTest, DraChartVersionAnnotationAndEvictionContract) {
  auto plain = Make(Recipe(kGpuAndDra), Options());
  ASSERT_THAT(plain, IsOk());
  Value dra = ValuesOf(*plain, "002-nvidia-dra-driver-gpu");
  for (const char* pod : {"controller", "kubeletPlugin"}) {
    const Value* annotations = dra.Find(pod)->Find("podAnnotations");
    ASSERT_NE(annotations, nullptr) << pod;
    EXPECT_EQ(*annotations->Find("aicr.run/gpu-operator-chart-version"), Value("v25.3.3"));
  }
  EXPECT_EQ(dra.FindPath("kubeletPlugin.nodeSelector"), nullptr);
  EXPECT_THAT(plain->warnings, Contains(HasSubstr("DRA eviction coordination is not configured")));

  bundler::BundleOptions opted = Options();
  opted.dra_eviction_node_label = "nvidia.com/dra-kubelet-plugin=true";
  auto out = Make(Recipe(kGpuAndDra), opted);
  ASSERT_THAT(out, IsOk());
  dra = ValuesOf(*out, "002-nvidia-dra-driver-gpu");
  EXPECT_EQ(*dra.FindPath("kubeletPlugin.nodeSelector")->Find("nvidia.com/dra-kubelet-plugin"),
            Value("true"));
  const Value gpu = ValuesOf(*out, "001-gpu-operator");
  EXPECT_EQ(*gpu.FindPath("driver.manager.env"),
            serialize::ParseYaml("- {name: NODE_LABEL_FOR_GPU_POD_EVICTION, value: "
                                 "nvidia.com/dra-kubelet-plugin}")
                .value());

  opted.dynamic = {"nvidia-dra-driver-gpu:kubeletPlugin.nodeSelector"};
  EXPECT_THAT(Make(Recipe(kGpuAndDra), opted),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("DRA eviction contract")));
  opted.dynamic.clear();
  opted.dra_eviction_node_label = "not a label";
  EXPECT_THAT(Make(Recipe(kGpuAndDra), opted), StatusIs(ErrorCode::kInvalidRequest, ::testing::_));
}

TEST(BundlePipelineTest, ProfileLock) {
  const std::string profile =
      "  selectedProfile:\n    name: gpuStack\n    value: operator-managed\n    ownedPaths:\n"
      "      gpu-operator: [driver.enabled, enabled]\n";
  const auto recipe = Recipe(kGpuAndDra, profile);
  bundler::BundleOptions o = Options();
  o.set = {"gpuoperator:driver.enabled=true"};  // identical to the recipe: accepted
  EXPECT_THAT(Make(recipe, o), IsOk());
  o.set = {"gpuoperator:driver.enabled=false"};
  EXPECT_THAT(Make(recipe, o),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("driver.enabled is owned by the configuration profile "
                                 "gpuStack=operator-managed")));
  o.set = {};
  o.set_json = {"gpu-operator:driver={\"enabled\": false}"};
  EXPECT_THAT(Make(recipe, o), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("owned")));
  o.set_json = {};
  o.set = {"gpu-operator:enabled=false"};
  EXPECT_THAT(Make(recipe, o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("cannot be removed from the bundle")));
  o.set = {};
  o.bundlers = {"nvidia-dra-driver-gpu"};
  EXPECT_THAT(Make(recipe, o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("cannot be removed from the bundle")));
  o.bundlers = {};
  o.dynamic = {"gpuoperator:driver"};
  EXPECT_THAT(Make(recipe, o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("cannot change at install time")));
}

TEST(BundlePipelineTest, ValuePrecedence) {
  bundler::BundleOptions o = Options();
  o.set = {"gpuoperator:driver.version=1", "gpu-operator:driver.version=2",
           "gpu-operator:toolkit.enabled=false"};
  o.set_json = {"gpu-operator:driver={\"rdma\": {\"enabled\": true}, \"version\": \"3\"}",
                "gpu-operator:operator={\"defaultRuntime\": null}"};
  auto out = Make(Recipe(kGpuAndDra), o);
  ASSERT_THAT(out, IsOk());
  const Value gpu = ValuesOf(*out, "001-gpu-operator");
  EXPECT_EQ(*gpu.FindPath("driver.version"), Value("3"));              // typed beats --set
  EXPECT_EQ(*gpu.FindPath("driver.rdma.useHostMofed"), Value(false));  // deep merge keeps
  EXPECT_EQ(*gpu.FindPath("driver.rdma.enabled"), Value(true));
  EXPECT_EQ(*gpu.FindPath("toolkit.enabled"), Value(false));    // --set converts bools
  EXPECT_EQ(gpu.FindPath("operator.defaultRuntime"), nullptr);  // null in a map deletes

  o.set = {"gpu-operator:driver.version=1", "gpuoperator:driver.version=2"};
  o.set_json = {};
  out = Make(Recipe(kGpuAndDra), o);
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(*ValuesOf(*out, "001-gpu-operator").FindPath("driver.version"), Value(1))
      << "the exact name beats an alias on the same path";
}

TEST(BundlePipelineTest, GkeQuotaAndPvcWarning) {
  const std::string kps = R"(  - name: kube-prometheus-stack
    type: Helm
    source: https://prometheus-community.github.io/helm-charts
    chart: kube-prometheus-stack
    version: 77.0.0
    namespace: monitoring
    valuesFile: components/kube-prometheus-stack/values.yaml
)";
  auto out = Make(Recipe(std::string(kGpuAndDra) + kps, "", "gke"), Options());
  ASSERT_THAT(out, IsOk());
  const layout::File* quota =
      out->tree.Find("001-gpu-operator-pre/templates/gke-critical-pods-quota.yaml");
  ASSERT_NE(quota, nullptr);
  EXPECT_THAT(quota->bytes, HasSubstr("pods: \"128\""));  // 4 nodes x 32
  EXPECT_THAT(out->warnings,
              Contains(HasSubstr("kube-prometheus-stack requests a "
                                 "PersistentVolumeClaim without a storageClassName")));
  bundler::BundleOptions o = Options();
  o.storage_class = "gp3";
  o.nodes = 10;
  out = Make(Recipe(std::string(kGpuAndDra) + kps, "", "gke"), o);
  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->warnings, ::testing::Not(Contains(HasSubstr("PersistentVolumeClaim"))));
  EXPECT_THAT(out->tree.Find("001-gpu-operator-pre/templates/gke-critical-pods-quota.yaml")->bytes,
              HasSubstr("pods: \"320\""));
  EXPECT_EQ(*ValuesOf(*out, "kube-prometheus-stack")
                 .FindPath("prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec."
                           "storageClassName"),
            Value("gp3"));
}

TEST(BundlePipelineTest, DeployerRules) {
  bundler::BundleOptions o = Options();
  o.set = {"deployer:namePrefix=x-"};
  EXPECT_THAT(Make(Recipe(kGpuAndDra), o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("argocd")));
  o = Options();
  o.deployer = "helmfile";
  o.readiness_hooks = true;
  EXPECT_THAT(Make(Recipe(kGpuAndDra), o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("--readiness-hooks")));
  o = Options();
  o.deployer = "fleet";
  EXPECT_THAT(Make(Recipe(kGpuAndDra), o),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("unsupported deployer \"fleet\" (supported: helm, helmfile, "
                                 "argocd, argocd-helm, flux)")));
  o = Options();
  o.nodes = -1;
  EXPECT_THAT(Make(Recipe(kGpuAndDra), o), StatusIs(ErrorCode::kInvalidRequest, ::testing::_));
  o = Options();
  o.set = {"typo:foo=1"};
  EXPECT_THAT(Make(Recipe(kGpuAndDra), o),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unknown component")));
}

TEST(BundlePipelineTest, BundleInfoRecordsFilterAndRecipeDigest) {
  bundler::BundleOptions o = Options();
  o.bundlers = {"gpu-operator"};
  auto out = Make(Recipe(kGpuAndDra), o);
  ASSERT_THAT(out, IsOk());
  const Value info = serialize::ParseYaml(out->tree.Find("bundle-info.yaml")->bytes).value();
  EXPECT_EQ(*info.FindPath("build.settings.components"),
            serialize::ParseYaml("[gpu-operator]").value());
  const Value recipe = serialize::ParseYaml(out->tree.Find("recipe.yaml")->bytes).value();
  EXPECT_EQ(recipe.Find("componentRefs")->size(), 1u);
  EXPECT_EQ(*info.FindPath("layout.releases.0.path"), Value("001-gpu-operator"));
}

}  // namespace
}  // namespace aicr::bundle_testing

namespace aicr::bundle_testing {
namespace {

std::set<std::string> ApplicationNames(const bundler::BundleOutput& out) {
  std::set<std::string> names;
  for (const auto& [path, file] : out.tree.files()) {
    if (path == "app-of-apps.yaml" || path.find("/application.yaml") != std::string::npos) {
      const Value doc = serialize::ParseYaml(file.bytes).value();
      names.insert(*doc.FindPath("metadata.name")->if_string());
    }
  }
  return names;
}

TEST(BundlePipelineTest, TwoArgoBundlesOfOneRecipeNeverCollide) {
  bundler::BundleOptions a = Options();
  a.deployer = "argocd";
  a.repo = "https://github.com/org/bundles.git";
  a.app_name = "team-a";
  a.set = {"deployer:namePrefix=team-a-"};
  bundler::BundleOptions b = a;
  b.app_name = "team-b";
  b.set = {"deployer:namePrefix=team-b-"};
  auto first = Make(Recipe(kGpuAndDra), a);
  auto second = Make(Recipe(kGpuAndDra), b);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  const auto names_a = ApplicationNames(*first);
  const auto names_b = ApplicationNames(*second);
  EXPECT_EQ(names_a.size(), 3u);  // parent + two children
  for (const auto& n : names_a) {
    EXPECT_EQ(names_b.count(n), 0u) << n << " appears in both bundles";
  }
  EXPECT_EQ(names_a.count("team-a"), 1u);
  EXPECT_EQ(names_a.count("team-a-gpu-operator"), 1u);
}

TEST(BundlePipelineTest, RepositoryComesFromTheFlagOrAWarnedPlaceholder) {
  for (const char* deployer : {"argocd", "flux"}) {
    bundler::BundleOptions o = Options();
    o.deployer = deployer;
    auto placeholder = Make(Recipe(kGpuAndDra), o);
    ASSERT_THAT(placeholder, IsOk());
    EXPECT_THAT(placeholder->warnings, Contains(HasSubstr("placeholder repository"))) << deployer;
    const Value info =
        serialize::ParseYaml(placeholder->tree.Find("bundle-info.yaml")->bytes).value();
    EXPECT_THAT(*info.FindPath("build.settings.repoURL")->if_string(), HasSubstr("YOUR"));
    EXPECT_EQ(*info.FindPath("build.settings.targetRevision"), Value("main"));

    o.repo = "https://git.example.com/platform/gpu-bundles.git";
    auto given = Make(Recipe(kGpuAndDra), o);
    ASSERT_THAT(given, IsOk());
    EXPECT_THAT(given->warnings, ::testing::Not(Contains(HasSubstr("placeholder"))));
    std::string all;
    for (const auto& [path, file] : given->tree.files()) {
      all += file.bytes;
    }
    EXPECT_THAT(all, HasSubstr("https://git.example.com/platform/gpu-bundles.git"));
    EXPECT_EQ(all.find("YOUR"), std::string::npos) << deployer << " still names a placeholder";
  }
}

}  // namespace
}  // namespace aicr::bundle_testing
