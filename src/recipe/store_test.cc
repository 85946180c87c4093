#include "recipe/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "catalog/data_provider.h"
#include "tests/testing/status_matchers.h"

namespace aicr::recipe {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kBase = R"(kind: RecipeMetadata
apiVersion: aicr.run/v1beta1
metadata:
  name: base
spec:
  constraints:
    - name: K8s.server.version
      value: ">= 1.25"
  componentRefs:
    - name: cert-manager
      type: Helm
    - name: gpu-operator
      type: Helm
      dependencyRefs: [cert-manager]
)";

constexpr std::string_view kRegistry = R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: cert-manager
    displayName: cert-manager
  - name: gpu-operator
    displayName: GPU Operator
)";

std::string Overlay(std::string_view name, std::string_view spec,
                    std::string_view api_version = "aicr.run/v1beta1") {
  return "kind: RecipeMetadata\napiVersion: " + std::string(api_version) +
         "\nmetadata:\n  name: " + std::string(name) + "\nspec:\n" + std::string(spec);
}

std::string Mixin(std::string_view name, std::string_view spec) {
  return "kind: RecipeMixin\napiVersion: aicr.run/v1beta1\nmetadata:\n  name: " +
         std::string(name) + "\nspec:\n" + std::string(spec);
}

using Files = std::map<std::string, std::string>;

Files Catalogue(Files extra = {}) {
  Files files = {{"registry.yaml", std::string(kRegistry)},
                 {"overlays/base.yaml", std::string(kBase)}};
  for (auto& [k, v] : extra) {
    files[k] = v;
  }
  return files;
}

Result<std::shared_ptr<const Store>> Load(Files files) {
  const auto provider = catalog::MakeMemoryProvider(std::move(files));
  auto store = LoadStore(*provider);
  // The provider dies here: tests below only use the store's own data.
  return store;
}

// A provider whose files each carry their own Source() (embedded or external), like
// a layered provider, in the given walk order.
class MixedProvider : public catalog::DataProvider {
 public:
  struct File {
    std::string path;
    std::string bytes;
    std::string source;
  };
  explicit MixedProvider(std::vector<File> files) : files_(std::move(files)) {}
  std::vector<std::string> Files() const override {
    std::vector<std::string> out;
    for (const File& f : files_) {
      out.push_back(f.path);
    }
    return out;
  }
  Result<std::string> Read(std::string_view path) const override {
    for (const File& f : files_) {
      if (f.path == path) {
        return f.bytes;
      }
    }
    return NotFoundError("data file \"" + std::string(path) + "\" not found");
  }
  std::string_view Source(std::string_view path) const override {
    for (const File& f : files_) {
      if (f.path == path) {
        return f.source;
      }
    }
    return catalog::kSourceEmbedded;
  }
  bool Has(std::string_view path) const override {
    for (const File& f : files_) {
      if (f.path == path) {
        return true;
      }
    }
    return false;
  }
  std::string_view Identity() const override { return "mixed-for-test"; }

 private:
  std::vector<File> files_;
};

TEST(StoreTest, LoadsSmallCatalogue) {
  auto store = Load(Catalogue({
      {"overlays/eks.yaml", Overlay("eks", "  criteria:\n    service: eks\n")},
      {"overlays/eks-training.yaml",
       Overlay("eks-training",
               "  base: eks\n  criteria:\n    service: eks\n    intent: training\n"
               "  mixins: [os-ubuntu]\n")},
      {"mixins/os-ubuntu.yaml",
       Mixin("os-ubuntu", "  constraints:\n    - name: OS.release.ID\n      value: ubuntu\n")},
      {"mixins/README.md", "not yaml"},
      {"components/gpu-operator/values.yaml", "driver:\n  enabled: true\n"},
      {"components/gpu-operator/manifests/x.tpl", "raw"},
      {"overlays/README.md", "# notes"},
  }));
  ASSERT_THAT(store, IsOk());
  const Store& s = **store;
  EXPECT_EQ(s.base().name, "base");
  EXPECT_EQ(s.base().path, "overlays/base.yaml");
  ASSERT_EQ(s.base().spec.component_refs.size(), 2u);
  EXPECT_EQ(s.Find("base"), &s.base());
  std::vector<std::string> names;
  for (const auto& [name, md] : s.overlays()) {
    names.push_back(name);
  }
  EXPECT_THAT(names, ElementsAre("eks", "eks-training"));
  EXPECT_EQ(s.overlays().at("eks-training").path, "overlays/eks-training.yaml");
  ASSERT_EQ(s.mixins().size(), 1u);
  EXPECT_EQ(s.mixins().at("os-ubuntu").constraints[0].value, "ubuntu");
  EXPECT_EQ(s.values_files().size(), 2u);
  EXPECT_EQ(s.values_files().at("components/gpu-operator/values.yaml"),
            "driver:\n  enabled: true\n");
  EXPECT_EQ(s.values_files().at("components/gpu-operator/manifests/x.tpl"), "raw");
  EXPECT_EQ(s.registry().components().size(), 2u);
  EXPECT_EQ(s.OverlaySource("eks"), "embedded");
  EXPECT_EQ(s.OverlaySource("nope"), "");
  EXPECT_EQ(s.Find("nope"), nullptr);
  EXPECT_TRUE(s.criteria_registry().Has(Dimension::kService, "eks", true));
  EXPECT_TRUE(s.criteria_registry().Has(Dimension::kIntent, "training", true));
}

TEST(StoreTest, MissingBase) {
  Files files = Catalogue({{"overlays/eks.yaml", Overlay("eks", "  criteria: {service: eks}\n")}});
  files.erase("overlays/base.yaml");
  EXPECT_THAT(Load(files), StatusIs(ErrorCode::kInternal, "base.yaml not found"));
  // A base.yaml outside overlays/ is not the base.
  files["other/base.yaml"] = std::string(kBase);
  EXPECT_THAT(Load(files), StatusIs(ErrorCode::kInternal, "base.yaml not found"));
}

TEST(StoreTest, BaseDependenciesAreValidated) {
  const std::string unknown = Overlay("base", R"(  componentRefs:
    - name: a
      dependencyRefs: [b]
)");
  EXPECT_THAT(Load(Catalogue({{"overlays/base.yaml", unknown}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/base.yaml: component \"a\" references unknown dependency \"b\""));
  const std::string cycle = Overlay("base", R"(  componentRefs:
    - name: a
      dependencyRefs: [b]
    - name: b
      dependencyRefs: [a]
)");
  EXPECT_THAT(Load(Catalogue({{"overlays/base.yaml", cycle}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/base.yaml: circular dependency detected: [a b a]"));
}

TEST(StoreTest, ChainIsRootToLeaf) {
  auto store = Load(Catalogue({
      {"overlays/eks.yaml", Overlay("eks", "  criteria: {service: eks}\n")},
      {"overlays/eks-training.yaml", Overlay("eks-training", "  base: eks\n")},
      {"overlays/h100-eks-training.yaml",
       Overlay("h100-eks-training", "  base: eks-training\n  criteria: {accelerator: h100}\n")},
      {"overlays/rooted.yaml", Overlay("rooted", "  base: base\n")},
  }));
  ASSERT_THAT(store, IsOk());
  auto chain = (*store)->Chain("h100-eks-training");
  ASSERT_THAT(chain, IsOk());
  std::vector<std::string> names;
  for (const RecipeMetadata* md : *chain) {
    names.push_back(md->name);
  }
  EXPECT_THAT(names, ElementsAre("eks", "eks-training", "h100-eks-training"));
  auto rooted = (*store)->Chain("rooted");
  ASSERT_THAT(rooted, IsOk());
  ASSERT_EQ(rooted->size(), 1u);
  EXPECT_EQ((*rooted)[0]->name, "rooted");
  EXPECT_THAT((*store)->Chain("base"), IsOkAndHolds(IsEmpty()));
}

TEST(StoreTest, ChainUnknownBase) {
  auto store = Load(Catalogue({
      {"overlays/leaf.yaml", Overlay("leaf", "  base: missing\n  criteria: {service: eks}\n")},
  }));
  ASSERT_THAT(store, IsOk());  // inheritance is checked at resolution time
  EXPECT_THAT((*store)->Chain("leaf"),
              StatusIs(ErrorCode::kNotFound,
                       "recipe \"missing\" not found (referenced in inheritance chain)"));
  EXPECT_THAT((*store)->Chain("nope"),
              StatusIs(ErrorCode::kNotFound,
                       "recipe \"nope\" not found (referenced in inheritance chain)"));
}

TEST(StoreTest, LeavesAreOverlaysWithCriteriaThatNothingBuildsOn) {
  auto store = Load(Catalogue({
      {"overlays/a.yaml", Overlay("a", "  criteria: {service: eks}\n")},
      {"overlays/b.yaml",
       Overlay("b", "  base: a\n  criteria: {service: eks, intent: training}\n")},
      {"overlays/c.yaml", Overlay("c", "  base: a\n")},
  }));
  ASSERT_THAT(store, IsOk());
  EXPECT_THAT((*store)->LeafNames(), ElementsAre("b"));
  EXPECT_TRUE((*store)->IsLeaf("b"));
  EXPECT_FALSE((*store)->IsLeaf("a"));  // a base of b and c
  EXPECT_FALSE((*store)->IsLeaf("c"));  // no criteria
  EXPECT_FALSE((*store)->IsLeaf("missing"));
}

TEST(StoreTest, InheritanceCyclesAreRejectedAtLoad) {
  // A cycle member is its own ancestor and would silently never match; the loader
  // names the first overlay (by name) on the cycle instead.
  EXPECT_THAT(Load(Catalogue({
                  {"overlays/a.yaml", Overlay("a", "  base: b\n  criteria: {service: eks}\n")},
                  {"overlays/b.yaml", Overlay("b", "  base: a\n")},
              })),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/a.yaml: circular inheritance detected: recipe \"a\" references "
                       "itself in inheritance chain"));
  EXPECT_THAT(Load(Catalogue({{"overlays/s.yaml", Overlay("s", "  base: s\n")}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/s.yaml: circular inheritance detected: recipe \"s\" references "
                       "itself in inheritance chain"));
}

TEST(StoreTest, DuplicateMixinNames) {
  EXPECT_THAT(
      Load(Catalogue({
          {"mixins/a.yaml", Mixin("os-ubuntu", "  constraints: []\n")},
          {"mixins/b.yaml", Mixin("os-ubuntu", "  constraints: []\n")},
      })),
      StatusIs(ErrorCode::kInvalidRequest,
               "mixins/b.yaml: duplicate mixin name \"os-ubuntu\" (also in mixins/a.yaml)"));
}

TEST(StoreTest, MixinErrorsNameTheFile) {
  EXPECT_THAT(
      Load(Catalogue({{"mixins/bad.yaml", Mixin("bad", "  criteria: {service: eks}\n")}})),
      StatusIs(ErrorCode::kInvalidRequest, "mixins/bad.yaml: spec: unknown field \"criteria\""));
  EXPECT_THAT(Load(Catalogue(
                  {{"mixins/bad.yaml",
                    "kind: RecipeMetadata\napiVersion: aicr.run/v1beta1\nmetadata: {name: x}\n"}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixins/bad.yaml: kind \"RecipeMetadata\", expected \"RecipeMixin\""));
  EXPECT_THAT(Load(Catalogue({{"mixins/bad.yaml", Mixin("bad",
                                                        "  constraints:\n    - name: OS.release\n"
                                                        "      value: ubuntu\n")}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "mixins/bad.yaml: spec.constraints[0]: invalid measurement path "
                       "\"OS.release\": expected format {Type}.{Subtype}.{Key}"));
  EXPECT_THAT(
      Load(Catalogue({{"mixins/bad.yaml", "a: [\n"}})),
      StatusIs(ErrorCode::kInvalidRequest, ::testing::StartsWith("mixins/bad.yaml: yaml: ")));
}

TEST(StoreTest, ProfileTrackOverlayWithUnknownField) {
  const std::string profiled = Overlay("profiled", R"(  criteria: {service: aks}
  profile:
    name: gpuStack
    default: a
    values:
      a: {}
    owner: me
)",
                                       "aicr.run/v1beta2");
  EXPECT_THAT(Load(Catalogue({{"overlays/profiled.yaml", profiled}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/profiled.yaml: spec.profile: unknown field \"owner\""));
  // The same unknown field on the authoring track is ignored.
  EXPECT_THAT(Load(Catalogue({{"overlays/eks.yaml",
                               Overlay("eks", "  criteria: {service: eks}\n  owner: me\n")}})),
              IsOk());
}

TEST(StoreTest, ProfileTrackOverlayLoads) {
  const std::string profiled = Overlay("profiled", R"(  criteria: {service: aks}
  profile:
    name: gpuStack
    default: operator
    values:
      operator:
        constraints:
          - {name: K8s.aks-gpu-pools.gpu-driver, value: Install}
      preinstalled: {}
)",
                                       "aicr.run/v1beta2");
  auto store = Load(Catalogue({{"overlays/profiled.yaml", profiled}}));
  ASSERT_THAT(store, IsOk());
  ASSERT_TRUE((*store)->overlays().at("profiled").spec.profile.has_value());
  EXPECT_THAT(Load(Catalogue({{"overlays/profiled.yaml", profiled + "---\nkind: X\n"}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/profiled.yaml: profile RecipeMetadata contains multiple YAML "
                       "documents"));
}

TEST(StoreTest, OverlayConstraintPathsAreChecked) {
  EXPECT_THAT(
      Load(Catalogue({{"overlays/leaf.yaml",
                       Overlay("leaf",
                               "  constraints:\n    - {name: Kube.server.version, value: "
                               "'1'}\n")}})),
      StatusIs(ErrorCode::kInvalidRequest,
               "overlays/leaf.yaml: spec.constraints[0]: invalid measurement path "
               "\"Kube.server.version\": unknown measurement type \"Kube\" (valid: K8s, GPU, OS, "
               "SystemD, NodeTopology, NetworkTopology, Deployment)"));
  EXPECT_THAT(
      Load(
          Catalogue({{"overlays/base.yaml",
                      Overlay("base", "  constraints:\n    - {name: K8s.server, value: '1'}\n")}})),
      StatusIs(ErrorCode::kInvalidRequest,
               "overlays/base.yaml: spec.constraints[0]: invalid measurement path \"K8s.server\": "
               "expected format {Type}.{Subtype}.{Key}"));
  // Deployment/performance/conformance constraints are other name spaces.
  EXPECT_THAT(Load(Catalogue({{"overlays/leaf.yaml", Overlay("leaf", R"(  validation:
    deployment:
      constraints: [{name: Deployment.gpu-operator.version, value: v25}]
    performance:
      constraints: [{name: nccl-all-reduce-bw, value: ">= 100"}]
)")}})),
              IsOk());
}

TEST(StoreTest, ExternalOverlayWithNodesIsRejected) {
  MixedProvider provider({
      {"overlays/base.yaml", std::string(kBase), "embedded"},
      {"overlays/ext.yaml", Overlay("ext", "  criteria:\n    service: eks\n    nodes: 8\n"),
       "external"},
  });
  EXPECT_THAT(LoadStore(provider),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/ext.yaml: external overlay \"ext\" sets criteria.nodes=8, which "
                       "is not used for overlay selection: nodes is metadata-only and the overlay "
                       "would silently match every query; remove or zero criteria.nodes in your "
                       "--data catalog"));
  // Embedded overlays may carry nodes (advisory).
  MixedProvider embedded({
      {"overlays/base.yaml", std::string(kBase), "embedded"},
      {"overlays/emb.yaml", Overlay("emb", "  criteria:\n    service: eks\n    nodes: 8\n"),
       "embedded"},
  });
  EXPECT_THAT(LoadStore(embedded), IsOk());
}

TEST(StoreTest, CriteriaRegistryOriginsAndStaging) {
  MixedProvider provider({
      {"overlays/acme.yaml", Overlay("acme", "  criteria: {service: acme, platform: kueue}\n"),
       "external"},
      {"overlays/base.yaml", std::string(kBase), "embedded"},
      {"overlays/rke2.yaml", Overlay("rke2", "  criteria: {service: RKE2, accelerator: any}\n"),
       "embedded"},
      {"overlays/both.yaml", Overlay("both", "  criteria: {platform: kueue}\n"), "embedded"},
      {"overlays/merged.yaml", Overlay("merged", "  criteria: {os: mos}\n"),
       std::string(catalog::kSourceMerged)},
  });
  auto store = LoadStore(provider);
  ASSERT_THAT(store, IsOk());
  const CriteriaRegistry& reg = (*store)->criteria_registry();
  EXPECT_TRUE(reg.Has(Dimension::kService, "rke2", true));
  EXPECT_TRUE(reg.Has(Dimension::kService, "acme", false));
  EXPECT_FALSE(reg.Has(Dimension::kService, "acme", true));
  EXPECT_TRUE(reg.Has(Dimension::kPlatform, "kueue", true));  // never downgraded
  EXPECT_FALSE(reg.Has(Dimension::kOs, "mos", true));         // merged counts as external
  EXPECT_THAT(reg.Values(Dimension::kAccelerator, false), IsEmpty());
  EXPECT_EQ((*store)->OverlaySource("acme"), "external");
  EXPECT_EQ((*store)->OverlaySource("rke2"), "embedded");
  // Base criteria are not registered.
  EXPECT_FALSE(reg.Has(Dimension::kService, "base", false));
}

TEST(StoreTest, LaterOverlayWithSameNameReplacesEarlier) {
  MixedProvider provider({
      {"overlays/eks.yaml", Overlay("eks", "  criteria: {service: eks}\n  base: ext\n"),
       "external"},
      {"overlays/base.yaml", std::string(kBase), "embedded"},
      {"overlays/eks-copy.yaml", Overlay("eks", "  criteria: {service: eks}\n"), "embedded"},
  });
  auto store = LoadStore(provider);
  ASSERT_THAT(store, IsOk());
  ASSERT_EQ((*store)->overlays().size(), 1u);
  EXPECT_EQ((*store)->overlays().at("eks").path, "overlays/eks-copy.yaml");
  EXPECT_EQ((*store)->overlays().at("eks").spec.base, "");
  EXPECT_EQ((*store)->OverlaySource("eks"), "embedded");
}

TEST(StoreTest, UnknownAicrKindIsAnError) {
  EXPECT_THAT(Load(Catalogue(
                  {{"overlays/odd.yaml", "kind: RecipeMetadta\napiVersion: aicr.run/v1beta1\n"}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/odd.yaml: AICR catalog file has kind \"RecipeMetadta\", expected "
                       "\"RecipeMetadata\""));
}

TEST(StoreTest, NonMetadataKindsAreSkipped) {
  auto store = Load(Catalogue({
      {"overlays/result.yaml", "kind: RecipeResult\napiVersion: aicr.run/v1\n"},
      {"overlays/recipe.yaml", "kind: Recipe\napiVersion: aicr.run/v1alpha2\n"},
      {"snapshots/s.yaml", "kind: Snapshot\napiVersion: aicr.run/v1alpha1\n"},
      {"config/c.yaml", "kind: AICRConfig\napiVersion: aicr.run/v1beta1\n"},
      {"config/p.yaml", "kind: BundleProvenance\napiVersion: aicr.run/v1\n"},
      {"config/r.yaml", "kind: RecipeCriteria\napiVersion: aicr.run/v1alpha2\n"},
      {"config/m.yaml", "kind: RecipeMixin\napiVersion: aicr.run/v1beta1\n"},
      {"other/registry2.yaml", "kind: ComponentRegistry\napiVersion: aicr.run/v1beta1\n"},
      {"validators/catalog.yaml", "kind: ValidatorCatalog\napiVersion: example.com/v1\n"},
      {"notes/plain.yaml", "just: data\n"},
      {"notes/empty.yaml", ""},
      {"data-v1.yaml", "not: [valid"},
      {"sub/registry.yaml", "not: [valid"},
  }));
  ASSERT_THAT(store, IsOk());
  EXPECT_TRUE((*store)->overlays().empty());
}

TEST(StoreTest, ChecksPathsAreSkipped) {
  auto store = Load(Catalogue({
      {"checks/gpu-operator/health-check.yaml", "kind: Broken\napiVersion: aicr.run/v1\n"},
      {"components/nfd/checks/x.yaml", "not: [valid"},
      {"mixins/checks/y.yaml", "not: [valid"},
  }));
  ASSERT_THAT(store, IsOk());
  EXPECT_TRUE((*store)->values_files().empty());
  EXPECT_TRUE((*store)->mixins().empty());
}

TEST(StoreTest, OverlayDecodeErrorsNameTheFile) {
  EXPECT_THAT(Load(Catalogue({{"overlays/x.yaml", Overlay("x", "  componentRefs: {}\n")}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/x.yaml: spec.componentRefs: expected sequence, got mapping"));
  EXPECT_THAT(Load(Catalogue({{"overlays/x.yaml", "kind: RecipeMetadata\napiVersion: v9\n"}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "overlays/x.yaml: apiVersion \"v9\" is not supported, expected "
                       "\"aicr.run/v1beta1\" or \"aicr.run/v1beta2\""));
  EXPECT_THAT(
      Load(Catalogue({{"overlays/x.yaml", "- a\n"}})),
      StatusIs(ErrorCode::kInvalidRequest, "overlays/x.yaml: expected mapping, got sequence"));
}

TEST(StoreTest, RegistryErrorsNameTheFile) {
  Files files = Catalogue();
  files["registry.yaml"] =
      "apiVersion: aicr.run/v1beta1\nkind: ComponentRegistry\ncomponents:\n"
      "  - name: a\n";
  EXPECT_THAT(Load(files), StatusIs(ErrorCode::kInvalidRequest,
                                    "registry.yaml: component[0] (a): displayName is required"));
  files.erase("registry.yaml");
  auto store = Load(files);  // no registry: an empty one
  ASSERT_THAT(store, IsOk());
  EXPECT_TRUE((*store)->registry().components().empty());
}

TEST(StoreTest, GetStoreIsMemoisedByIdentity) {
  const auto a = catalog::MakeMemoryProvider(Catalogue());
  auto first = GetStore(*a);
  ASSERT_THAT(first, IsOk());
  auto again = GetStore(*a);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(first->get(), again->get());
  EXPECT_EQ(&(*first)->provider(), a.get());
  // Same content behind another provider object: the store is bound to the caller's.
  const auto b = catalog::MakeMemoryProvider(Catalogue());
  auto other = GetStore(*b);
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(&(*other)->provider(), b.get());
  EXPECT_EQ((*other)->base(), (*first)->base());
  // Errors are not cached.
  Files broken = Catalogue();
  broken.erase("overlays/base.yaml");
  const auto c = catalog::MakeMemoryProvider(broken);
  EXPECT_THAT(GetStore(*c), StatusIs(ErrorCode::kInternal, "base.yaml not found"));
  EXPECT_THAT(GetStore(*c), StatusIs(ErrorCode::kInternal, "base.yaml not found"));
}

// ---- the real embedded catalogue ----

TEST(EmbeddedStoreTest, LoadsWithoutError) {
  auto store = GetStore(catalog::EmbeddedProvider());
  ASSERT_THAT(store, IsOk());
  const Store& s = **store;
  EXPECT_EQ(&s.provider(), &catalog::EmbeddedProvider());
  EXPECT_EQ(s.base().name, "base");
  EXPECT_EQ(s.base().api_version, "aicr.run/v1beta1");
  EXPECT_FALSE(s.base().spec.criteria.has_value());
  EXPECT_FALSE(s.base().spec.component_refs.empty());
  for (const char* name : {"eks", "eks-training", "eks-inference", "h100-any", "h100-eks-training",
                           "h100-eks-ubuntu-training", "h100-eks-ubuntu-training-kubeflow",
                           "h100-eks-ubuntu-inference-dynamo", "monitoring-hpa"}) {
    EXPECT_NE(s.Find(name), nullptr) << name;
    EXPECT_EQ(s.OverlaySource(name), "embedded") << name;
  }
  EXPECT_EQ(s.overlays().size(), 136u);
  EXPECT_THAT(s.mixins().size(), 16u);
  EXPECT_NE(s.mixins().find("os-ubuntu"), s.mixins().end());
  EXPECT_EQ(s.registry().api_version(), "aicr.run/v1beta1");
  EXPECT_EQ(s.registry().components().size(), 51u);
  EXPECT_NE(s.registry().Find("gpu-operator"), nullptr);
  EXPECT_NE(s.values_files().find("components/gpu-operator/values.yaml"), s.values_files().end());
  for (const auto& [path, bytes] : s.values_files()) {
    EXPECT_EQ(path.rfind("components/", 0), 0u) << path;
  }

  auto chain = s.Chain("h100-eks-ubuntu-training-kubeflow");
  ASSERT_THAT(chain, IsOk());
  ASSERT_FALSE(chain->empty());
  EXPECT_EQ(chain->back()->name, "h100-eks-ubuntu-training-kubeflow");
  const RecipeMetadata& leaf = *chain->back();
  ASSERT_TRUE(leaf.spec.criteria.has_value());
  EXPECT_EQ(leaf.spec.criteria->ToString(),
            "criteria(service=eks, accelerator=h100, intent=training, os=ubuntu, "
            "platform=kubeflow)");
  EXPECT_THAT(leaf.spec.mixins, ElementsAre("os-ubuntu", "platform-kubeflow"));
  // Every overlay's chain resolves.
  for (const auto& [name, md] : s.overlays()) {
    EXPECT_THAT(s.Chain(name), IsOk()) << name;
  }
  EXPECT_TRUE(s.criteria_registry().Has(Dimension::kService, "eks", true));
  EXPECT_TRUE(s.criteria_registry().Has(Dimension::kAccelerator, "h100", true));
}

}  // namespace
}  // namespace aicr::recipe
