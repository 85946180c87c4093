#include "deployer/helmfile/helmfile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "layout/file_tree.h"
#include "layout/plan.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::deployer::helmfile {
namespace {

using layout::ComponentPlan;
using layout::FileTree;
using layout::Folder;
using layout::FolderKind;
using layout::FolderRole;
using layout::Plan;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kJetstack[] = "https://charts.jetstack.io";
constexpr char kNgc[] = "https://helm.ngc.nvidia.com/nvidia";

constexpr char kDefaults[] =
    "helmDefaults:\n"
    "  wait: true\n"
    "  timeout: 600\n"
    "  createNamespace: true\n";

ComponentPlan Component(std::string name, std::string ns, std::string repository = "",
                        std::string chart = "", std::string version = "") {
  ComponentPlan c;
  c.name = std::move(name);
  c.namespace_ = std::move(ns);
  c.repository = std::move(repository);
  c.chart = std::move(chart);
  c.version = std::move(version);
  return c;
}

/// Appends the folder for `role` of component `c`, numbered after the existing ones.
Folder& AddFolder(Plan& plan, const ComponentPlan& c, FolderRole role, FolderKind kind) {
  Folder f;
  f.index = static_cast<int>(plan.folders.size()) + 1;
  f.component = c.name;
  f.namespace_ = c.namespace_;
  f.role = role;
  f.kind = kind;
  f.level = c.level;
  f.has_dynamic_values = !c.dynamic_paths.empty();
  f.release = c.name;
  if (role == FolderRole::kPre) {
    f.release += "-pre";
  } else if (role == FolderRole::kPost) {
    f.release += "-post";
  } else if (role == FolderRole::kReadiness) {
    f.release += "-readiness";
  }
  char prefix[8];
  std::snprintf(prefix, sizeof prefix, "%03d-", f.index);
  f.dir = prefix + f.release;
  plan.folders.push_back(std::move(f));
  return plan.folders.back();
}

/// An upstream chart component with its single primary folder.
Folder& AddUpstream(Plan& plan, ComponentPlan c) {
  plan.components.push_back(std::move(c));
  return AddFolder(plan, plan.components.back(), FolderRole::kPrimary, FolderKind::kUpstreamHelm);
}

/// Runs GenerateHelmfile and checks what every run must satisfy: success, every
/// added file 0600, every YAML file parses back.
FileTree Generate(const Plan& plan) {
  FileTree tree;
  EXPECT_THAT(GenerateHelmfile(plan, &tree), IsOk());
  for (const auto& [path, file] : tree.files()) {
    EXPECT_EQ(file.mode, layout::kModePrivate) << path;
    if (path.ends_with(".yaml")) {
      auto parsed = serialize::ParseYaml(file.bytes);
      EXPECT_THAT(parsed, IsOk()) << path << ":\n" << file.bytes;
      if (parsed.ok()) {
        EXPECT_TRUE(parsed.value().is_mapping()) << path;
      }
    }
  }
  return tree;
}

std::string FileText(const FileTree& tree, std::string_view path) {
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

// ---------- scenarios (upstream TestGenerate_Scenarios) ----------

Plan UpstreamHelmOnly() {
  Plan plan;
  plan.aicr_version = "v1.0.0";
  AddUpstream(plan,
              Component("cert-manager", "cert-manager", kJetstack, "cert-manager", "v1.17.2"));
  ComponentPlan gpu = Component("gpu-operator", "gpu-operator", kNgc, "gpu-operator", "v25.3.3");
  gpu.dependencies = {"cert-manager"};
  gpu.level = 1;
  gpu.has_self_ref_crds = true;
  AddUpstream(plan, std::move(gpu));
  return plan;
}

TEST(GenerateHelmfileTest, UpstreamHelmOnlySplitsByLevel) {
  FileTree tree = Generate(UpstreamHelmOnly());
  EXPECT_THAT(Paths(tree),
              ElementsAre("README.md", "helmfile.yaml", "level-0.yaml", "level-1.yaml"));
  EXPECT_EQ(FileText(tree, "helmfile.yaml"),
            "helmfiles:\n"
            "  - path: level-0.yaml\n"
            "  - path: level-1.yaml\n");
  EXPECT_EQ(FileText(tree, "level-0.yaml"), std::string("repositories:\n"
                                                        "  - name: charts-jetstack-io\n"
                                                        "    url: https://charts.jetstack.io\n") +
                                                kDefaults +
                                                "releases:\n"
                                                "  - name: cert-manager\n"
                                                "    namespace: cert-manager\n"
                                                "    chart: charts-jetstack-io/cert-manager\n"
                                                "    version: v1.17.2\n"
                                                "    values:\n"
                                                "      - ./001-cert-manager/values.yaml\n");
  // The cross-level edge dissolves: level-1 runs after level-0 has applied.
  EXPECT_EQ(FileText(tree, "level-1.yaml"),
            std::string("repositories:\n"
                        "  - name: helm-ngc-nvidia-com-nvidia\n"
                        "    url: https://helm.ngc.nvidia.com/nvidia\n") +
                kDefaults +
                "releases:\n"
                "  - name: gpu-operator\n"
                "    namespace: gpu-operator\n"
                "    chart: helm-ngc-nvidia-com-nvidia/gpu-operator\n"
                "    version: v25.3.3\n"
                "    values:\n"
                "      - ./002-gpu-operator/values.yaml\n"
                "    disableValidation: true\n");
}

TEST(GenerateHelmfileTest, UpstreamHelmOnlyReadme) {
  // Byte-identical to upstream's testdata/upstream_helm_only/README.md.
  const std::string expected =
      "# Helmfile Bundle\n"
      "\n"
      "Generated by AICR v1.0.0\n"
      "\n"
      "## Prerequisites\n"
      "\n"
      "- `helmfile` CLI on `$PATH` ([installation "
      "guide](https://helmfile.readthedocs.io/en/latest/#installation))\n"
      "- `helm` CLI on `$PATH` (helmfile invokes helm under the hood)\n"
      "- `helm-diff` plugin: `helm plugin install https://github.com/databus23/helm-diff`\n"
      "  (helmfile's `apply` and `diff` subcommands invoke it under the hood)\n"
      "- `kubectl` configured for your target cluster (also used by the CRD presync\n"
      "  hook described under [Deployment](#deployment))\n"
      "- `timeout` from GNU coreutils, when the bundle contains a CRD presync hook\n"
      "\n"
      "## Components\n"
      "\n"
      "| Release | Namespace | Version |\n"
      "|---------|-----------|---------|\n"
      "| cert-manager | cert-manager | v1.17.2 |\n"
      "| gpu-operator | gpu-operator | v25.3.3 |\n"
      "\n"
      "## Deployment\n"
      "\n"
      "Run all `helmfile` commands from this directory so it picks up `helmfile.yaml`\n"
      "by default. The release graph (`needs:` dependencies) lives in\n"
      "`helmfile.yaml` — helmfile handles ordering, parallelism, and idempotent\n"
      "re-apply. For bundles whose dependency DAG\n"
      "spans more than one level, `helmfile.yaml` is a thin orchestration\n"
      "document with a `helmfiles:` list: one sub-helmfile per level\n"
      "(`level-0.yaml` first, `level-1.yaml` next, …). `helmfile` runs the\n"
      "sub-helmfiles sequentially, so by the time level K is processed every\n"
      "release in levels 0…K-1 has fully applied — `helmfile diff` against a\n"
      "fresh cluster no longer fails to resolve CRDs (or any other resources)\n"
      "installed by an earlier level before a later level references them\n"
      "(see issue #914).\n"
      "\n"
      "\n"
      "Releases whose folder contains an `apply-crds.sh` carry a `presync` hook that\n"
      "runs it before the upgrade. helmfile upgrades through Helm, which installs a\n"
      "chart's `crds/` directory on first install and never touches it again, so\n"
      "without the hook a chart bump whose CRDs changed would run the new controller\n"
      "against the old schema. The script applies the pinned chart's CRDs with\n"
      "`kubectl apply --server-side --force-conflicts`, and skips a release that does\n"
      "not exist yet, since `helm install` creates the chart's CRDs itself. Every helm\n"
      "and kubectl call it makes is bounded, 90s by default and overridable with\n"
      "`AICR_CRD_STEP_TIMEOUT`; it requires `timeout` (GNU coreutils) and refuses to\n"
      "run rather than run unbounded inside a deploy. Only components audited as the\n"
      "sole owner of every CRD they ship get it; for the rest, replacing CRDs is\n"
      "unsafe because another component's release ships the same CRD with a different\n"
      "schema.\n"
      "\n"
      "```bash\n"
      "# Preview changes (no cluster mutation):\n"
      "helmfile diff\n"
      "\n"
      "# Install or upgrade everything in dependency order:\n"
      "helmfile apply\n"
      "\n"
      "# Tear everything down in reverse dependency order:\n"
      "helmfile destroy\n"
      "```\n"
      "\n"
      "## Troubleshooting\n"
      "\n"
      "- Validate the document without applying: `helmfile lint`\n"
      "- See exactly which helm commands helmfile will run: `helmfile --debug apply`\n"
      "- Apply only a subset by name: `helmfile -l name=<release> apply`\n"
      "- Inspect a specific release after apply: `helm status <release> -n <namespace>`\n"
      "\n"
      "For deployer scope and the rationale behind helmfile vs the bash deployer,\n"
      "see issue [#632](https://github.com/NVIDIA/aicr/issues/632).\n";
  const Plan plan = UpstreamHelmOnly();
  EXPECT_EQ(RenderHelmfileReadme(plan), expected);
  EXPECT_EQ(FileText(Generate(plan), "README.md"), expected);
}

TEST(GenerateHelmfileTest, WithDynamicValues) {
  Plan plan;
  ComponentPlan cm =
      Component("cert-manager", "cert-manager", kJetstack, "cert-manager", "v1.17.2");
  cm.dynamic_paths = {"replicaCount"};
  AddUpstream(plan, std::move(cm));
  FileTree tree = Generate(plan);
  EXPECT_THAT(Paths(tree), ElementsAre("README.md", "helmfile.yaml"));
  EXPECT_EQ(FileText(tree, "helmfile.yaml"),
            std::string("repositories:\n"
                        "  - name: charts-jetstack-io\n"
                        "    url: https://charts.jetstack.io\n") +
                kDefaults +
                "releases:\n"
                "  - name: cert-manager\n"
                "    namespace: cert-manager\n"
                "    chart: charts-jetstack-io/cert-manager\n"
                "    version: v1.17.2\n"
                "    values:\n"
                "      - ./001-cert-manager/values.yaml\n"
                "      - ./001-cert-manager/cluster-values.yaml\n");
  const std::string readme = FileText(tree, "README.md");
  EXPECT_THAT(readme, HasSubstr("```\n\n### Per-cluster customization\n\nThis bundle declares"));
  EXPECT_THAT(readme, HasSubstr("not be edited.\n\n## Troubleshooting\n"));
  EXPECT_THAT(readme, Not(HasSubstr("helmfiles:")));
  EXPECT_THAT(readme, HasSubstr("re-apply.\n\nReleases whose folder"));
}

TEST(GenerateHelmfileTest, KaiSchedulerAsync) {
  // Upstream testdata/kai_scheduler_async/helmfile.yaml.
  Plan plan;
  ComponentPlan kai = Component("kai-scheduler", "kai-scheduler",
                                "oci://ghcr.io/nvidia/kai-scheduler", "kai-scheduler", "v0.13.0");
  kai.has_self_ref_crds = true;
  AddUpstream(plan, std::move(kai));
  EXPECT_EQ(FileText(Generate(plan), "helmfile.yaml"),
            std::string("repositories:\n"
                        "  - name: ghcr-io-nvidia-kai-scheduler\n"
                        "    url: ghcr.io/nvidia/kai-scheduler\n"
                        "    oci: true\n") +
                kDefaults +
                "releases:\n"
                "  - name: kai-scheduler\n"
                "    namespace: kai-scheduler\n"
                "    chart: ghcr-io-nvidia-kai-scheduler/kai-scheduler\n"
                "    version: v0.13.0\n"
                "    values:\n"
                "      - ./001-kai-scheduler/values.yaml\n"
                "    wait: false\n"
                "    timeout: 1200\n"
                "    disableValidation: true\n");
}

TEST(GenerateHelmfileTest, KaiSchedulerOverrideCoversAuxiliaryReleases) {
  Plan plan;
  plan.components.push_back(Component("kai-scheduler", "kai-scheduler",
                                      "oci://ghcr.io/nvidia/kai-scheduler", "kai-scheduler",
                                      "v0.13.0"));
  const ComponentPlan& kai = plan.components.back();
  AddFolder(plan, kai, FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(plan, kai, FolderRole::kPost, FolderKind::kLocalHelm);
  const std::string yaml = FileText(Generate(plan), "helmfile.yaml");
  EXPECT_THAT(yaml, HasSubstr("  - name: kai-scheduler-post\n"
                              "    namespace: kai-scheduler\n"
                              "    chart: ./002-kai-scheduler-post\n"
                              "    values:\n"
                              "      - ./002-kai-scheduler-post/values.yaml\n"
                              "    needs:\n"
                              "      - kai-scheduler\n"
                              "    wait: false\n"
                              "    timeout: 1200\n"));
}

TEST(GenerateHelmfileTest, MixedGpuOperator) {
  // Newest upstream: no gpu-operator timeout override and no waitForJobs (both
  // were dropped together with deploy.sh's gpu-operator case); disableValidation
  // follows the registry flags per release.
  Plan plan;
  ComponentPlan gpu = Component("gpu-operator", "gpu-operator", kNgc, "gpu-operator", "v25.3.3");
  gpu.has_self_ref_crds = true;
  gpu.manifests_use_chart_crds = true;
  plan.components.push_back(std::move(gpu));
  AddFolder(plan, plan.components.back(), FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(plan, plan.components.back(), FolderRole::kPost, FolderKind::kLocalHelm);
  EXPECT_EQ(FileText(Generate(plan), "helmfile.yaml"),
            std::string("repositories:\n"
                        "  - name: helm-ngc-nvidia-com-nvidia\n"
                        "    url: https://helm.ngc.nvidia.com/nvidia\n") +
                kDefaults +
                "releases:\n"
                "  - name: gpu-operator\n"
                "    namespace: gpu-operator\n"
                "    chart: helm-ngc-nvidia-com-nvidia/gpu-operator\n"
                "    version: v25.3.3\n"
                "    values:\n"
                "      - ./001-gpu-operator/values.yaml\n"
                "    disableValidation: true\n"
                "  - name: gpu-operator-post\n"
                "    namespace: gpu-operator\n"
                "    chart: ./002-gpu-operator-post\n"
                "    values:\n"
                "      - ./002-gpu-operator-post/values.yaml\n"
                "    needs:\n"
                "      - gpu-operator\n"
                "    disableValidation: true\n");
}

TEST(GenerateHelmfileTest, ManifestOnly) {
  Plan plan;
  plan.components.push_back(Component("node-prep", "kube-system"));
  AddFolder(plan, plan.components.back(), FolderRole::kPrimary, FolderKind::kLocalHelm);
  EXPECT_EQ(FileText(Generate(plan), "helmfile.yaml"), std::string(kDefaults) +
                                                           "releases:\n"
                                                           "  - name: node-prep\n"
                                                           "    namespace: kube-system\n"
                                                           "    chart: ./001-node-prep\n"
                                                           "    values:\n"
                                                           "      - ./001-node-prep/values.yaml\n");
}

constexpr char kAibomHead[] =
    "repositories:\n"
    "  - name: ghcr-io-googlecloudplatform-charts\n"
    "    url: ghcr.io/googlecloudplatform/charts\n"
    "    oci: true\n"
    "helmDefaults:\n"
    "  wait: true\n"
    "  timeout: 600\n"
    "  createNamespace: true\n"
    "releases:\n"
    "  - name: k8s-aibom\n"
    "    namespace: k8s-aibom-system\n"
    "    chart: ghcr-io-googlecloudplatform-charts/k8s-aibom\n"
    "    version: 1.3.0\n"
    "    values:\n"
    "      - ./001-k8s-aibom/values.yaml\n"
    "    disableValidation: true\n";

Plan Aibom(bool owns_crds) {
  Plan plan;
  ComponentPlan c = Component("k8s-aibom", "k8s-aibom-system",
                              "oci://ghcr.io/googlecloudplatform/charts", "k8s-aibom", "1.3.0");
  c.has_self_ref_crds = true;
  c.owns_crds = owns_crds;
  AddUpstream(plan, std::move(c)).owns_crds = owns_crds;
  return plan;
}

TEST(GenerateHelmfileTest, OwnsCrdsPresyncHook) {
  // Upstream testdata/owns_crds_presync_hook/helmfile.yaml.
  EXPECT_EQ(FileText(Generate(Aibom(true)), "helmfile.yaml"),
            std::string(kAibomHead) +
                "    hooks:\n"
                "      - events:\n"
                "          - presync\n"
                "        command: bash\n"
                "        args:\n"
                "          - ./001-k8s-aibom/apply-crds.sh\n"
                "        showlogs: true\n");
}

TEST(GenerateHelmfileTest, OwnsCrdsNoHookWhenFolderDoesNotApplyCrds) {
  // Upstream testdata/owns_crds_no_hook (and owns_crds_version_override): no
  // apply-crds.sh in the folder, so no hook.
  EXPECT_EQ(FileText(Generate(Aibom(false)), "helmfile.yaml"), kAibomHead);
}

// ---------- release fields ----------

TEST(GenerateHelmfileTest, PrePrimaryPostChainAndFlags) {
  Plan plan;
  ComponentPlan gpu =
      Component("gpu-operator", "privileged-gpu-operator", kNgc, "gpu-operator", "v25.3.3");
  gpu.has_self_ref_crds = true;
  plan.components.push_back(std::move(gpu));
  const ComponentPlan& c = plan.components.back();
  AddFolder(plan, c, FolderRole::kPre, FolderKind::kLocalHelm).ships_namespace = true;
  AddFolder(plan, c, FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(plan, c, FolderRole::kPost, FolderKind::kLocalHelm);
  FileTree tree = Generate(plan);
  auto doc = serialize::ParseYaml(FileText(tree, "helmfile.yaml"));
  ASSERT_THAT(doc, IsOk());
  const serialize::Value* releases = doc.value().Find("releases");
  ASSERT_NE(releases, nullptr);
  ASSERT_EQ(releases->size(), 3u);
  const auto& pre = releases->if_sequence()->at(0);
  const auto& primary = releases->if_sequence()->at(1);
  const auto& post = releases->if_sequence()->at(2);

  EXPECT_EQ(
      pre.DebugString(),
      R"({"name": "gpu-operator-pre", "namespace": "privileged-gpu-operator", )"
      R"("chart": "./001-gpu-operator-pre", "values": ["./001-gpu-operator-pre/values.yaml"], )"
      R"("createNamespace": false})");
  // hasSelfRefCRDs: primary only; createNamespace: false only where a template
  // ships the Namespace.
  EXPECT_EQ(primary.Find("needs")->DebugString(), R"(["gpu-operator-pre"])");
  EXPECT_EQ(*primary.Find("disableValidation"), serialize::Value(true));
  EXPECT_EQ(primary.Find("createNamespace"), nullptr);
  EXPECT_EQ(post.Find("needs")->DebugString(), R"(["gpu-operator"])");
  EXPECT_EQ(post.Find("disableValidation"), nullptr);
  EXPECT_EQ(post.Find("createNamespace"), nullptr);
  EXPECT_EQ(post.Find("version"), nullptr);
}

TEST(GenerateHelmfileTest, ManifestsUseChartCrdsOnlyOnPost) {
  Plan plan;
  ComponentPlan net =
      Component("network-operator", "nvidia-network-operator", kNgc, "network-operator", "26.1.1");
  net.manifests_use_chart_crds = true;
  plan.components.push_back(std::move(net));
  const ComponentPlan& c = plan.components.back();
  AddFolder(plan, c, FolderRole::kPre, FolderKind::kLocalHelm);
  AddFolder(plan, c, FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(plan, c, FolderRole::kPost, FolderKind::kLocalHelm);
  auto doc = serialize::ParseYaml(FileText(Generate(plan), "helmfile.yaml"));
  ASSERT_THAT(doc, IsOk());
  const auto& releases = *doc.value().Find("releases")->if_sequence();
  ASSERT_EQ(releases.size(), 3u);
  EXPECT_EQ(releases[0].Find("disableValidation"), nullptr);
  EXPECT_EQ(releases[1].Find("disableValidation"), nullptr);
  EXPECT_EQ(*releases[2].Find("disableValidation"), serialize::Value(true));
}

TEST(GenerateHelmfileTest, IndependentComponentsCarryNoNeedsByDefault) {
  Plan plan;
  AddUpstream(plan,
              Component("cert-manager", "cert-manager", kJetstack, "cert-manager", "v1.17.2"));
  AddUpstream(plan, Component("gpu-operator", "gpu-operator", kNgc, "gpu-operator", "v25.3.3"));
  const std::string yaml = FileText(Generate(plan), "helmfile.yaml");
  EXPECT_THAT(yaml, Not(HasSubstr("needs:")));
  // Repositories are deduplicated by URL and sorted by alias.
  EXPECT_THAT(yaml, HasSubstr("repositories:\n"
                              "  - name: charts-jetstack-io\n"
                              "    url: https://charts.jetstack.io\n"
                              "  - name: helm-ngc-nvidia-com-nvidia\n"
                              "    url: https://helm.ngc.nvidia.com/nvidia\n"
                              "helmDefaults:\n"));
}

TEST(GenerateHelmfileTest, RepositoriesDeduplicatedAndSortedByAlias) {
  Plan plan;
  AddUpstream(plan, Component("nim", "nim", "https://zeta.example.com/charts/", "nim", "1.0.0"));
  AddUpstream(plan, Component("gpu-operator", "gpu-operator", kNgc, "gpu-operator", "v25.3.3"));
  AddUpstream(plan, Component("network-operator", "nvidia-network-operator", kNgc,
                              "network-operator", "26.1.1"));
  auto doc = serialize::ParseYaml(FileText(Generate(plan), "helmfile.yaml"));
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(
      doc.value().Find("repositories")->DebugString(),
      R"([{"name": "helm-ngc-nvidia-com-nvidia", "url": "https://helm.ngc.nvidia.com/nvidia"}, )"
      R"({"name": "zeta-example-com-charts", "url": "https://zeta.example.com/charts/"}])");
  const auto& releases = *doc.value().Find("releases")->if_sequence();
  EXPECT_EQ(*releases[0].Find("chart"), serialize::Value("zeta-example-com-charts/nim"));
  EXPECT_EQ(*releases[2].Find("chart"),
            serialize::Value("helm-ngc-nvidia-com-nvidia/network-operator"));
}

TEST(GenerateHelmfileTest, ChartDefaultsToComponentName) {
  Plan plan;
  AddUpstream(plan, Component("nfd", "node-feature-discovery", "https://example.com/charts", "",
                              "v0.16.4"));
  EXPECT_THAT(FileText(Generate(plan), "helmfile.yaml"),
              HasSubstr("    chart: example-com-charts/nfd\n    version: v0.16.4\n"));
}

TEST(GenerateHelmfileTest, RepositoryAliasCollisionIsAnError) {
  Plan plan;
  AddUpstream(plan, Component("a", "a", "https://charts.example.com", "a", "1.0.0"));
  AddUpstream(plan, Component("b", "b", "oci://charts.example.com", "b", "1.0.0"));
  FileTree tree;
  EXPECT_THAT(GenerateHelmfile(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("map to the same alias \"charts-example-com\"")));
  EXPECT_TRUE(tree.files().empty());
}

// ---------- needs ----------

TEST(NeedsRefTest, QualifiesOnlyAcrossNamespaces) {
  EXPECT_EQ(NeedsRef("cert-manager", "cert-manager", "cert-manager-crds"), "cert-manager-crds");
  EXPECT_EQ(NeedsRef("cert-manager", "agentgateway-system", "agentgateway-crds-post"),
            "agentgateway-system/agentgateway-crds-post");
  EXPECT_EQ(NeedsRef("cert-manager", "", "foo"), "foo");
  EXPECT_EQ(NeedsRef("", "", "foo"), "foo");
}

TEST(GenerateHelmfileTest, SerialChainsEveryReleaseAcrossNamespaces) {
  Plan plan;
  plan.serial = true;
  AddUpstream(plan,
              Component("cert-manager", "cert-manager", kJetstack, "cert-manager", "v1.17.2"));
  AddUpstream(plan, Component("kube-prometheus-stack", "monitoring",
                              "https://prometheus-community.github.io/helm-charts",
                              "kube-prometheus-stack", "84.4.0"));
  AddUpstream(plan, Component("prometheus-adapter", "monitoring",
                              "https://prometheus-community.github.io/helm-charts",
                              "prometheus-adapter", "5.1.0"));
  auto doc = serialize::ParseYaml(FileText(Generate(plan), "helmfile.yaml"));
  ASSERT_THAT(doc, IsOk());
  const auto& releases = *doc.value().Find("releases")->if_sequence();
  ASSERT_EQ(releases.size(), 3u);
  EXPECT_EQ(releases[0].Find("needs"), nullptr);
  EXPECT_EQ(releases[1].Find("needs")->DebugString(), R"(["cert-manager/cert-manager"])");
  EXPECT_EQ(releases[2].Find("needs")->DebugString(), R"(["kube-prometheus-stack"])");
}

TEST(GenerateHelmfileTest, SerialChainRestartsInEachLevelFile) {
  Plan plan = UpstreamHelmOnly();
  plan.serial = true;
  ComponentPlan nfd = Component("nfd", "node-feature-discovery", "https://example.com/charts",
                                "node-feature-discovery", "v0.16.4");
  nfd.level = 1;
  AddUpstream(plan, std::move(nfd));
  FileTree tree = Generate(plan);
  EXPECT_THAT(FileText(tree, "level-0.yaml"), Not(HasSubstr("needs:")));
  auto level1 = serialize::ParseYaml(FileText(tree, "level-1.yaml"));
  ASSERT_THAT(level1, IsOk());
  const auto& releases = *level1.value().Find("releases")->if_sequence();
  ASSERT_EQ(releases.size(), 2u);
  EXPECT_EQ(releases[0].Find("needs"), nullptr);
  EXPECT_EQ(releases[1].Find("needs")->DebugString(), R"(["gpu-operator/gpu-operator"])");
}

// ---------- layout ----------

TEST(GenerateHelmfileTest, LevelFilesKeepTheirIndexAndSkipEmptyLevels) {
  Plan plan;
  AddUpstream(plan, Component("a", "ns-a", "https://a.example.com", "a", "1.0.0"));
  ComponentPlan c = Component("c", "ns-c", "https://c.example.com", "c", "1.0.0");
  c.level = 2;
  AddUpstream(plan, std::move(c));
  FileTree tree = Generate(plan);
  EXPECT_THAT(Paths(tree),
              ElementsAre("README.md", "helmfile.yaml", "level-0.yaml", "level-2.yaml"));
  EXPECT_EQ(FileText(tree, "helmfile.yaml"),
            "helmfiles:\n"
            "  - path: level-0.yaml\n"
            "  - path: level-2.yaml\n");
  EXPECT_THAT(FileText(tree, "level-2.yaml"), HasSubstr("  - name: c\n"));
  EXPECT_THAT(FileText(tree, "level-2.yaml"), Not(HasSubstr("name: a\n")));
}

TEST(GenerateHelmfileTest, SingleNonEmptyLevelAboveZeroIsOneFile) {
  Plan plan;
  ComponentPlan c = Component("c", "ns-c", "https://c.example.com", "c", "1.0.0");
  c.level = 1;
  AddUpstream(plan, std::move(c));
  EXPECT_THAT(Paths(Generate(plan)), ElementsAre("README.md", "helmfile.yaml"));
}

TEST(GenerateHelmfileTest, EmptyPlanStillEmitsAParseableHelmfile) {
  // Upstream TestGenerate_EmptyRecipe: zero components is not an error.
  Plan plan;
  FileTree tree = Generate(plan);
  EXPECT_THAT(Paths(tree), ElementsAre("README.md", "helmfile.yaml"));
  EXPECT_EQ(FileText(tree, "helmfile.yaml"), std::string(kDefaults) + "releases: []\n");
  EXPECT_THAT(FileText(tree, "README.md"),
              HasSubstr("|---------|-----------|---------|\n\n## Deployment\n"));
}

TEST(GenerateHelmfileTest, Reproducible) {
  const Plan plan = UpstreamHelmOnly();
  FileTree a = Generate(plan);
  FileTree b = Generate(plan);
  ASSERT_EQ(a.files().size(), b.files().size());
  for (const auto& [path, file] : a.files()) {
    EXPECT_EQ(file.bytes, FileText(b, path)) << path;
  }
}

// ---------- errors ----------

TEST(GenerateHelmfileTest, ReadinessFolderIsRejected) {
  Plan plan;
  plan.readiness_hooks = true;
  ComponentPlan gpu = Component("gpu-operator", "gpu-operator", kNgc, "gpu-operator", "v25.3.3");
  gpu.readiness_test = "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n";
  plan.components.push_back(std::move(gpu));
  AddFolder(plan, plan.components.back(), FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(plan, plan.components.back(), FolderRole::kReadiness, FolderKind::kLocalHelm);
  FileTree tree;
  EXPECT_THAT(GenerateHelmfile(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest,
                       "helmfile: folder \"002-gpu-operator-readiness\" is a readiness gate; the "
                       "helmfile deployer does not support readiness hooks"));
  EXPECT_TRUE(tree.files().empty());
}

TEST(GenerateHelmfileTest, UnsupportedFolderKindIsRejected) {
  Plan plan;
  plan.components.push_back(Component("x", "ns"));
  AddFolder(plan, plan.components.back(), FolderRole::kPrimary, static_cast<FolderKind>(99));
  FileTree tree;
  EXPECT_THAT(GenerateHelmfile(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsupported folder kind 99")));
}

TEST(GenerateHelmfileTest, UpstreamFolderWithoutRepositoryIsInternal) {
  // Upstream TestBuildHelmfile_NilUpstream.
  Plan plan;
  plan.components.push_back(Component("x", "ns"));
  AddFolder(plan, plan.components.back(), FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  FileTree tree;
  EXPECT_THAT(GenerateHelmfile(plan, &tree),
              StatusIs(ErrorCode::kInternal, HasSubstr("is an upstream chart but component")));
}

TEST(GenerateHelmfileTest, FolderOfUnknownComponentIsInternal) {
  Plan plan;
  ComponentPlan ghost = Component("ghost", "ns", kJetstack, "ghost", "1.0.0");
  AddFolder(plan, ghost, FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  FileTree tree;
  EXPECT_THAT(GenerateHelmfile(plan, &tree),
              StatusIs(ErrorCode::kInternal,
                       "helmfile: folder \"001-ghost\" names unknown component \"ghost\""));
}

TEST(GenerateHelmfileTest, UnsafeFolderNameIsRejected) {
  for (const char* dir : {"../001-x", "001-x/sub", "", "..", "/abs"}) {
    Plan plan;
    plan.components.push_back(Component("x", "ns"));
    AddFolder(plan, plan.components.back(), FolderRole::kPrimary, FolderKind::kLocalHelm).dir = dir;
    FileTree tree;
    EXPECT_THAT(GenerateHelmfile(plan, &tree),
                StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsafe folder name")))
        << dir;
  }
}

TEST(GenerateHelmfileTest, NegativeLevelIsRejected) {
  Plan plan;
  plan.components.push_back(Component("x", "ns"));
  AddFolder(plan, plan.components.back(), FolderRole::kPrimary, FolderKind::kLocalHelm).level = -1;
  FileTree tree;
  EXPECT_THAT(GenerateHelmfile(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("negative level -1")));
}

TEST(GenerateHelmfileTest, ExistingRootFileLeavesTreeUnchanged) {
  FileTree tree;
  ASSERT_THAT(tree.Add("README.md", "mine", layout::kModePrivate), IsOk());
  EXPECT_THAT(
      GenerateHelmfile(UpstreamHelmOnly(), &tree),
      StatusIs(ErrorCode::kInvalidRequest, "helmfile: \"README.md\" is already in the bundle"));
  EXPECT_THAT(Paths(tree), ElementsAre("README.md"));
  EXPECT_EQ(FileText(tree, "README.md"), "mine");
}

// ---------- alias ----------

TEST(RepositoryAliasTest, MatchesUpstreamRule) {
  EXPECT_EQ(RepositoryAlias(""), "default-repo");
  EXPECT_EQ(RepositoryAlias("https://"), "default-repo");
  EXPECT_EQ(RepositoryAlias("https://EXAMPLE.com/path_with_underscores"),
            "example-com-path-with-underscores");
  EXPECT_EQ(RepositoryAlias("https://" + std::string(100, 'a')), std::string(63, 'a'));
  EXPECT_EQ(RepositoryAlias("oci://ghcr.io/example/charts"), "ghcr-io-example-charts");
  EXPECT_EQ(RepositoryAlias("http://example.com/charts/"), "example-com-charts");
  EXPECT_EQ(RepositoryAlias("https://github.com/org/repo.git"), "github-com-org-repo");
  EXPECT_EQ(RepositoryAlias("https://example.com:8443/a//b?x=1"), "example-com-8443-a-b-x-1");
  EXPECT_EQ(RepositoryAlias("--https://x--"), "https-x");
  // Truncation never leaves a trailing '-'.
  EXPECT_EQ(RepositoryAlias(std::string(62, 'a') + "/b"), std::string(62, 'a'));
}

TEST(GenerateHelmfileTest, OciRepositoryStripsScheme) {
  Plan plan;
  AddUpstream(plan, Component("x", "ns", "oci://ghcr.io/Example/charts", "x", "1.0.0"));
  AddUpstream(plan, Component("y", "ns", "http://example.com/charts", "y", "1.0.0"));
  auto doc = serialize::ParseYaml(FileText(Generate(plan), "helmfile.yaml"));
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc.value().Find("repositories")->DebugString(),
            R"([{"name": "example-com-charts", "url": "http://example.com/charts"}, )"
            R"({"name": "ghcr-io-example-charts", "url": "ghcr.io/Example/charts", "oci": true}])");
}

// ---------- README ----------

TEST(RenderHelmfileReadmeTest, TableUsesTagForKustomizeAndEscapesPipes) {
  Plan plan;
  ComponentPlan k = Component("kust", "kust-system");
  k.kustomize_repository = "https://github.com/org/repo";
  k.kustomize_path = "deploy";
  k.kustomize_tag = "v1.2.3";
  plan.components.push_back(std::move(k));
  plan.components.push_back(Component("odd", "ns", kJetstack, "odd", "1|2"));
  const std::string readme = RenderHelmfileReadme(plan);
  EXPECT_THAT(readme, HasSubstr("| kust | kust-system | v1.2.3 |\n| odd | ns | 1\\|2 |\n"));
  EXPECT_THAT(readme, HasSubstr("Generated by AICR v0.1.0\n"));
}

TEST(RenderHelmfileReadmeTest, VendoredSection) {
  Plan plan;
  plan.components.push_back(
      Component("gpu-operator", "gpu-operator", kNgc, "gpu-operator", "v25.3.3"));
  plan.components.back().dynamic_paths = {"driver.version"};
  AddFolder(plan, plan.components.back(), FolderRole::kPrimary, FolderKind::kLocalHelm);
  const std::string readme = RenderHelmfileReadme(plan);
  EXPECT_THAT(readme, HasSubstr("not be edited.\n\n### Air-gap deployment\n"));
  EXPECT_THAT(readme, HasSubstr("original version).\n\n## Troubleshooting\n"));
  // A vendored primary is a local chart.
  EXPECT_THAT(FileText(Generate(plan), "helmfile.yaml"),
              HasSubstr("    chart: ./001-gpu-operator\n    values:\n"));
}

}  // namespace
}  // namespace aicr::deployer::helmfile
