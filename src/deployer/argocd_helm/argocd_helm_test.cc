#include "deployer/argocd_helm/argocd_helm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "deployer/argocd_helm/argocd_helm_test_plans.h"
#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::deployer::argocd_helm {
namespace {

namespace fs = std::filesystem;
using layout::FileTree;
using layout::Plan;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace testplans;  // NOLINT(google-build-using-namespace)

// ---------- golden files (testdata/<scenario>.txt) ----------

// One text file per chart: a header line per file with its mode and size, then the
// bytes and a newline. AICR_UPDATE_GOLDEN=1 rewrites them.
std::string Render(const FileTree& tree) {
  std::string out;
  for (const auto& [path, file] : tree.files()) {
    char header[64];
    std::snprintf(header, sizeof(header), " mode=%04o bytes=%zu\n", file.mode, file.bytes.size());
    out += "=== " + path + header + file.bytes + "\n";
  }
  return out;
}

void ExpectGolden(const std::string& scenario, const FileTree& tree) {
  const fs::path golden =
      fs::path(AICR_SOURCE_DIR) / "src/deployer/argocd_helm/testdata" / (scenario + ".txt");
  const std::string actual = Render(tree);
  const char* update = std::getenv("AICR_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(golden, std::ios::binary);
  ASSERT_TRUE(in.good()) << golden << " missing; run with AICR_UPDATE_GOLDEN=1";
  std::ostringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual)
      << scenario << " differs from " << golden << "; review, then AICR_UPDATE_GOLDEN=1";
}

TEST(ArgoCDHelmGoldenTest, HelmAndManifestOnly) {
  Plan plan = HelmAndManifestOnly();
  const FileTree tree = Generate(&plan);
  EXPECT_THAT(
      Paths(tree),
      ElementsAre("001-cert-manager/values.yaml", "002-nodewright-customizations/Chart.yaml",
                  "002-nodewright-customizations/templates/tuning.yaml",
                  "002-nodewright-customizations/values.yaml", "Chart.yaml", "README.md",
                  "static/cert-manager.yaml", "templates/aicr-stack.yaml",
                  "templates/cert-manager.yaml", "templates/nodewright-customizations.yaml",
                  "values.schema.json", "values.yaml"));
  ExpectGolden("helm_and_manifest_only", tree);
}

TEST(ArgoCDHelmGoldenTest, MixedComponent) {
  Plan plan = MixedComponent();
  const FileTree tree = Generate(&plan);
  EXPECT_THAT(Paths(tree),
              ElementsAre("001-gpu-operator/values.yaml", "002-gpu-operator-post/Chart.yaml",
                          "002-gpu-operator-post/templates/dcgm-exporter.yaml",
                          "002-gpu-operator-post/values.yaml", "Chart.yaml", "README.md",
                          "static/gpu-operator.yaml", "templates/aicr-stack.yaml",
                          "templates/gpu-operator-post.yaml", "templates/gpu-operator.yaml",
                          "values.schema.json", "values.yaml"));
  ExpectGolden("mixed_component", tree);
}

TEST(ArgoCDHelmGoldenTest, ReadinessGate) {
  Plan plan = ReadinessGate();
  const FileTree tree = Generate(&plan);
  EXPECT_NE(tree.Find("002-gpu-operator-readiness/templates/readiness.yaml"), nullptr);
  EXPECT_NE(tree.Find("templates/gpu-operator-readiness.yaml"), nullptr);
  ExpectGolden("readiness_gate", tree);
}

// ---------- the parts, asserted directly ----------

TEST(ArgoCDHelmChartTest, ChartYamlAndModes) {
  Plan plan = MixedComponent();
  const FileTree tree = Generate(&plan);
  EXPECT_EQ(Text(tree, "Chart.yaml"),
            "apiVersion: v2\n"
            "name: \"aicr-bundle\"\n"
            "description: AICR deployment bundle with dynamic install-time values\n"
            "type: application\n"
            "version: \"0.22.0\"\n");
  for (const char* path :
       {"Chart.yaml", "values.yaml", "values.schema.json", "README.md", "static/gpu-operator.yaml",
        "templates/gpu-operator.yaml", "templates/aicr-stack.yaml"}) {
    EXPECT_EQ(tree.Find(path)->mode, layout::kModePrivate) << path;
  }

  plan = MixedComponent();
  plan.aicr_version = "dev";
  ArgoCDHelmOptions options;
  options.chart_name = "my-bundle";
  const FileTree named = Generate(&plan, options);
  EXPECT_THAT(Text(named, "Chart.yaml"), HasSubstr("name: \"my-bundle\"\n"));
  EXPECT_THAT(Text(named, "Chart.yaml"), HasSubstr("version: \"0.0.0-dev\"\n"));
  EXPECT_THAT(Text(named, "README.md"), HasSubstr("helm install my-bundle"));
}

TEST(ArgoCDHelmChartTest, RootValuesHoldDynamicStubsAndDeployerDefaults) {
  Plan plan = HelmAndManifestOnly();
  const FileTree tree = Generate(&plan);
  const std::string values = Text(tree, "values.yaml");
  EXPECT_THAT(values, testing::StartsWith("# Generated by AICR\n"));
  EXPECT_THAT(values, testing::EndsWith("---\n"
                                        "certmanager:\n"
                                        "  replicaCount: 1\n"
                                        "deployer:\n"
                                        "  destinationServer: https://kubernetes.default.svc\n"
                                        "  namePrefix: \"\"\n"
                                        "  project: default\n"
                                        "repoURL: \"\"\n"
                                        "targetRevision: \"\"\n"));
  // The dynamic path left the static values; the rest stays there.
  EXPECT_EQ(Text(tree, "static/cert-manager.yaml"),
            "# Generated by AICR\n---\ncrds:\n  enabled: true\n");
  // A dynamic path with no bundle-time value becomes an empty stub.
  plan = HelmAndManifestOnly();
  plan.components[0].dynamic_paths = {"global.leaderElection.namespace", "replicaCount"};
  const FileTree stubs = Generate(&plan);
  EXPECT_THAT(Text(stubs, "values.yaml"),
              HasSubstr("certmanager:\n  global:\n    leaderElection:\n      namespace: \"\"\n"
                        "  replicaCount: 1\n"));
  EXPECT_THAT(Text(stubs, "README.md"),
              HasSubstr("- `--set certmanager.global.leaderElection.namespace=<value>`\n"));
}

TEST(ArgoCDHelmChartTest, BakedOptions) {
  Plan plan = MixedComponent();
  plan.gitops.app_name = "tenant-a-stack";
  plan.gitops.name_prefix = "tenant-a-";
  plan.gitops.project = "gpu-team";
  plan.gitops.destination_server = "https://10.1.2.3:6443";
  plan.gitops.repo_url = "oci://ghcr.io/example";
  plan.gitops.cascade_delete = true;
  const FileTree tree = Generate(&plan);
  EXPECT_THAT(Text(tree, "values.yaml"),
              testing::EndsWith("---\n"
                                "appName: tenant-a-stack\n"
                                "deployer:\n"
                                "  destinationServer: https://10.1.2.3:6443\n"
                                "  namePrefix: tenant-a-\n"
                                "  project: gpu-team\n"
                                "repoURL: oci://ghcr.io/example\n"
                                "targetRevision: \"\"\n"));
  EXPECT_THAT(Text(tree, "templates/aicr-stack.yaml"),
              HasSubstr("  namespace: argocd\n  finalizers:\n"
                        "    - resources-finalizer.argocd.argoproj.io\nspec:\n"));
  EXPECT_THAT(Text(tree, "templates/gpu-operator-post.yaml"),
              HasSubstr("  finalizers:\n    - resources-finalizer.argocd.argoproj.io\nspec:\n"));
}

TEST(ArgoCDHelmChartTest, ValuesSchemaConstrainsDeployerOptions) {
  Plan plan = MixedComponent();
  const FileTree tree = Generate(&plan);
  auto schema = serialize::ParseJson(Text(tree, "values.schema.json"));
  ASSERT_THAT(schema, IsOk());
  const serialize::Value* deployer = schema->FindPath("properties.deployer");
  ASSERT_NE(deployer, nullptr);
  EXPECT_EQ(*deployer->Find("additionalProperties"), serialize::Value(false));
  EXPECT_EQ(*deployer->FindPath("properties.namePrefix.pattern"),
            serialize::Value("^$|^[a-z0-9][a-z0-9-]*$"));
  EXPECT_EQ(*deployer->FindPath("properties.destinationServer.pattern"),
            serialize::Value("^https://[^'\"\\s@:/][^'\"\\s@]*$"));
  EXPECT_EQ(*deployer->FindPath("properties.project.maxLength"), serialize::Value(253));
  EXPECT_EQ(schema->FindPath("additionalProperties"), nullptr) << "component keys stay open";
}

TEST(ArgoCDHelmChartTest, UpstreamChildMergesStaticAndInstallTimeValues) {
  Plan plan = MixedComponent();
  const FileTree tree = Generate(&plan);
  const std::string child = Text(tree, "templates/gpu-operator.yaml");
  EXPECT_THAT(child, HasSubstr("    argocd.argoproj.io/sync-wave: \"1\"\n"));
  EXPECT_THAT(child, HasSubstr("  source:\n"
                               "    repoURL: https://helm.ngc.nvidia.com/nvidia\n"
                               "    chart: gpu-operator\n"
                               "    targetRevision: 25.3.3\n"
                               "    helm:\n"
                               "      values: |-\n"
                               "        {{- $static := .Files.Get \"static/gpu-operator.yaml\" | "
                               "fromYaml | default dict }}\n"
                               "        {{- $dynamic := index .Values \"gpuoperator\" | default "
                               "dict }}\n"
                               "        {{- mustMergeOverwrite $static $dynamic | toYaml | nindent "
                               "8 }}\n"));
  EXPECT_EQ(Text(tree, "static/gpu-operator.yaml"),
            "# Generated by AICR\n---\ndriver:\n  enabled: true\n  version: 570.86.15\n");
}

TEST(ArgoCDHelmChartTest, LocalChildPullsItsFolderFromThePublishedChart) {
  Plan plan = MixedComponent();
  const FileTree tree = Generate(&plan);
  const std::string child = Text(tree, "templates/gpu-operator-post.yaml");
  EXPECT_THAT(child, HasSubstr("    argocd.argoproj.io/sync-wave: \"2\"\n"));
  EXPECT_THAT(child,
              HasSubstr("    repoURL: {{ printf \"%s/%s\" (required \"repoURL is required: "));
  EXPECT_THAT(child, HasSubstr(".Values.repoURL | trimSuffix \"/\") .Chart.Name | quote }}\n"
                               "    targetRevision: {{ .Values.targetRevision | default "
                               ".Chart.Version | quote }}\n"
                               "    path: 002-gpu-operator-post\n"
                               "    helm:\n"
                               "      values: |-\n"
                               "        {{- index .Values \"gpuoperator\" | default dict | toYaml "
                               "| nindent 8 }}\n"));
}

TEST(ArgoCDHelmChartTest, SerialWavesAreLinear) {
  Plan plan = MixedComponent();
  plan.serial = true;
  const FileTree tree = Generate(&plan);
  EXPECT_THAT(Text(tree, "templates/gpu-operator.yaml"),
              HasSubstr("argocd.argoproj.io/sync-wave: \"0\"\n"));
  EXPECT_THAT(Text(tree, "templates/gpu-operator-post.yaml"),
              HasSubstr("argocd.argoproj.io/sync-wave: \"1\"\n"));
}

TEST(ArgoCDHelmChartTest, ReadinessChildAppliesOutOfSyncOnly) {
  Plan plan = ReadinessGate();
  const FileTree tree = Generate(&plan);
  const std::string child = Text(tree, "templates/gpu-operator-readiness.yaml");
  EXPECT_THAT(child, HasSubstr("    argocd.argoproj.io/sync-wave: \"3\"\n"));
  EXPECT_THAT(child, HasSubstr("      - ServerSideApply=true\n      - ApplyOutOfSyncOnly=true\n"));
  EXPECT_THAT(child, HasSubstr("{{- index .Values \"gpuoperator\" | default dict"));
}

TEST(ArgoCDHelmChartTest, Deterministic) {
  Plan a = HelmAndManifestOnly();
  Plan b = HelmAndManifestOnly();
  EXPECT_EQ(Render(Generate(&a)), Render(Generate(&b)));
}

// ---------- errors ----------

FileTree Folders(Plan* plan) {
  FileTree tree;
  EXPECT_THAT(layout::WriteFolders(plan, layout::WriterOptions{}, &tree), IsOk());
  return tree;
}

TEST(ArgoCDHelmErrorTest, OverrideKeys) {
  Plan plan = HelmAndManifestOnly();
  plan.components[0].override_key = "deployer";
  FileTree tree = Folders(&plan);
  const auto before = Paths(tree);
  EXPECT_THAT(GenerateArgoCDHelm(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest,
                       "component \"cert-manager\" uses the override key \"deployer\", which "
                       "the argocd-helm chart reserves"));
  EXPECT_EQ(Paths(tree), before);
  plan.components[0].override_key = "nodewrightcustomizations";
  EXPECT_THAT(GenerateArgoCDHelm(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("share the override key \"nodewrightcustomizations\"")));
  plan.components[0].override_key = "a\"b";
  EXPECT_THAT(GenerateArgoCDHelm(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unusable override key")));
}

TEST(ArgoCDHelmErrorTest, NamesAndOptions) {
  Plan plan = MixedComponent();
  FileTree tree = Folders(&plan);
  Plan bad = plan;
  bad.gitops.name_prefix = std::string(40, 'x');
  EXPECT_THAT(
      GenerateArgoCDHelm(bad, &tree),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("Argo CD uses it as the Helm release name")));
  bad = plan;
  bad.gitops.app_name = "gpu-operator";
  EXPECT_THAT(GenerateArgoCDHelm(bad, &tree),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("collides with the parent")));
  bad = plan;
  bad.gitops.destination_server = "http://insecure";
  EXPECT_THAT(
      GenerateArgoCDHelm(bad, &tree),
      StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid deployer destinationServer")));
  ArgoCDHelmOptions options;
  options.chart_name = "Bad_Name";
  EXPECT_THAT(GenerateArgoCDHelm(plan, options, &tree),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("invalid chart name \"Bad_Name\"")));
  EXPECT_THAT(GenerateArgoCDHelm(plan, nullptr),
              StatusIs(ErrorCode::kInternal, HasSubstr("no file tree")));
}

TEST(ArgoCDHelmErrorTest, ReleaseNamedLikeTheParentTemplate) {
  Plan plan = BasePlan();
  plan.components.push_back(Helm("aicr-stack", "x", "aicrstack", kJetstack, "v1.0.0"));
  plan.gitops.app_name = "other";
  FileTree tree = Folders(&plan);
  EXPECT_THAT(GenerateArgoCDHelm(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("would overwrite the parent Application template")));
}

TEST(ArgoCDHelmErrorTest, ExistingFileLeavesTreeUntouched) {
  Plan plan = MixedComponent();
  FileTree tree = Folders(&plan);
  ASSERT_THAT(tree.Add("values.schema.json", "{}", layout::kModePrivate), IsOk());
  const auto before = Paths(tree);
  EXPECT_THAT(GenerateArgoCDHelm(plan, &tree),
              StatusIs(ErrorCode::kInvalidRequest,
                       HasSubstr("\"values.schema.json\" is already in the bundle")));
  EXPECT_EQ(Paths(tree), before);
  EXPECT_NE(tree.Find("001-gpu-operator/install.sh"), nullptr);
}

}  // namespace
}  // namespace aicr::deployer::argocd_helm
