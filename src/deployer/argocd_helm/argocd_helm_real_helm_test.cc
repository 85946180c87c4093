// The argocd-helm chart as the real, pinned helm sees it (scripts/install-tools.sh):
// `helm lint` accepts it, `helm template` renders the parent and every child
// Application, `--set <overrideKey>.<path>` reaches the child's Helm values, and
// the install-time guards (required repoURL, name length, parent collision,
// values schema) fail the render.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "deployer/argocd_helm/argocd_helm.h"
#include "deployer/argocd_helm/argocd_helm_test_plans.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tools.h"

namespace aicr::deployer::argocd_helm {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::ToolPath;
using layout::FileTree;
using layout::Plan;
using serialize::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace testplans;  // NOLINT(google-build-using-namespace)

constexpr char kRegistry[] = "oci://registry.example.com/charts";

std::string TestDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir =
      ::aicr::testing::TestTempDir() + "/" + info->test_suite_name() + "." + info->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// helm keeps its cache and config under HOME/XDG dirs; point them into the test dir.
ProcessOptions HelmEnv(const std::string& dir) {
  ProcessOptions options;
  options.env_set = {{"HOME", dir},
                     {"XDG_CACHE_HOME", dir + "/.cache"},
                     {"XDG_CONFIG_HOME", dir + "/.config"},
                     {"XDG_DATA_HOME", dir + "/.data"},
                     {"KUBECONFIG", dir + "/no-kubeconfig"}};
  return options;
}

// Writes `tree` under `dir`/chart and returns that path.
std::string WriteChart(const FileTree& tree, const std::string& dir) {
  const fs::path root = fs::path(dir) / "chart";
  for (const auto& [path, file] : tree.files()) {
    const fs::path p = root / path;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << file.bytes;
  }
  return root.string();
}

ProcessResult RunHelm(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), ToolPath("helm"));
  return RunProcess(args, HelmEnv(dir));
}

// `helm template` of the chart with `sets` (each `key=value`); the rendered
// Applications by metadata.name.
std::map<std::string, Value> Template(const std::string& dir, const std::string& chart,
                                      const std::vector<std::string>& sets,
                                      ProcessResult* result = nullptr) {
  std::vector<std::string> args = {"template", "bundle", chart, "--namespace", "argocd"};
  for (const std::string& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  ProcessResult r = RunHelm(dir, args);
  if (result != nullptr) {
    *result = r;
    if (r.exit_code != 0) {
      return {};
    }
  }
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto docs = serialize::ParseYamlDocuments(r.out);
  EXPECT_THAT(docs, IsOk()) << r.out;
  std::map<std::string, Value> apps;
  if (!docs.ok()) {
    return apps;
  }
  for (const Value& doc : *docs) {
    if (doc.is_null()) {
      continue;
    }
    EXPECT_EQ(*doc.Find("apiVersion"), Value("argoproj.io/v1alpha1"));
    EXPECT_EQ(*doc.Find("kind"), Value("Application"));
    EXPECT_EQ(*doc.FindPath("metadata.namespace"), Value("argocd"));
    apps[*doc.FindPath("metadata.name")->if_string()] = doc;
  }
  return apps;
}

std::vector<std::string> Names(const std::map<std::string, Value>& apps) {
  std::vector<std::string> out;
  for (const auto& [name, app] : apps) {
    out.push_back(name);
  }
  return out;
}

// The child's spec.source.helm.values (a YAML string), parsed.
Value HelmValues(const Value& app) {
  const Value* text = app.FindPath("spec.source.helm.values");
  EXPECT_NE(text, nullptr);
  if (text == nullptr || !text->is_string()) {
    return Value();
  }
  auto parsed = serialize::ParseYaml(*text->if_string());
  EXPECT_THAT(parsed, IsOk()) << *text->if_string();
  return parsed.ok() ? *parsed : Value();
}

std::string Str(const Value& app, std::string_view path) {
  const Value* v = app.FindPath(path);
  return v != nullptr && v->is_string() ? *v->if_string() : "<missing " + std::string(path) + ">";
}

class ArgoCDHelmRealHelmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_TOOL("helm");
    dir_ = TestDir();
  }

  std::string Chart(Plan plan, const ArgoCDHelmOptions& options = {}) {
    return WriteChart(Generate(&plan, options), dir_ + "/" + std::to_string(charts_++));
  }

  std::string dir_;
  int charts_ = 0;
};

TEST_F(ArgoCDHelmRealHelmTest, EveryScenarioLints) {
  for (Plan plan : {HelmAndManifestOnly(), MixedComponent(), ReadinessGate()}) {
    const std::string chart = Chart(plan);
    const ProcessResult r =
        RunHelm(dir_, {"lint", chart, "--strict", "--set", std::string("repoURL=") + kRegistry});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("1 chart(s) linted, 0 chart(s) failed"));
  }
}

TEST_F(ArgoCDHelmRealHelmTest, HelmAndManifestOnlyRenders) {
  const std::string chart = Chart(HelmAndManifestOnly());
  const auto apps = Template(dir_, chart, {std::string("repoURL=") + kRegistry});
  ASSERT_THAT(Names(apps), ElementsAre("aicr-stack", "cert-manager", "nodewright-customizations"));

  const Value& cm = apps.at("cert-manager");
  EXPECT_EQ(Str(cm, "spec.source.repoURL"), "https://charts.jetstack.io");
  EXPECT_EQ(Str(cm, "spec.source.chart"), "cert-manager");
  EXPECT_EQ(Str(cm, "spec.source.targetRevision"), "1.17.2");
  EXPECT_EQ(Str(cm, "spec.project"), "default");
  EXPECT_EQ(Str(cm, "spec.destination.server"), "https://kubernetes.default.svc");
  EXPECT_EQ(Str(cm, "spec.destination.namespace"), "cert-manager");
  EXPECT_EQ(*cm.FindPath("metadata.annotations")->Find("argocd.argoproj.io/sync-wave"), Value("1"));
  // The static values merged with the dynamic stub's default.
  EXPECT_EQ(HelmValues(cm), Yaml("crds:\n  enabled: true\nreplicaCount: 1\n"));

  const Value& nw = apps.at("nodewright-customizations");
  EXPECT_EQ(Str(nw, "spec.source.repoURL"), "oci://registry.example.com/charts/aicr-bundle");
  EXPECT_EQ(Str(nw, "spec.source.targetRevision"), "0.22.0");
  EXPECT_EQ(Str(nw, "spec.source.path"), "002-nodewright-customizations");
  EXPECT_EQ(HelmValues(nw), Value::EmptyMapping());

  const Value& parent = apps.at("aicr-stack");
  EXPECT_EQ(Str(parent, "spec.source.repoURL"), "oci://registry.example.com/charts/aicr-bundle");
  EXPECT_EQ(Str(parent, "spec.source.path"), ".");
  EXPECT_EQ(Str(parent, "spec.source.targetRevision"), "0.22.0");
  EXPECT_EQ(parent.FindPath("spec.source.chart"), nullptr);
  EXPECT_EQ(Str(parent, "spec.project"), "default");
  EXPECT_EQ(*parent.FindPath("spec.source.helm.valuesObject.certmanager.replicaCount"), Value(1));
}

TEST_F(ArgoCDHelmRealHelmTest, SetOverridesAnyValueOfAComponent) {
  Plan plan = MixedComponent();
  plan.components[0].values.Set("limits", Yaml("bytes: 1048576\nratio: 0.5\nlabel: \"1.0\"\n"));
  const std::string chart = Chart(plan);
  auto apps = Template(dir_, chart,
                       {std::string("repoURL=") + kRegistry, "gpuoperator.driver.version=580.1.2",
                        "gpuoperator.driver.enabled=false", "gpuoperator.toolkit.enabled=true"});
  ASSERT_EQ(apps.count("gpu-operator"), 1u);
  EXPECT_EQ(HelmValues(apps.at("gpu-operator")),
            Yaml("driver:\n  enabled: false\n  version: 580.1.2\ntoolkit:\n  enabled: true\n"
                 "limits:\n  bytes: 1048576\n  ratio: 0.5\n  label: \"1.0\"\n"));
  // The -post child of the same component sees the same install-time key.
  EXPECT_EQ(HelmValues(apps.at("gpu-operator-post")),
            Yaml("driver:\n  enabled: false\n  version: 580.1.2\ntoolkit:\n  enabled: true\n"));
  // Without --set the bundled values come through untouched, types included.
  apps = Template(dir_, chart, {std::string("repoURL=") + kRegistry});
  EXPECT_EQ(HelmValues(apps.at("gpu-operator")),
            Yaml("driver:\n  enabled: true\n  version: \"570.86.15\"\n"
                 "limits:\n  bytes: 1048576\n  ratio: 0.5\n  label: \"1.0\"\n"));
}

TEST_F(ArgoCDHelmRealHelmTest, DynamicStubIsOverridable) {
  const std::string chart = Chart(HelmAndManifestOnly());
  const auto apps =
      Template(dir_, chart, {std::string("repoURL=") + kRegistry, "certmanager.replicaCount=3"});
  EXPECT_EQ(HelmValues(apps.at("cert-manager")), Yaml("crds:\n  enabled: true\nreplicaCount: 3\n"));
}

TEST_F(ArgoCDHelmRealHelmTest, RepoURLIsRequired) {
  const std::string chart = Chart(MixedComponent());
  ProcessResult r;
  Template(dir_, chart, {}, &r);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("repoURL is required"));
  Template(dir_, chart, {"repoURL="}, &r);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("repoURL is required"));
}

TEST_F(ArgoCDHelmRealHelmTest, HelmRepositoryParentAndRevision) {
  const std::string chart = Chart(MixedComponent());
  const auto apps =
      Template(dir_, chart, {"repoURL=https://charts.example.com/team/", "targetRevision=1.4.0"});
  const Value& parent = apps.at("aicr-stack");
  EXPECT_EQ(Str(parent, "spec.source.repoURL"), "https://charts.example.com/team");
  EXPECT_EQ(Str(parent, "spec.source.chart"), "aicr-bundle");
  EXPECT_EQ(Str(parent, "spec.source.targetRevision"), "1.4.0");
  EXPECT_EQ(parent.FindPath("spec.source.path"), nullptr);
  const Value& post = apps.at("gpu-operator-post");
  EXPECT_EQ(Str(post, "spec.source.repoURL"), "https://charts.example.com/team/aicr-bundle");
  EXPECT_EQ(Str(post, "spec.source.targetRevision"), "1.4.0");
}

TEST_F(ArgoCDHelmRealHelmTest, DeployerOptionsAtInstallTime) {
  const std::string chart = Chart(ReadinessGate());
  const auto apps =
      Template(dir_, chart,
               {std::string("repoURL=") + kRegistry, "deployer.namePrefix=team-a-",
                "deployer.project=gpu.team-a", "deployer.destinationServer=https://10.0.0.1:6443",
                "appName=team-a-stack"});
  ASSERT_THAT(Names(apps),
              ElementsAre("team-a-gpu-operator", "team-a-gpu-operator-readiness", "team-a-stack"));
  // A component without values gets an empty mapping, not a parse error.
  EXPECT_EQ(HelmValues(apps.at("team-a-gpu-operator")), Value::EmptyMapping());
  const Value& gate = apps.at("team-a-gpu-operator-readiness");
  EXPECT_EQ(Str(gate, "spec.project"), "gpu.team-a");
  EXPECT_EQ(Str(gate, "spec.destination.server"), "https://10.0.0.1:6443");
  const Value* options = gate.FindPath("spec.syncPolicy.syncOptions");
  ASSERT_NE(options, nullptr);
  EXPECT_EQ(*options, Yaml("[CreateNamespace=true, ServerSideApply=true, "
                           "ApplyOutOfSyncOnly=true]\n"));
  // The parent stays in the default project on the Argo CD cluster.
  EXPECT_EQ(Str(apps.at("team-a-stack"), "spec.project"), "default");
  EXPECT_EQ(Str(apps.at("team-a-stack"), "spec.destination.server"),
            "https://kubernetes.default.svc");
}

TEST_F(ArgoCDHelmRealHelmTest, InstallTimeGuardsFail) {
  const std::string chart = Chart(MixedComponent());
  const std::string repo = std::string("repoURL=") + kRegistry;
  ProcessResult r;
  Template(dir_, chart, {repo, "deployer.namePrefix=" + std::string(40, 'x')}, &r);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("has 57 characters"));  // 40 + "gpu-operator-post"

  Template(dir_, chart, {repo, "appName=gpu-operator"}, &r);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("equals the parent Application name"));

  // The values schema rejects what the templates would interpolate unchecked.
  for (const std::string& bad :
       {std::string("deployer.destinationServer=http://cluster"),
        std::string("deployer.namePrefix=Team-"), std::string("deployer.project=a..b"),
        std::string("deployer.cascadeDelete=true"), std::string("appName=Bad_Name")}) {
    Template(dir_, chart, {repo, bad}, &r);
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_THAT(r.err, HasSubstr("schema")) << bad << ": " << r.err;
  }
}

TEST_F(ArgoCDHelmRealHelmTest, TwoBundlesDoNotCollide) {
  std::set<std::string> names;
  std::size_t apps_seen = 0;
  for (const auto& [app_name, prefix] :
       std::vector<std::pair<std::string, std::string>>{{"stack-a", "a-"}, {"stack-b", "b-"}}) {
    Plan plan = MixedComponent();
    plan.components.push_back(
        Helm("cert-manager", "cert-manager", "certmanager", kJetstack, "v1.17.2"));
    plan.gitops.app_name = app_name;
    plan.gitops.name_prefix = prefix;
    const auto apps = Template(dir_, Chart(plan), {std::string("repoURL=") + kRegistry});
    EXPECT_EQ(apps.size(), 4u);
    for (const auto& [name, app] : apps) {
      names.insert(name);
      ++apps_seen;
    }
  }
  EXPECT_EQ(apps_seen, 8u);
  EXPECT_EQ(names.size(), apps_seen);
  EXPECT_EQ(names.count("b-gpu-operator-post"), 1u);
  EXPECT_EQ(names.count("stack-a"), 1u);
}

TEST_F(ArgoCDHelmRealHelmTest, CascadeDeleteAndComputeDomainIgnore) {
  Plan plan = BasePlan();
  plan.gitops.cascade_delete = true;
  plan.components.push_back(Helm("gpu-operator", "gpu-operator", "gpuoperator", kNgc, "v26.7.0"));
  plan.components.push_back(
      Helm("nvidia-dra-driver-gpu", "nvidia-dra-driver", "nvidiadradrivergpu", kNgc, "0.5.0"));
  const auto apps = Template(dir_, Chart(plan), {std::string("repoURL=") + kRegistry});
  for (const auto& [name, app] : apps) {
    EXPECT_EQ(*app.FindPath("metadata.finalizers"),
              Yaml("[resources-finalizer.argocd.argoproj.io]\n"))
        << name;
  }
  const Value& gpu = apps.at("gpu-operator");
  EXPECT_EQ(*gpu.FindPath("spec.ignoreDifferences"),
            Yaml("- group: apiextensions.k8s.io\n  kind: CustomResourceDefinition\n"
                 "  name: computedomains.resource.nvidia.com\n  jsonPointers: [/spec]\n"));
  EXPECT_EQ(*gpu.FindPath("spec.syncPolicy.syncOptions"),
            Yaml("[CreateNamespace=true, ServerSideApply=true, RespectIgnoreDifferences=true]\n"));
  EXPECT_EQ(apps.at("nvidia-dra-driver-gpu").FindPath("spec.ignoreDifferences"), nullptr);
}

}  // namespace
}  // namespace aicr::deployer::argocd_helm
