// Lint over the embedded catalogue (recipes/): the data rules upstream enforces in
// CI, applied to our own files. The rules live in catalog_rules.{h,cc}, one function
// per rule over a DataProvider, so that the second half of this file can prove each
// one fires on a small, deliberately broken in-memory catalogue.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/data_provider.h"
#include "recipe/registry.h"
#include "recipe/store.h"
#include "tests/lint/catalog_rules.h"

namespace aicr {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const catalog::DataProvider& Embedded() { return catalog::EmbeddedProvider(); }

const recipe::Store& Store() {
  static const std::shared_ptr<const recipe::Store> store = [] {
    auto s = recipe::GetStore(catalog::EmbeddedProvider());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : nullptr;
  }();
  return *store;
}

// --- the embedded catalogue --------------------------------------------------

TEST(CatalogLintTest, CatalogueLoads) { ASSERT_NE(&Store(), nullptr); }

TEST(CatalogLintTest, ReferencedFilesExist) {
  EXPECT_THAT(lint::ReferencedFilesExist(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, ComponentsAreRegistered) {
  EXPECT_THAT(lint::ComponentsAreRegistered(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, NoVersionPinsOutsideTheRegistry) {
  EXPECT_THAT(lint::NoVersionPinsOutsideTheRegistry(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, EveryComponentHasAHealthCheck) {
  EXPECT_THAT(lint::EveryComponentHasAHealthCheck(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, NoTwoOverlaysShareCriteria) {
  EXPECT_THAT(lint::NoTwoOverlaysShareCriteria(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, ChainsResolveAndStayShallow) {
  EXPECT_THAT(lint::ChainsResolveAndStayShallow(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, EveryOverlayMergesWithBase) {
  EXPECT_THAT(lint::EveryOverlayMergesWithBase(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, ResolvedHelmComponentsArePinned) {
  EXPECT_THAT(lint::ResolvedHelmComponentsArePinned(Embedded()), IsEmpty());
}

// Every check an overlay declares resolves to exactly one validator of that phase
// in validators/catalog.yaml, and validator names are unique.
TEST(CatalogLintTest, DeclaredChecksResolveToOneValidator) {
  EXPECT_THAT(lint::DeclaredChecksResolveToOneValidator(Embedded()), IsEmpty());
  EXPECT_GE(lint::ValidatorCount(Embedded()), 20u);
}

TEST(CatalogLintTest, CriteriaValuesAreKnown) {
  EXPECT_THAT(lint::CriteriaValuesAreKnown(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, CustomResourceManifestsDeclareHooks) {
  EXPECT_THAT(lint::CustomResourceManifestsDeclareHooks(Embedded()), IsEmpty());
}

TEST(CatalogLintTest, HookOptOutManifestsCarryNoHooks) {
  EXPECT_THAT(lint::HookOptOutManifestsCarryNoHooks(Embedded()), IsEmpty());
}

// The 16 mixins of the target catalogue, each composing onto a real leaf: its
// overrides pass the mixin-safe-path check and its components reach the result.
TEST(CatalogLintTest, EveryMixinComposesOntoALeaf) {
  std::vector<std::string> names;
  for (const auto& [name, m] : Store().mixins()) {
    names.push_back(name);
  }
  EXPECT_THAT(
      names,
      ElementsAre("gpu-operator-nvidia-driver-cr", "npd", "nvsentinel-nic-health-monitor",
                  "nvsentinel-object-monitor", "nvsentinel-observability", "nvsentinel-observe",
                  "nvsentinel-preflight", "nvsentinel-quarantine", "nvsentinel-remediation",
                  "nvsentinel-slurm-drain-monitor", "os-amazonlinux", "os-sles", "os-talos",
                  "os-ubuntu", "platform-inference", "platform-kubeflow"));
  std::vector<std::string> used;
  EXPECT_THAT(lint::EveryMixinComposesOntoALeaf(Embedded(), &used), IsEmpty());
  EXPECT_THAT(used, SizeIs(names.size()));
  std::string joined;
  for (const std::string& u : used) {
    joined += (joined.empty() ? "" : ", ") + u;
  }
  RecordProperty("mixin_leaves", joined);
}

// The widest graded-remediation step (its paths are a superset of the other two)
// composes onto every leaf that deploys nvsentinel: no leaf sets a path it owns.
TEST(CatalogLintTest, RemediationStepComposesOntoEveryNVSentinelLeaf) {
  EXPECT_THAT(
      lint::MixinComposesOntoEveryLeafWith(Embedded(), "nvsentinel-remediation", "nvsentinel"),
      IsEmpty());
}

// The slurm drain monitor composes onto every leaf that deploys slinky-slurm.
TEST(CatalogLintTest, SlurmDrainMonitorComposesOntoEverySlurmLeaf) {
  EXPECT_THAT(lint::MixinComposesOntoEveryLeafWith(Embedded(), "nvsentinel-slurm-drain-monitor",
                                                   "slinky-slurm"),
              IsEmpty());
}

// The pinned chart versions of the target catalogue (upstream v0.22.0). A
// component missing from the registry is skipped; every present one must carry
// exactly this version.
TEST(CatalogLintTest, RegistryVersionsMatchTheTargetCatalogue) {
  const std::map<std::string, std::string> kPinned = {
      {"agentgateway", "v1.5.0"},
      {"agentgateway-crds", "v1.5.0"},
      {"aws-ebs-csi-driver", "2.59.0"},
      {"aws-efa", "v0.5.29"},
      {"cert-manager", "v1.20.2"},
      {"dynamo-platform", "1.4.2"},
      {"gatekeeper", "3.22.2"},
      {"gpu-operator", "v26.7.0"},
      {"grove", "v0.1.0-alpha.12"},
      {"k8s-aibom", "1.3.0"},
      {"k8s-ephemeral-storage-metrics", "1.19.2"},
      {"k8s-nim-operator", "3.1.0"},
      {"k8s-nim-operator-ocp", "3.1.0"},
      {"kai-scheduler", "v0.16.9"},
      {"kube-prometheus-stack", "84.4.0"},
      {"kubeflow-trainer", "2.2.0"},
      {"kueue", "0.19.3"},
      {"mariadb-operator", "26.6.0"},
      {"mariadb-operator-crds", "26.6.0"},
      {"network-operator", "26.4.1"},
      {"nfd", "0.19.0"},
      {"node-problem-detector", "2.4.1"},
      {"nodewright-operator", "v0.19.0"},
      {"nvcre", "v0.2.0"},
      {"nvidia-dra-driver-gpu", "0.5.0"},
      {"nvidia-dra-driver-gpu-ocp", "0.5.0"},
      {"nvsentinel", "v1.20.0"},
      {"prometheus-adapter", "5.3.0"},
      {"prometheus-adapter-ocp", "5.3.0"},
      {"prometheus-operator-crds", "28.0.1"},
      {"slinky-slurm", "1.2.0"},
      {"slinky-slurm-operator", "1.2.0"},
      {"slinky-slurm-operator-crds", "1.2.0"},
      {"slinky-topograph", "1.0.0"},
      {"slurm-accounting-mariadb", "26.6.0"},
  };
  std::vector<std::string> problems;
  std::size_t checked = 0;
  for (const auto& [name, version] : kPinned) {
    const recipe::RegistryComponent* c = Store().registry().Find(name);
    if (c == nullptr) {
      continue;
    }
    ++checked;
    if (!c->helm.has_value() || c->helm->default_version != version) {
      problems.push_back(name + ": want " + version);
    }
  }
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_GE(checked, 35u);
}

// --- each rule fires on a broken catalogue -----------------------------------

constexpr std::string_view kRegistry = R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: cert-manager
    displayName: cert-manager
    healthCheck:
      assertFile: checks/cert-manager/health-check.yaml
    helm:
      defaultRepository: https://charts.jetstack.io
      defaultChart: jetstack/cert-manager
      defaultVersion: v1.0.0
      defaultNamespace: cert-manager
  - name: gpu-operator
    displayName: gpu-operator
    healthCheck:
      assertFile: checks/gpu-operator/health-check.yaml
    helm:
      defaultRepository: https://helm.ngc.nvidia.com/nvidia
      defaultChart: nvidia/gpu-operator
      defaultVersion: v1.0.0
      defaultNamespace: gpu-operator
    mixinSafeOverridePaths:
      - driver.enabled
)";

constexpr std::string_view kBase = R"(kind: RecipeMetadata
apiVersion: aicr.run/v1beta1
metadata:
  name: base
spec:
  componentRefs:
    - name: cert-manager
      type: Helm
    - name: gpu-operator
      type: Helm
      valuesFile: components/gpu-operator/values.yaml
      dependencyRefs: [cert-manager]
)";

std::string Overlay(std::string_view name, std::string_view spec) {
  return "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata:\n  name: " +
         std::string(name) + "\nspec:\n" + std::string(spec);
}

std::string Mixin(std::string_view name, std::string_view spec) {
  return "kind: RecipeMixin\napiVersion: aicr.run/v1beta1\nmetadata:\n  name: " +
         std::string(name) + "\nspec:\n" + std::string(spec);
}

using Files = std::map<std::string, std::string>;

// A small catalogue every rule accepts: base, one leaf, one mixin, one manifest.
Files Good() {
  return {
      {"registry.yaml", std::string(kRegistry)},
      {"overlays/base.yaml", std::string(kBase)},
      {"overlays/h100-eks-training.yaml",
       Overlay("h100-eks-training",
               "  criteria:\n    service: eks\n    accelerator: h100\n    intent: training\n")},
      {"mixins/driver-off.yaml",
       Mixin("driver-off",
             "  componentRefs:\n    - name: gpu-operator\n      overrides:\n        driver:\n"
             "          enabled: false\n")},
      {"components/gpu-operator/values.yaml", "operator:\n  defaultRuntime: containerd\n"},
      {"components/gpu-operator/manifests/cm.yaml",
       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"},
      {"checks/cert-manager/health-check.yaml", "kind: Test\n"},
      {"checks/gpu-operator/health-check.yaml", "kind: Test\n"},
      {"validators/catalog.yaml",
       "validators:\n  - name: gpu-operator-health\n    phase: conformance\n"},
  };
}

// Good() with `changes` applied (an empty value deletes the file).
std::unique_ptr<catalog::DataProvider> With(const Files& changes) {
  Files files = Good();
  for (const auto& [path, bytes] : changes) {
    if (bytes.empty()) {
      files.erase(path);
    } else {
      files[path] = bytes;
    }
  }
  return catalog::MakeMemoryProvider(std::move(files));
}

TEST(CatalogLintRulesTest, TheGoodCatalogueIsClean) {
  const auto good = With({});
  EXPECT_THAT(lint::ReferencedFilesExist(*good), IsEmpty());
  EXPECT_THAT(lint::ComponentsAreRegistered(*good), IsEmpty());
  EXPECT_THAT(lint::NoVersionPinsOutsideTheRegistry(*good), IsEmpty());
  EXPECT_THAT(lint::EveryComponentHasAHealthCheck(*good), IsEmpty());
  EXPECT_THAT(lint::NoTwoOverlaysShareCriteria(*good), IsEmpty());
  EXPECT_THAT(lint::ChainsResolveAndStayShallow(*good), IsEmpty());
  EXPECT_THAT(lint::EveryOverlayMergesWithBase(*good), IsEmpty());
  EXPECT_THAT(lint::ResolvedHelmComponentsArePinned(*good), IsEmpty());
  EXPECT_THAT(lint::DeclaredChecksResolveToOneValidator(*good), IsEmpty());
  EXPECT_THAT(lint::CriteriaValuesAreKnown(*good), IsEmpty());
  EXPECT_THAT(lint::CustomResourceManifestsDeclareHooks(*good), IsEmpty());
  EXPECT_THAT(lint::HookOptOutManifestsCarryNoHooks(*good), IsEmpty());
  std::vector<std::string> used;
  EXPECT_THAT(lint::EveryMixinComposesOntoALeaf(*good, &used), IsEmpty());
  EXPECT_THAT(used, ElementsAre("driver-off -> h100-eks-training"));
}

TEST(CatalogLintRulesTest, ReferencedFilesExistFires) {
  const auto bad = With({{"components/gpu-operator/values.yaml", ""}});
  EXPECT_THAT(
      lint::ReferencedFilesExist(*bad),
      ElementsAre("overlays/base.yaml: gpu-operator -> components/gpu-operator/values.yaml"));
}

TEST(CatalogLintRulesTest, ComponentsAreRegisteredFires) {
  const auto bad =
      With({{"overlays/h100-eks-training.yaml",
             Overlay("h100-eks-training",
                     "  criteria:\n    service: eks\n    accelerator: h100\n"
                     "  componentRefs:\n    - name: no-such-thing\n      type: Helm\n")}});
  EXPECT_THAT(lint::ComponentsAreRegistered(*bad),
              ElementsAre("overlays/h100-eks-training.yaml: no-such-thing"));
}

TEST(CatalogLintRulesTest, NoVersionPinsOutsideTheRegistryFires) {
  const auto bad = With({{"overlays/h100-eks-training.yaml",
                          Overlay("h100-eks-training",
                                  "  criteria:\n    service: eks\n    accelerator: h100\n"
                                  "  componentRefs:\n    - name: gpu-operator\n"
                                  "      version: v9.9.9\n")}});
  EXPECT_THAT(lint::NoVersionPinsOutsideTheRegistry(*bad),
              ElementsAre("overlays/h100-eks-training.yaml: gpu-operator"));
}

TEST(CatalogLintRulesTest, NoTwoOverlaysShareCriteriaFires) {
  const auto bad = With({{"overlays/eks-h100-training-copy.yaml",
                          Overlay("eks-h100-training-copy",
                                  "  criteria:\n    accelerator: h100\n    intent: training\n"
                                  "    service: eks\n")}});
  EXPECT_THAT(lint::NoTwoOverlaysShareCriteria(*bad),
              ElementsAre(AllOf(HasSubstr("eks-h100-training-copy and h100-eks-training"),
                                HasSubstr("service=eks"))));
}

TEST(CatalogLintRulesTest, EveryComponentHasAHealthCheckFires) {
  const auto bad = With({{"checks/cert-manager/health-check.yaml", ""}});
  EXPECT_THAT(lint::EveryComponentHasAHealthCheck(*bad),
              ElementsAre("cert-manager: missing checks/cert-manager/health-check.yaml"));
}

TEST(CatalogLintRulesTest, CriteriaValuesAreKnownFires) {
  const auto bad = With({{"overlays/h100-eks-training.yaml",
                          Overlay("h100-eks-training",
                                  "  criteria:\n    service: EKS\n    accelerator: h1OO\n"
                                  "    os: al2023\n    platform: kueue\n")}});
  EXPECT_THAT(lint::CriteriaValuesAreKnown(*bad),
              ElementsAre(HasSubstr("service \"EKS\""), HasSubstr("accelerator \"h1OO\""),
                          HasSubstr("os \"al2023\"")));
}

TEST(CatalogLintRulesTest, CustomResourceManifestsDeclareHooksFires) {
  const auto bad = With({
      // second document: a custom resource with neither a hook nor the opt-out
      {"components/gpu-operator/manifests/cr.yaml",
       "# two documents\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n"
       "apiVersion: nvidia.com/v1alpha1\nkind: NVIDIADriver\nmetadata:\n  name: d\n"
       "  labels:\n    helm.sh/chart: x\n"},
      // passes: hook declared (quoted key)
      {"components/gpu-operator/manifests/hooked.yaml",
       "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  annotations:\n"
       "    \"helm.sh/hook\": post-install,post-upgrade\n"},
      // passes: opted out
      {"components/gpu-operator/manifests/optout.yaml",
       "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  annotations:\n"
       "    aicr/skip-hook-validation: \"true\"\n"},
      // passes: core group
      {"components/gpu-operator/manifests/deploy.yaml",
       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n"},
  });
  EXPECT_THAT(lint::CustomResourceManifestsDeclareHooks(*bad),
              ElementsAre(HasSubstr("components/gpu-operator/manifests/cr.yaml (document 2, "
                                    "nvidia.com/v1alpha1): custom resource without a "
                                    "helm.sh/hook annotation")));
  EXPECT_THAT(lint::HookOptOutManifestsCarryNoHooks(*bad), IsEmpty());
}

TEST(CatalogLintRulesTest, HookOptOutManifestsCarryNoHooksFires) {
  const auto bad = With({{"components/gpu-operator/manifests/both.yaml",
                          "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n"
                          "  annotations:\n    aicr/skip-hook-validation: 'true'\n"
                          "    helm.sh/hook-weight: \"10\"\n"}});
  EXPECT_THAT(lint::HookOptOutManifestsCarryNoHooks(*bad),
              ElementsAre(HasSubstr("both.yaml (document 1, example.com/v1): opts out")));
  EXPECT_THAT(lint::CustomResourceManifestsDeclareHooks(*bad), IsEmpty());
}

TEST(CatalogLintRulesTest, EveryMixinComposesOntoALeafFires) {
  // driver.version is not in gpu-operator's mixinSafeOverridePaths.
  const auto bad = With({{"mixins/driver-pin.yaml",
                          Mixin("driver-pin",
                                "  componentRefs:\n    - name: gpu-operator\n      overrides:\n"
                                "        driver:\n          version: \"1.2.3\"\n")}});
  const lint::Problems problems = lint::EveryMixinComposesOntoALeaf(*bad);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0], AllOf(HasSubstr("mixins/driver-pin.yaml: composes onto no leaf"),
                                 HasSubstr("h100-eks-training: "), HasSubstr("driver.version")));
}

TEST(CatalogLintRulesTest, MixinComposesOntoEveryLeafWithFires) {
  // A second leaf whose own override collides with the mixin's path.
  const auto bad = With({{"overlays/h100-eks-inference.yaml",
                          Overlay("h100-eks-inference",
                                  "  criteria:\n    service: eks\n    accelerator: h100\n"
                                  "    intent: inference\n  componentRefs:\n"
                                  "    - name: gpu-operator\n      overrides:\n"
                                  "        driver:\n          enabled: true\n")}});
  EXPECT_THAT(lint::MixinComposesOntoEveryLeafWith(*bad, "driver-off", "gpu-operator"),
              ElementsAre(HasSubstr("h100-eks-inference + driver-off: ")));
  EXPECT_THAT(lint::EveryMixinComposesOntoALeaf(*bad), IsEmpty());
}

TEST(CatalogLintRulesTest, CatalogueLoadFailureIsReported) {
  const auto bad = With({{"overlays/base.yaml", ""}});
  EXPECT_THAT(lint::ComponentsAreRegistered(*bad),
              ElementsAre(HasSubstr("catalogue does not load")));
}

}  // namespace
}  // namespace aicr
