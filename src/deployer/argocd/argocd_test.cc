#include "deployer/argocd/argocd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "layout/file_tree.h"
#include "layout/plan.h"
#include "layout/writer.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::deployer::argocd {
namespace {

using layout::ComponentPlan;
using layout::FileTree;
using layout::Manifest;
using layout::Plan;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBundleRepo[] = "https://github.com/example/aicr-bundles.git";
constexpr char kJetstack[] = "https://charts.jetstack.io";
constexpr char kNgc[] = "https://helm.ngc.nvidia.com/nvidia";

serialize::Value Yaml(std::string_view text) { return serialize::ParseYaml(text).value(); }

ComponentPlan Helm(std::string name, std::string ns, std::string repo, std::string version) {
  ComponentPlan c;
  c.name = name;
  c.namespace_ = std::move(ns);
  c.override_key = name;
  c.repository = std::move(repo);
  c.chart = std::move(name);
  c.version = std::move(version);
  return c;
}

ComponentPlan Kustomize(std::string name, std::string ns) {
  ComponentPlan c;
  c.name = std::move(name);
  c.namespace_ = std::move(ns);
  c.kustomize_repository = "https://github.com/example/my-app";
  c.kustomize_path = "deploy/production";
  c.kustomize_tag = "v1.0.0";
  return c;
}

Manifest M(std::string name, std::string content) {
  Manifest m;
  m.source_path = "components/test/manifests/" + name;
  m.name = std::move(name);
  m.content = std::move(content);
  return m;
}

const char kConfigMap[] =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tuning\n"
    "  namespace: {{ .Release.Namespace }}\ndata:\n  a: b\n";
const char kNamespace[] =
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Release.Namespace }}\n";

Plan BasePlan() {
  Plan plan;
  plan.aicr_version = "v0.22.0";
  plan.gitops.repo_url = kBundleRepo;
  return plan;
}

/// Lays out the folders (layout::WriteFolders, with a stub kustomize build) and runs
/// the deployer; checks what every successful run must satisfy.
FileTree Generate(Plan* plan) {
  FileTree tree;
  layout::WriterOptions options;
  options.aicr_version = plan->aicr_version;
  options.kustomize = [](const std::string& target) -> Result<std::string> {
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: built\n  annotations:\n"
           "    target: \"" +
           target + "\"\n";
  };
  EXPECT_THAT(layout::WriteFolders(plan, options, &tree), IsOk());
  EXPECT_THAT(GenerateArgoCD(*plan, &tree), IsOk());
  for (const auto& [path, file] : tree.files()) {
    if (path.ends_with(".yaml")) {
      EXPECT_THAT(serialize::ParseYamlDocuments(file.bytes), IsOk()) << path << ":\n" << file.bytes;
    }
    for (const char* stripped :
         {"install.sh", "upstream.env", "cluster-values.yaml", "apply-crds.sh"}) {
      EXPECT_FALSE(path.ends_with(std::string("/") + stripped)) << path;
    }
  }
  return tree;
}

std::string Text(const FileTree& tree, std::string_view path) {
  const layout::File* f = tree.Find(path);
  EXPECT_NE(f, nullptr) << path;
  return f == nullptr ? "" : f->bytes;
}

std::vector<std::string> Paths(const FileTree& tree) {
  std::vector<std::string> out;
  for (const auto& [path, file] : tree.files()) {
    out.push_back(path);
  }
  return out;
}

// The fixed tail of every child Application.
std::string SyncPolicy(const std::string& extra = "") {
  return "  syncPolicy:\n"
         "    automated:\n"
         "      prune: true\n"
         "      selfHeal: true\n"
         "    syncOptions:\n"
         "      - CreateNamespace=true\n"
         "      - ServerSideApply=true\n" +
         extra;
}

std::string Head(const std::string& name, int wave) {
  return "apiVersion: argoproj.io/v1alpha1\n"
         "kind: Application\n"
         "metadata:\n"
         "  name: \"" +
         name +
         "\"\n"
         "  namespace: argocd\n"
         "  annotations:\n"
         "    argocd.argoproj.io/sync-wave: \"" +
         std::to_string(wave) +
         "\"\n"
         "spec:\n"
         "  project: \"default\"\n";
}

std::string Destination(const std::string& ns) {
  return "  destination:\n"
         "    server: \"https://kubernetes.default.svc\"\n"
         "    namespace: " +
         ns + "\n";
}

std::string LocalSource(const std::string& dir) {
  return std::string("  source:\n    repoURL: '") + kBundleRepo +
         "'\n    targetRevision: main\n    path: " + dir + "\n";
}

std::string UpstreamSources(const std::string& repo, const std::string& chart,
                            const std::string& version, const std::string& dir) {
  return "  sources:\n"
         "    - repoURL: " +
         repo + "\n      chart: " + chart + "\n      targetRevision: " + version +
         "\n"
         "      helm:\n"
         "        valueFiles:\n"
         "          - $values/" +
         dir +
         "/values.yaml\n"
         "    - repoURL: '" +
         kBundleRepo +
         "'\n"
         "      targetRevision: main\n"
         "      ref: values\n";
}

// ---------- upstream golden scenarios ----------

TEST(ArgoCDScenarioTest, HelmAndKustomize) {
  Plan plan = BasePlan();
  plan.components.push_back(Helm("cert-manager", "cert-manager", kJetstack, "v1.17.2"));
  plan.components.push_back(Kustomize("my-kustomize-app", "my-app"));
  FileTree tree = Generate(&plan);
  EXPECT_THAT(
      Paths(tree),
      ElementsAre("001-cert-manager/application.yaml", "001-cert-manager/values.yaml",
                  "002-my-kustomize-app/Chart.yaml", "002-my-kustomize-app/application.yaml",
                  "002-my-kustomize-app/templates/manifest.yaml",
                  "002-my-kustomize-app/values.yaml", "README.md", "app-of-apps.yaml"));
  EXPECT_EQ(Text(tree, "001-cert-manager/application.yaml"),
            Head("cert-manager", 1) +
                UpstreamSources(kJetstack, "cert-manager", "1.17.2", "001-cert-manager") +
                Destination("cert-manager") + SyncPolicy());
  EXPECT_EQ(Text(tree, "002-my-kustomize-app/application.yaml"),
            Head("my-kustomize-app", 1) + LocalSource("002-my-kustomize-app") +
                Destination("my-app") + SyncPolicy());
}

TEST(ArgoCDScenarioTest, HelmAndManifestOnly) {
  Plan plan = BasePlan();
  plan.components.push_back(Helm("cert-manager", "cert-manager", kJetstack, "v1.17.2"));
  ComponentPlan nodewright;
  nodewright.name = "nodewright-customizations";
  nodewright.namespace_ = "skyhook";
  nodewright.post_manifests.push_back(M("tuning.yaml", kConfigMap));
  plan.components.push_back(nodewright);
  FileTree tree = Generate(&plan);
  EXPECT_EQ(Text(tree, "002-nodewright-customizations/application.yaml"),
            Head("nodewright-customizations", 1) + LocalSource("002-nodewright-customizations") +
                Destination("skyhook") + SyncPolicy());
  EXPECT_NE(tree.Find("002-nodewright-customizations/templates/tuning.yaml"), nullptr);
}

TEST(ArgoCDScenarioTest, KustomizeOnly) {
  Plan plan = BasePlan();
  plan.components.push_back(Kustomize("my-kustomize-app", "my-app"));
  FileTree tree = Generate(&plan);
  EXPECT_EQ(Text(tree, "001-my-kustomize-app/application.yaml"),
            Head("my-kustomize-app", 1) + LocalSource("001-my-kustomize-app") +
                Destination("my-app") + SyncPolicy());
  EXPECT_THAT(Text(tree, "001-my-kustomize-app/templates/manifest.yaml"),
              HasSubstr("https://github.com/example/my-app//deploy/production?ref=v1.0.0"));
}

Plan MixedComponent() {
  Plan plan = BasePlan();
  ComponentPlan gpu = Helm("gpu-operator", "gpu-operator", kNgc, "v25.3.3");
  gpu.values = Yaml("driver:\n  enabled: true\n");
  gpu.post_manifests.push_back(M("dcgm-exporter.yaml", kConfigMap));
  plan.components.push_back(gpu);
  return plan;
}

TEST(ArgoCDScenarioTest, MixedComponent) {
  Plan plan = MixedComponent();
  FileTree tree = Generate(&plan);
  EXPECT_EQ(Text(tree, "001-gpu-operator/application.yaml"),
            Head("gpu-operator", 1) +
                UpstreamSources(kNgc, "gpu-operator", "25.3.3", "001-gpu-operator") +
                Destination("gpu-operator") + SyncPolicy());
  EXPECT_EQ(Text(tree, "002-gpu-operator-post/application.yaml"),
            Head("gpu-operator-post", 2) + LocalSource("002-gpu-operator-post") +
                Destination("gpu-operator") + SyncPolicy());
  EXPECT_EQ(Text(tree, "001-gpu-operator/values.yaml"),
            "# Generated by AICR\n---\ndriver:\n  enabled: true\n");
}

TEST(ArgoCDScenarioTest, MixedComponentSerialUsesLinearWaves) {
  // The upstream golden predates dependency-level bands: its waves are the
  // linear folder positions, which is what --serial produces.
  Plan plan = MixedComponent();
  plan.serial = true;
  FileTree tree = Generate(&plan);
  EXPECT_THAT(Text(tree, "001-gpu-operator/application.yaml"),
              HasSubstr("argocd.argoproj.io/sync-wave: \"0\"\n"));
  EXPECT_THAT(Text(tree, "002-gpu-operator-post/application.yaml"),
              HasSubstr("argocd.argoproj.io/sync-wave: \"1\"\n"));
}

TEST(ArgoCDScenarioTest, MixedWithPre) {
  Plan plan = BasePlan();
  ComponentPlan gpu = Helm("gpu-operator", "privileged-gpu-operator", kNgc, "v25.3.3");
  gpu.pre_manifests.push_back(M("namespace.yaml", kNamespace));
  gpu.post_manifests.push_back(M("dcgm-exporter.yaml", kConfigMap));
  plan.components.push_back(gpu);
  FileTree tree = Generate(&plan);
  EXPECT_EQ(Text(tree, "001-gpu-operator-pre/application.yaml"),
            Head("gpu-operator-pre", 0) + LocalSource("001-gpu-operator-pre") +
                Destination("privileged-gpu-operator") + SyncPolicy());
  EXPECT_EQ(Text(tree, "002-gpu-operator/application.yaml"),
            Head("gpu-operator", 1) +
                UpstreamSources(kNgc, "gpu-operator", "25.3.3", "002-gpu-operator") +
                Destination("privileged-gpu-operator") + SyncPolicy());
  EXPECT_EQ(Text(tree, "003-gpu-operator-post/application.yaml"),
            Head("gpu-operator-post", 2) + LocalSource("003-gpu-operator-post") +
                Destination("privileged-gpu-operator") + SyncPolicy());
}

TEST(ArgoCDScenarioTest, ReadinessGate) {
  Plan plan = BasePlan();
  plan.readiness_hooks = true;
  ComponentPlan gpu = Helm("gpu-operator", "gpu-operator", kNgc, "v25.3.3");
  gpu.readiness_test =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: gpu-operator-readiness-gate\n"
      "  annotations:\n    argocd.argoproj.io/sync-options: Replace=true,Force=true\n";
  plan.components.push_back(gpu);
  FileTree tree = Generate(&plan);
  EXPECT_EQ(Text(tree, "001-gpu-operator/application.yaml"),
            Head("gpu-operator", 1) +
                UpstreamSources(kNgc, "gpu-operator", "25.3.3", "001-gpu-operator") +
                Destination("gpu-operator") + SyncPolicy());
  // The gate takes the last slot of the level's band and only re-applies what
  // drifted (its Job is Replace+Force).
  EXPECT_EQ(Text(tree, "002-gpu-operator-readiness/application.yaml"),
            Head("gpu-operator-readiness", 3) + LocalSource("002-gpu-operator-readiness") +
                Destination("gpu-operator") + SyncPolicy("      - ApplyOutOfSyncOnly=true\n"));
  EXPECT_EQ(Text(tree, "002-gpu-operator-readiness/templates/readiness.yaml"),
            plan.components[0].readiness_test);
}

// ---------- root files ----------

TEST(ArgoCDRootTest, AppOfApps) {
  Plan plan = MixedComponent();
  FileTree tree = Generate(&plan);
  EXPECT_EQ(Text(tree, "app-of-apps.yaml"),
            "apiVersion: argoproj.io/v1alpha1\n"
            "kind: Application\n"
            "metadata:\n"
            "  name: \"nvidia-stack\"\n"
            "  namespace: argocd\n"
            "spec:\n"
            "  project: default\n"
            "  source:\n"
            "    repoURL: 'https://github.com/example/aicr-bundles.git'\n"
            "    targetRevision: main\n"
            "    path: \".\"\n"
            "    directory:\n"
            "      recurse: true\n"
            "      include: '*/application.yaml'\n"
            "  destination:\n"
            "    server: https://kubernetes.default.svc\n"
            "    namespace: argocd\n"
            "  syncPolicy:\n"
            "    automated:\n"
            "      prune: true\n"
            "      selfHeal: true\n");
  for (const auto& [path, file] : tree.files()) {
    if (path.ends_with("application.yaml") || path == "app-of-apps.yaml" || path == "README.md") {
      EXPECT_EQ(file.mode, layout::kModePrivate) << path;
    }
  }
}

TEST(ArgoCDRootTest, PlaceholderRepoWhenNoRepoGiven) {
  Plan plan = MixedComponent();
  plan.gitops.repo_url.clear();
  FileTree tree = Generate(&plan);
  EXPECT_THAT(Text(tree, "app-of-apps.yaml"),
              HasSubstr("    repoURL: 'https://github.com/YOUR-ORG/YOUR-REPO.git'\n"
                        "    targetRevision: main\n"));
  EXPECT_THAT(Text(tree, "002-gpu-operator-post/application.yaml"),
              HasSubstr("repoURL: 'https://github.com/YOUR-ORG/YOUR-REPO.git'"));
  EXPECT_THAT(Text(tree, "README.md"), HasSubstr("placeholder"));
}

TEST(ArgoCDRootTest, OptionsAreBakedIn) {
  Plan plan = MixedComponent();
  plan.gitops.app_name = "tenant-a-stack";
  plan.gitops.name_prefix = "tenant-a-";
  plan.gitops.project = "gpu-team";
  plan.gitops.destination_server = "https://10.1.2.3:6443";
  plan.gitops.target_revision = "release-1";
  plan.gitops.cascade_delete = true;
  FileTree tree = Generate(&plan);
  const std::string post = Text(tree, "002-gpu-operator-post/application.yaml");
  EXPECT_EQ(post,
            "apiVersion: argoproj.io/v1alpha1\n"
            "kind: Application\n"
            "metadata:\n"
            "  name: \"tenant-a-gpu-operator-post\"\n"
            "  namespace: argocd\n"
            "  annotations:\n"
            "    argocd.argoproj.io/sync-wave: \"2\"\n"
            "  finalizers:\n"
            "    - resources-finalizer.argocd.argoproj.io\n"
            "spec:\n"
            "  project: \"gpu-team\"\n"
            "  source:\n"
            "    repoURL: 'https://github.com/example/aicr-bundles.git'\n"
            "    targetRevision: release-1\n"
            "    path: 002-gpu-operator-post\n"
            "  destination:\n"
            "    server: \"https://10.1.2.3:6443\"\n"
            "    namespace: gpu-operator\n" +
                SyncPolicy());
  const std::string parent = Text(tree, "app-of-apps.yaml");
  EXPECT_THAT(parent, HasSubstr("  name: \"tenant-a-stack\"\n  namespace: argocd\n  finalizers:\n"
                                "    - resources-finalizer.argocd.argoproj.io\nspec:\n"
                                "  project: default\n"));
  EXPECT_THAT(parent, HasSubstr("    targetRevision: release-1\n"));
  // The parent stays on the Argo CD cluster.
  EXPECT_THAT(parent, HasSubstr("    server: https://kubernetes.default.svc\n"));
  EXPECT_THAT(Text(tree, "README.md"), HasSubstr("argocd app get tenant-a-stack"));
}

TEST(ArgoCDRootTest, Readme) {
  Plan plan = MixedComponent();
  FileTree tree = Generate(&plan);
  const std::string readme = Text(tree, "README.md");
  EXPECT_THAT(readme, HasSubstr("Generated by AICR v0.22.0\n"));
  EXPECT_THAT(readme, HasSubstr("kubectl apply -f app-of-apps.yaml"));
  EXPECT_THAT(readme, HasSubstr("| gpu-operator | 001-gpu-operator | gpu-operator | "
                                "https://helm.ngc.nvidia.com/nvidia | v25.3.3 | 1 |\n"));
  EXPECT_THAT(readme, HasSubstr("| gpu-operator-post | 002-gpu-operator-post | gpu-operator | "
                                "bundle folder (local chart) | - | 2 |\n"));
  EXPECT_THAT(readme, HasSubstr("kubectl delete application nvidia-stack -n argocd"));
  EXPECT_THAT(readme,
              HasSubstr("git remote add origin https://github.com/example/aicr-bundles.git\n"));
  EXPECT_THAT(readme, Not(HasSubstr("placeholder")));
}

// ---------- shapes ----------

TEST(ArgoCDShapeTest, OciBundleRepoInlinesValues) {
  Plan plan = MixedComponent();
  plan.gitops.repo_url = "oci://registry.example.com/bundles/gpu";
  plan.gitops.target_revision = "v1.2.3";
  plan.components.push_back(Helm("cert-manager", "cert-manager", kJetstack, "v1.17.2"));
  FileTree tree = Generate(&plan);
  EXPECT_EQ(Text(tree, "001-gpu-operator/application.yaml"),
            Head("gpu-operator", 1) +
                "  source:\n"
                "    repoURL: https://helm.ngc.nvidia.com/nvidia\n"
                "    chart: gpu-operator\n"
                "    targetRevision: 25.3.3\n"
                "    helm:\n"
                "      valuesObject:\n"
                "        driver:\n"
                "          enabled: true\n" +
                Destination("gpu-operator") + SyncPolicy());
  EXPECT_THAT(Text(tree, "003-cert-manager/application.yaml"),
              HasSubstr("      valuesObject:\n        {}\n  destination:\n"));
  // Local charts come from the OCI artifact itself.
  EXPECT_THAT(Text(tree, "002-gpu-operator-post/application.yaml"),
              HasSubstr("    repoURL: 'oci://registry.example.com/bundles/gpu'\n"
                        "    targetRevision: v1.2.3\n"
                        "    path: 002-gpu-operator-post\n"));
  EXPECT_THAT(Text(tree, "app-of-apps.yaml"),
              HasSubstr("    repoURL: 'oci://registry.example.com/bundles/gpu'\n"
                        "    targetRevision: v1.2.3\n"));
  const serialize::Value app = Yaml(Text(tree, "001-gpu-operator/application.yaml"));
  EXPECT_EQ(*app.FindPath("spec.source.helm.valuesObject"), plan.components[0].values);
}

TEST(ArgoCDShapeTest, OciChartRepositoryKeepsTagAndAppendsChart) {
  Plan plan = BasePlan();
  plan.components.push_back(
      Helm("k8s-aibom", "k8s-aibom-system", "oci://ghcr.io/nvidia/charts", "v1.3.0"));
  plan.components[0].owns_crds = true;
  FileTree tree = Generate(&plan);
  EXPECT_THAT(Text(tree, "001-k8s-aibom/application.yaml"),
              HasSubstr("    - repoURL: oci://ghcr.io/nvidia/charts/k8s-aibom\n"
                        "      chart: k8s-aibom\n"
                        "      targetRevision: v1.3.0\n"));
  EXPECT_THAT(Paths(tree),
              ElementsAre("001-k8s-aibom/application.yaml", "001-k8s-aibom/values.yaml",
                          "README.md", "app-of-apps.yaml"));
}

TEST(ArgoCDShapeTest, DependencyLevelsShareBands) {
  Plan plan = BasePlan();
  plan.components.push_back(Helm("cert-manager", "cert-manager", kJetstack, "v1.17.2"));
  plan.components.push_back(Helm("nfd", "nfd", "https://kubernetes-sigs.github.io/nfd", "0.17.0"));
  ComponentPlan gpu = Helm("gpu-operator", "gpu-operator", kNgc, "v25.3.3");
  gpu.dependencies = {"cert-manager", "nfd"};
  gpu.level = 1;
  gpu.pre_manifests.push_back(M("namespace.yaml", kNamespace));
  plan.components.push_back(gpu);
  FileTree tree = Generate(&plan);
  const auto wave = [&](const std::string& dir) {
    const serialize::Value app = Yaml(Text(tree, dir + "/application.yaml"));
    return *app.FindPath("metadata.annotations")->Find("argocd.argoproj.io/sync-wave")->if_string();
  };
  EXPECT_EQ(wave("001-cert-manager"), "1");
  EXPECT_EQ(wave("002-nfd"), "1");
  EXPECT_EQ(wave("003-gpu-operator-pre"), "4");
  EXPECT_EQ(wave("004-gpu-operator"), "5");
}

TEST(ArgoCDShapeTest, GpuOperatorIgnoresComputeDomainsWithDraDriver) {
  Plan plan = BasePlan();
  plan.components.push_back(Helm("gpu-operator", "gpu-operator", kNgc, "v26.7.0"));
  plan.components.push_back(Helm("nvidia-dra-driver-gpu", "nvidia-dra-driver", kNgc, "0.5.0"));
  FileTree tree = Generate(&plan);
  const std::string gpu = Text(tree, "001-gpu-operator/application.yaml");
  EXPECT_THAT(gpu, HasSubstr("  ignoreDifferences:\n"
                             "    - group: apiextensions.k8s.io\n"
                             "      kind: CustomResourceDefinition\n"
                             "      name: computedomains.resource.nvidia.com\n"
                             "      jsonPointers:\n"
                             "        - /spec\n"
                             "  syncPolicy:\n"));
  EXPECT_THAT(gpu,
              HasSubstr("      - ServerSideApply=true\n      - RespectIgnoreDifferences=true\n"));
  EXPECT_THAT(Text(tree, "002-nvidia-dra-driver-gpu/application.yaml"),
              Not(HasSubstr("ignoreDifferences")));

  plan.components[0].version = "v26.3.3";
  FileTree older = Generate(&plan);
  EXPECT_THAT(Text(older, "001-gpu-operator/application.yaml"),
              Not(HasSubstr("RespectIgnoreDifferences")));
}

TEST(ArgoCDShapeTest, Deterministic) {
  Plan a = MixedComponent();
  Plan b = MixedComponent();
  const FileTree ta = Generate(&a);
  const FileTree tb = Generate(&b);
  ASSERT_EQ(Paths(ta), Paths(tb));
  for (const auto& [path, file] : ta.files()) {
    EXPECT_EQ(file.bytes, tb.Find(path)->bytes) << path;
  }
}

TEST(ArgoCDShapeTest, TwoBundlesWithDistinctNamesDoNotCollide) {
  std::set<std::string> names;
  std::size_t apps = 0;
  for (const auto& [app_name, prefix] : std::vector<std::pair<std::string, std::string>>{
           {"stack-a", "tenant-a-"}, {"stack-b", "tenant-b-"}}) {
    Plan plan = MixedComponent();
    plan.components.push_back(Helm("cert-manager", "cert-manager", kJetstack, "v1.17.2"));
    plan.gitops.app_name = app_name;
    plan.gitops.name_prefix = prefix;
    FileTree tree = Generate(&plan);
    for (const auto& [path, file] : tree.files()) {
      if (path.ends_with("application.yaml") || path == "app-of-apps.yaml") {
        const serialize::Value doc = Yaml(file.bytes);
        EXPECT_EQ(*doc.FindPath("metadata.namespace")->if_string(), "argocd");
        names.insert(*doc.FindPath("metadata.name")->if_string());
        ++apps;
      }
    }
  }
  EXPECT_EQ(apps, 8u);
  EXPECT_EQ(names.size(), apps) << "every Application name is unique across both bundles";
  EXPECT_EQ(names.count("tenant-b-gpu-operator-post"), 1u);
  EXPECT_EQ(names.count("stack-a"), 1u);
}

// ---------- errors ----------

FileTree Folders(Plan* plan) {
  FileTree tree;
  layout::WriterOptions options;
  EXPECT_THAT(layout::WriteFolders(plan, options, &tree), IsOk());
  return tree;
}

TEST(ArgoCDErrorTest, DynamicValuesAreRejected) {
  Plan plan = MixedComponent();
  plan.components[0].dynamic_paths = {"driver.version"};
  FileTree tree = Folders(&plan);
  const auto before = Paths(tree);
  EXPECT_THAT(GenerateArgoCD(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("component \"gpu-operator\" has --dynamic paths "
                                 "(driver.version): the argocd deployer")));
  EXPECT_EQ(Paths(tree), before) << "the tree is untouched";
}

TEST(ArgoCDErrorTest, InvalidOptions) {
  Plan plan = MixedComponent();
  plan.gitops.project = "Team_A";
  FileTree tree = Folders(&plan);
  EXPECT_THAT(GenerateArgoCD(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid deployer project")));
  plan.gitops.project.clear();
  plan.gitops.destination_server = "https://o'brien:6443";
  EXPECT_THAT(
      GenerateArgoCD(plan, &tree),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid deployer destinationServer")));
}

TEST(ArgoCDErrorTest, ChildNameTooLongOrCollidingWithParent) {
  Plan plan = MixedComponent();
  plan.gitops.name_prefix = std::string(40, 'p');
  FileTree tree = Folders(&plan);
  EXPECT_THAT(
      GenerateArgoCD(plan, &tree),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("Argo CD uses it as the Helm release name")));
  plan.gitops.name_prefix.clear();
  plan.gitops.app_name = "gpu-operator-post";
  EXPECT_THAT(GenerateArgoCD(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("\"gpu-operator-post\" collides with the parent")));
}

TEST(ArgoCDErrorTest, ExistingFileAndBadPlans) {
  Plan plan = MixedComponent();
  FileTree tree = Folders(&plan);
  ASSERT_THAT(tree.Add("app-of-apps.yaml", "x", layout::kModePrivate), IsOk());
  const auto before = Paths(tree);
  EXPECT_THAT(GenerateArgoCD(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("\"app-of-apps.yaml\" is already")));
  EXPECT_EQ(Paths(tree), before);

  EXPECT_THAT(GenerateArgoCD(plan, nullptr), StatusIs(ErrorCode::kInternal, HasSubstr("no file")));
  Plan orphan = plan;
  orphan.folders[0].component = "missing";
  EXPECT_THAT(GenerateArgoCD(orphan, &tree),
              StatusIs(ErrorCode::kInternal, HasSubstr("unknown component \"missing\"")));
  Plan unsafe = plan;
  unsafe.folders[0].dir = "../x";
  EXPECT_THAT(GenerateArgoCD(unsafe, &tree),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsafe folder name")));
}

}  // namespace
}  // namespace aicr::deployer::argocd
