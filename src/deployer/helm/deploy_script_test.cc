#include "deployer/helm/deploy_script.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "layout/plan.h"
#include "layout/scripts.h"
#include "serialize/value.h"
#include "tests/e2e/subprocess.h"
#include "tests/testing/fake_commands.h"

namespace aicr::deployer::helm {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::FakeCommands;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

layout::ComponentPlan Component(const std::string& name, const std::string& ns,
                                const std::string& repository, const std::string& chart,
                                const std::string& version) {
  layout::ComponentPlan c;
  c.name = name;
  c.namespace_ = ns;
  c.repository = repository;
  c.chart = chart;
  c.version = version;
  return c;
}

void AddFolder(layout::Plan* plan, const std::string& component, layout::FolderRole role,
               layout::FolderKind kind) {
  const layout::ComponentPlan* c = plan->Find(component);
  layout::Folder f;
  f.index = static_cast<int>(plan->folders.size()) + 1;
  f.component = component;
  f.namespace_ = c->namespace_;
  f.kind = kind;
  f.role = role;
  f.release = component;
  if (role == layout::FolderRole::kPre) {
    f.release += "-pre";
  } else if (role == layout::FolderRole::kPost) {
    f.release += "-post";
  } else if (role == layout::FolderRole::kReadiness) {
    f.release += "-readiness";
  }
  char prefix[8];
  std::snprintf(prefix, sizeof prefix, "%03d-", f.index);
  f.dir = prefix + f.release;
  plan->folders.push_back(f);
}

// cert-manager (upstream), gpu-operator (pre + upstream + post), manifest-only
// nodewright-customizations, kai-scheduler (async), the DRA driver and its
// readiness gate.
layout::Plan FullPlan() {
  using layout::FolderKind;
  using layout::FolderRole;
  layout::Plan plan;
  plan.aicr_version = "v0.12.0";
  plan.components.push_back(Component("cert-manager", "cert-manager", "https://charts.jetstack.io",
                                      "cert-manager", "v1.17.2"));
  plan.components.push_back(Component("gpu-operator", "gpu-operator",
                                      "https://helm.ngc.nvidia.com/nvidia", "gpu-operator",
                                      "v25.3.0"));
  plan.components.push_back(Component("nodewright-customizations", "skyhook", "", "", ""));
  plan.components.push_back(Component("kai-scheduler", "kai-scheduler",
                                      "oci://ghcr.io/kai-scheduler/kai-scheduler", "kai-scheduler",
                                      "v0.9.0"));
  plan.components.push_back(Component("nvidia-dra-driver-gpu", "nvidia-dra-driver",
                                      "oci://registry.k8s.io/dra-driver-nvidia/charts",
                                      "dra-driver-nvidia-gpu", "v25.8.0"));
  AddFolder(&plan, "cert-manager", FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(&plan, "gpu-operator", FolderRole::kPre, FolderKind::kLocalHelm);
  AddFolder(&plan, "gpu-operator", FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(&plan, "gpu-operator", FolderRole::kPost, FolderKind::kLocalHelm);
  AddFolder(&plan, "nodewright-customizations", FolderRole::kPrimary, FolderKind::kLocalHelm);
  AddFolder(&plan, "kai-scheduler", FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(&plan, "nvidia-dra-driver-gpu", FolderRole::kPrimary, FolderKind::kUpstreamHelm);
  AddFolder(&plan, "nvidia-dra-driver-gpu", FolderRole::kReadiness, FolderKind::kLocalHelm);
  return plan;
}

const std::vector<std::string> kFullOrder = {"cert-manager",
                                             "gpu-operator-pre",
                                             "gpu-operator",
                                             "gpu-operator-post",
                                             "nodewright-customizations",
                                             "kai-scheduler",
                                             "nvidia-dra-driver-gpu",
                                             "nvidia-dra-driver-gpu-readiness"};

void WriteFile(const std::string& path, const std::string& text, mode_t mode = 0644) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  chmod(path.c_str(), mode);
}

// Lays the bundle out as the layout writer does, with the real install.sh files.
void WriteBundle(const layout::Plan& plan, const std::string& dir) {
  fs::create_directories(dir);
  WriteFile(dir + "/deploy.sh", RenderDeployScript(plan), 0755);
  for (const layout::Folder& f : plan.folders) {
    const std::string folder = dir + "/" + f.dir;
    fs::create_directories(folder);
    const layout::ComponentPlan* c = plan.Find(f.component);
    layout::InstallScript spec;
    spec.release = f.release;
    spec.namespace_ = f.namespace_;
    spec.upstream = f.kind == layout::FolderKind::kUpstreamHelm;
    spec.create_namespace = !f.ships_namespace;
    spec.apply_crds = f.owns_crds;
    WriteFile(folder + "/install.sh", layout::RenderInstallScript(spec), 0755);
    if (spec.upstream) {
      WriteFile(folder + "/upstream.env",
                layout::RenderUpstreamEnv(c->repository, c->chart, c->version), 0600);
    }
    WriteFile(folder + "/values.yaml", "# Generated by AICR\n---\n");
    WriteFile(folder + "/cluster-values.yaml", "# Generated by AICR\n---\n");
  }
}

// The release of a logged `helm upgrade --install [--force-conflicts] <release> ...`.
std::string ReleaseOf(const std::string& call) {
  std::istringstream words(call);
  std::string w;
  std::vector<std::string> args;
  while (words >> w) {
    args.push_back(w);
  }
  for (size_t i = 3; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0) {
      return args[i];
    }
  }
  return "";
}

class DeployScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = ::aicr::testing::TestTempDir() + "/" + info->test_suite_name() + "." + info->name();
    fs::remove_all(root_);
    fakes_ = std::make_unique<FakeCommands>(root_ + "/sandbox");
    fakes_->LinkStandardUtilities();
    fakes_->Fake("helm");
    fakes_->Fake("kubectl");
    fakes_->Fake("sleep");
    fakes_->Rule("helm", "version*", 0, "v4.1.4\\n");
    bundle_ = root_ + "/bundle";
  }

  // The DRA gate observable and passed: one managed node, the wait succeeds, the
  // plugin DaemonSet exists.
  void DraGatePasses() {
    fakes_->Rule("kubectl", "*get nodes -l nvidia.com/gpu.deploy.driver=true*", 0,
                 "node/gpu-node-1\\n");
    fakes_->Rule("kubectl", "*get daemonsets -n nvidia-dra-driver*", 0,
                 "daemonset.apps/nvidia-dra-driver-gpu-controller\\n"
                 "daemonset.apps/nvidia-dra-driver-gpu-kubelet-plugin\\n");
  }

  void FailRelease(const std::string& release, int times) {
    fakes_->Rule("helm", "upgrade --install --force-conflicts " + release + " *", 1,
                 "Error: UPGRADE FAILED: " + release + "\\n", times);
  }

  ProcessResult Deploy(const std::vector<std::string>& flags = {},
                       std::map<std::string, std::string> env = {}) {
    ProcessOptions options;
    options.env_set = std::move(env);
    options.env_set["PATH"] = fakes_->bin_dir();
    for (const char* name : {"KUBE_CONTEXT", "KUBECONFIG", "KUBECONFIG_FLAG", "DRY_RUN_FLAG",
                             "HELM_DEBUG_FLAG", "COMPONENT_WAIT_ARGS", "NO_COLOR"}) {
      if (options.env_set.count(name) == 0) {
        options.env_unset.push_back(name);
      }
    }
    std::vector<std::string> argv = {fakes_->bin_dir() + "/bash", bundle_ + "/deploy.sh"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return RunProcess(argv, options);
  }

  std::vector<std::string> Upgrades() const { return fakes_->Calls("helm upgrade"); }

  std::vector<std::string> UpgradedReleases() const {
    std::vector<std::string> out;
    for (const std::string& call : Upgrades()) {
      out.push_back(ReleaseOf(call));
    }
    return out;
  }

  std::string UpgradeOf(const std::string& release) const {
    for (const std::string& call : Upgrades()) {
      if (ReleaseOf(call) == release) {
        return call;
      }
    }
    return "";
  }

  std::string root_;
  std::string bundle_;
  std::unique_ptr<FakeCommands> fakes_;
};

// ---------------------------------------------------------------------------
// Static shape.

TEST(DeployScriptRenderTest, DeterministicWithPlanData) {
  const std::string s = RenderDeployScript(FullPlan());
  EXPECT_EQ(s, RenderDeployScript(FullPlan()));
  EXPECT_THAT(s, StartsWith("#!/usr/bin/env bash\n"));
  EXPECT_THAT(s, HasSubstr("\nBUNDLE_NAMESPACES=('cert-manager' 'gpu-operator' 'kai-scheduler' "
                           "'nvidia-dra-driver' 'skyhook')\n"));
  EXPECT_THAT(s, HasSubstr("\nORPHAN_CRD_GROUPS=('nvidia.com' 'nfd.k8s-sigs.io' 'kai.scheduler' "
                           "'scheduling.run.ai')\n"));
  EXPECT_THAT(s, HasSubstr("HELM_TIMEOUT=\"10m\"\n"));
  EXPECT_THAT(s, HasSubstr("READINESS_HELM_TIMEOUT='1h35m0s'\n"));
  EXPECT_THAT(s, HasSubstr("ASYNC_COMPONENTS=\"kai-scheduler\"\n"));
  EXPECT_THAT(s, HasSubstr("DRIVER_OPERATOR_MANAGED=true\n"));
  EXPECT_THAT(s, HasSubstr("'nvidia-dra-driver-gpu') dra_post_install 'nvidia-dra-driver-gpu' "
                           "'nvidia-dra-driver' ;;"));
  EXPECT_THAT(s, HasSubstr("export DRY_RUN_FLAG=\"${DRY_RUN_FLAG:-}\"\n"));
  EXPECT_THAT(s, HasSubstr("export HELM_DEBUG_FLAG=\"${HELM_DEBUG_FLAG:-}\"\n"));
  EXPECT_THAT(s, HasSubstr("trap 'echo \"Interrupted.\" >&2; exit 130' INT\n"));
  EXPECT_THAT(s, Not(HasSubstr("remove_stale_nodewright_taints")));
}

TEST(DeployScriptRenderTest, OptionalBlocksOnlyWhenTheirComponentsArePresent) {
  layout::Plan plan;
  plan.components.push_back(Component("cert-manager", "cert-manager", "https://c", "c", "1"));
  AddFolder(&plan, "cert-manager", layout::FolderRole::kPrimary, layout::FolderKind::kUpstreamHelm);
  const std::string s = RenderDeployScript(plan);
  EXPECT_THAT(s, Not(HasSubstr("ORPHAN_CRD_GROUPS")));
  EXPECT_THAT(s, Not(HasSubstr("dra_post_install")));
  EXPECT_THAT(s, Not(HasSubstr("NODEWRIGHT")));
}

TEST(DeployScriptRenderTest, HostManagedDriver) {
  layout::Plan plan = FullPlan();
  for (auto& c : plan.components) {
    if (c.name == "gpu-operator") {
      serialize::Value driver = serialize::Value::EmptyMapping();
      driver.Set("enabled", false);
      c.values.Set("driver", driver);
    }
  }
  EXPECT_THAT(RenderDeployScript(plan), HasSubstr("DRIVER_OPERATOR_MANAGED=false\n"));
}

layout::Plan NodewrightPlan() {
  layout::Plan plan;
  plan.components.push_back(Component("nodewright-operator", "skyhook",
                                      "oci://ghcr.io/nvidia/nodewright/charts", "nodewright",
                                      "v0.19.0"));
  AddFolder(&plan, "nodewright-operator", layout::FolderRole::kPrimary,
            layout::FolderKind::kUpstreamHelm);
  return plan;
}

std::vector<std::pair<std::string, std::string>> LintCases() {
  layout::Plan nasty = FullPlan();
  nasty.components[0].namespace_ = "it's $(x)";
  nasty.components[4].namespace_ = "`dra`";
  layout::Plan nasty_nodewright = NodewrightPlan();
  nasty_nodewright.components[0].namespace_ = "${ns}";
  layout::Plan ocp = FullPlan();
  ocp.components[4].name = "nvidia-dra-driver-gpu-ocp";
  return {{"full", RenderDeployScript(FullPlan())},
          {"empty", RenderDeployScript(layout::Plan())},
          {"nodewright", RenderDeployScript(NodewrightPlan())},
          {"nasty", RenderDeployScript(nasty)},
          {"nasty-nodewright", RenderDeployScript(nasty_nodewright)},
          {"ocp", RenderDeployScript(ocp)}};
}

TEST(DeployScriptRenderTest, BashParses) {
  for (const auto& [name, text] : LintCases()) {
    const std::string path = ::aicr::testing::WriteTempFile("deploy-" + name + ".sh", text);
    const ProcessResult r = RunProcess({"bash", "-n", path});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
}

TEST(DeployScriptRenderTest, ShellcheckClean) {
  REQUIRE_PROGRAM("shellcheck");
  for (const auto& [name, text] : LintCases()) {
    const std::string path = ::aicr::testing::WriteTempFile("deploy-" + name + ".sh", text);
    const ProcessResult r = RunProcess({"shellcheck", "--shell=bash", path});
    EXPECT_EQ(r.exit_code, 0) << name << ":\n" << r.out << r.err;
  }
}

TEST(GenerateHelmTest, AddsDeployScriptAndReadme) {
  layout::FileTree tree;
  ASSERT_TRUE(tree.Add("undeploy.sh", "stale", layout::kModeExecutable).ok());
  ASSERT_TRUE(GenerateHelm(FullPlan(), &tree).ok());
  const layout::File* deploy = tree.Find("deploy.sh");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->mode, layout::kModeExecutable);
  EXPECT_EQ(deploy->bytes, RenderDeployScript(FullPlan()));
  const layout::File* readme = tree.Find("README.md");
  ASSERT_NE(readme, nullptr);
  EXPECT_EQ(readme->mode, layout::kModePrivate);
  EXPECT_THAT(readme->bytes, StartsWith("# AI Cluster Runtime Deployment (Helm)"));
  EXPECT_EQ(tree.Find("undeploy.sh"), nullptr);
}

TEST(GenerateHelmTest, RefusesToOverwrite) {
  layout::FileTree tree;
  ASSERT_TRUE(tree.Add("README.md", "x", layout::kModePrivate).ok());
  const Status s = GenerateHelm(FullPlan(), &tree);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("\"README.md\" is already in the bundle"));
  EXPECT_EQ(tree.Find("deploy.sh"), nullptr);
  EXPECT_FALSE(GenerateHelm(FullPlan(), nullptr).ok());
}

// ---------------------------------------------------------------------------
// Behaviour: deploy.sh runs for real over a laid-out bundle with fake tools.

TEST_F(DeployScriptTest, InstallsEveryFolderInOrderWithProgress) {
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(UpgradedReleases(), kFullOrder);
  for (size_t i = 0; i < kFullOrder.size(); ++i) {
    EXPECT_THAT(r.out, HasSubstr("[" + std::to_string(i + 1) + "/8] " + kFullOrder[i] + " "));
  }
  EXPECT_THAT(r.out, HasSubstr("[3/8] gpu-operator (namespace gpu-operator)"));
  EXPECT_THAT(r.out, HasSubstr("[4/8] gpu-operator-post (namespace gpu-operator)"));
  EXPECT_THAT(r.out, HasSubstr("Installed 8 of 8 folder(s)."));
  EXPECT_THAT(r.out, HasSubstr("NOTE: this reports helm results only"));
  EXPECT_THAT(fakes_->Calls("sleep"), IsEmpty());
  EXPECT_THAT(r.out, Not(HasSubstr("\033[")));  // not a terminal: no colour
}

TEST_F(DeployScriptTest, WaitArgumentsPerFolder) {
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  ASSERT_EQ(Deploy().exit_code, 0);
  EXPECT_THAT(UpgradeOf("cert-manager"),
              EndsWith("-f values.yaml -f cluster-values.yaml --wait --timeout 10m"));
  EXPECT_THAT(UpgradeOf("gpu-operator-pre"), EndsWith(" --wait --timeout 10m"));
  EXPECT_THAT(UpgradeOf("kai-scheduler"),
              EndsWith("-f values.yaml -f cluster-values.yaml --timeout 20m"));
  EXPECT_THAT(UpgradeOf("nvidia-dra-driver-gpu-readiness"), EndsWith(" --wait --timeout 1h35m0s"));
  EXPECT_THAT(UpgradeOf("cert-manager"),
              StartsWith("helm upgrade --install --force-conflicts cert-manager cert-manager "
                         "--repo https://charts.jetstack.io --version v1.17.2 --namespace "
                         "cert-manager --create-namespace"));
}

TEST_F(DeployScriptTest, NoWaitDropsWaitButNotForReadiness) {
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  ASSERT_EQ(Deploy({"--no-wait"}).exit_code, 0);
  EXPECT_THAT(UpgradeOf("cert-manager"),
              EndsWith("-f values.yaml -f cluster-values.yaml --timeout 10m"));
  EXPECT_THAT(UpgradeOf("gpu-operator-post"), Not(HasSubstr("--wait")));
  EXPECT_THAT(UpgradeOf("kai-scheduler"), EndsWith("cluster-values.yaml --timeout 20m"));
  EXPECT_THAT(UpgradeOf("nvidia-dra-driver-gpu-readiness"), EndsWith(" --wait --timeout 1h35m0s"));
}

TEST_F(DeployScriptTest, RetriesWithQuadraticBackoff) {
  DraGatePasses();
  FailRelease("gpu-operator", 2);
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> expected = kFullOrder;
  expected.insert(expected.begin() + 2, {"gpu-operator", "gpu-operator"});
  EXPECT_EQ(UpgradedReleases(), expected);
  EXPECT_THAT(fakes_->Calls("sleep"), ElementsAre("sleep 5", "sleep 20"));
  EXPECT_THAT(r.err, HasSubstr("gpu-operator: attempt 1/6 failed; retrying in 5s"));
  EXPECT_THAT(r.err, HasSubstr("gpu-operator: attempt 2/6 failed; retrying in 20s"));
}

TEST_F(DeployScriptTest, ExhaustedRetriesStopTheDeploy) {
  FailRelease("gpu-operator", 0);
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy({"--retries", "2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(UpgradedReleases(), ElementsAre("cert-manager", "gpu-operator-pre", "gpu-operator",
                                              "gpu-operator", "gpu-operator"));
  EXPECT_THAT(fakes_->Calls("sleep"), ElementsAre("sleep 5", "sleep 20"));
  EXPECT_THAT(r.err, HasSubstr("gpu-operator failed after 3 attempt(s)"));
}

TEST_F(DeployScriptTest, BackoffIsCappedAt120Seconds) {
  FailRelease("cert-manager", 0);
  WriteBundle(FullPlan(), bundle_);
  EXPECT_EQ(Deploy({"--retries", "6"}).exit_code, 1);
  EXPECT_THAT(fakes_->Calls("sleep"),
              ElementsAre("sleep 5", "sleep 20", "sleep 45", "sleep 80", "sleep 120", "sleep 120"));
  EXPECT_THAT(Upgrades(), SizeIs(7));
}

TEST_F(DeployScriptTest, ZeroRetriesFailsFast) {
  FailRelease("cert-manager", 0);
  WriteBundle(FullPlan(), bundle_);
  EXPECT_EQ(Deploy({"--retries", "0"}).exit_code, 1);
  EXPECT_THAT(Upgrades(), SizeIs(1));
  EXPECT_THAT(fakes_->Calls("sleep"), IsEmpty());
}

TEST_F(DeployScriptTest, AsyncAndReadinessFoldersRetryOnceAtMost) {
  FailRelease("kai-scheduler", 0);
  FailRelease("nvidia-dra-driver-gpu-readiness", 0);
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy({"--best-effort"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> expected = kFullOrder;
  expected.insert(expected.begin() + 5, "kai-scheduler");
  expected.push_back("nvidia-dra-driver-gpu-readiness");
  EXPECT_EQ(UpgradedReleases(), expected);
  EXPECT_THAT(fakes_->Calls("sleep"), ElementsAre("sleep 5", "sleep 5"));
  EXPECT_THAT(r.err, HasSubstr("kai-scheduler: attempt 1/2 failed"));
}

TEST_F(DeployScriptTest, BestEffortContinuesAndSummarises) {
  DraGatePasses();
  FailRelease("gpu-operator", 0);
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy({"--best-effort", "--retries", "0"});
  // As upstream: --best-effort records failures in the summary; the status stays 0.
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(UpgradedReleases(), kFullOrder);
  EXPECT_THAT(r.err, HasSubstr("continuing past gpu-operator (--best-effort)"));
  EXPECT_THAT(r.err, HasSubstr("failed and skipped (--best-effort): gpu-operator"));
  EXPECT_THAT(r.out, HasSubstr("Installed 7 of 8 folder(s)."));
}

TEST_F(DeployScriptTest, UsageErrors) {
  WriteBundle(FullPlan(), bundle_);
  for (const std::vector<std::string>& flags :
       std::vector<std::vector<std::string>>{{"--bogus"},
                                             {"--retries"},
                                             {"--retries", "-1"},
                                             {"--retries", "abc"},
                                             {"--no-wait", "extra"}}) {
    const ProcessResult r = Deploy(flags);
    EXPECT_EQ(r.exit_code, 1) << flags[0];
    EXPECT_THAT(r.err, HasSubstr("Usage: ./deploy.sh [--no-wait] [--best-effort] [--retries N]"));
  }
  EXPECT_THAT(Deploy({"--bogus"}).err, HasSubstr("unknown option: --bogus"));
  EXPECT_THAT(fakes_->Calls(), IsEmpty());
  EXPECT_EQ(Deploy({"--help"}).exit_code, 0);
}

TEST_F(DeployScriptTest, MissingHelmIsAnError) {
  fs::remove(fakes_->bin_dir() + "/helm");
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("helm is required"));
}

TEST_F(DeployScriptTest, DraGateNotObservableExitsTwo) {
  // The GPU operator manages the driver (its default), but nothing is visible yet.
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(UpgradedReleases(), kFullOrder);  // the readiness folder still installs
  EXPECT_THAT(fakes_->Calls("kubectl rollout"), IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("DRA kubelet plugin restart withheld for: nvidia-dra-driver-gpu"));
}

TEST_F(DeployScriptTest, DraGatePassedRestartsThePlugin) {
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  ASSERT_EQ(Deploy().exit_code, 0);
  EXPECT_THAT(fakes_->Calls("kubectl wait"),
              ElementsAre("kubectl wait --for=jsonpath={.metadata.labels.nvidia\\.com/"
                          "gpu-driver-upgrade-state}=upgrade-done nodes -l "
                          "nvidia.com/gpu.deploy.driver=true --timeout=15m"));
  EXPECT_THAT(fakes_->Calls("kubectl rollout"),
              ElementsAre("kubectl rollout restart "
                          "daemonset.apps/nvidia-dra-driver-gpu-kubelet-plugin -n "
                          "nvidia-dra-driver",
                          "kubectl rollout status "
                          "daemonset.apps/nvidia-dra-driver-gpu-kubelet-plugin -n "
                          "nvidia-dra-driver --timeout=120s"));
}

TEST_F(DeployScriptTest, DraMigrationTimeoutExitsTwo) {
  DraGatePasses();
  fakes_->Rule("kubectl", "wait *", 1, "error: timed out waiting for the condition\\n");
  WriteBundle(FullPlan(), bundle_);
  EXPECT_EQ(Deploy().exit_code, 2);
  EXPECT_THAT(fakes_->Calls("kubectl rollout"), IsEmpty());
}

TEST_F(DeployScriptTest, DraDriverDaemonSetWithoutLabelsExitsTwo) {
  fakes_->Rule("kubectl", "get daemonsets --all-namespaces*", 0,
               "gpu-operator   nvidia-driver-daemonset   1 1 1 1 1 <none> 1d\\n");
  WriteBundle(FullPlan(), bundle_);
  EXPECT_EQ(Deploy().exit_code, 2);
}

TEST_F(DeployScriptTest, HostManagedDriverRestartsWithoutWaiting) {
  layout::Plan plan = FullPlan();
  serialize::Value driver = serialize::Value::EmptyMapping();
  driver.Set("enabled", false);
  plan.components[1].values.Set("driver", driver);
  fakes_->Rule("kubectl", "get daemonsets -n nvidia-dra-driver*", 0,
               "daemonset.apps/nvidia-dra-driver-gpu-kubelet-plugin\\n");
  WriteBundle(plan, bundle_);
  ASSERT_EQ(Deploy().exit_code, 0);
  EXPECT_THAT(fakes_->Calls("kubectl wait"), IsEmpty());
  EXPECT_THAT(fakes_->Calls("kubectl rollout restart"), SizeIs(1));
}

TEST_F(DeployScriptTest, TerminatingNamespaceFailsPreflight) {
  fakes_->Rule("kubectl", "get namespace gpu-operator -o jsonpath*", 0, "Terminating");
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("namespace gpu-operator is still terminating"));
  EXPECT_THAT(r.err, HasSubstr("pre-flight checks failed"));
  EXPECT_THAT(Upgrades(), IsEmpty());
}

constexpr char kWebhooks[] =
    R"({"items":[{"metadata":{"name":"gpu-operator-admission"},"webhooks":[{"clientConfig":)"
    R"({"service":{"namespace":"gpu-operator","name":"gpu-operator-webhook"}}}]},)"
    R"({"metadata":{"name":"other"},"webhooks":[{"clientConfig":{"service":)"
    R"({"namespace":"elsewhere","name":"gone"}}}]}]})";

TEST_F(DeployScriptTest, WebhookWithMissingServiceFailsPreflight) {
  if (!fakes_->Link("jq")) {
    REQUIRE_PROGRAM("jq");
  }
  fakes_->Rule("kubectl", "get validatingwebhookconfigurations -o json", 0, kWebhooks);
  fakes_->Rule("kubectl", "get service gpu-operator-webhook -n gpu-operator", 1,
               "Error from server (NotFound): services gpu-operator-webhook not found\\n");
  fakes_->Rule("kubectl", "get service gone -n elsewhere", 1, "Error from server (NotFound)\\n");
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("validatingwebhookconfigurations gpu-operator-admission points at "
                               "the missing Service gpu-operator/gpu-operator-webhook"));
  EXPECT_THAT(r.err, Not(HasSubstr("elsewhere")));  // not a bundle namespace
  EXPECT_THAT(fakes_->Calls("kubectl get service gone"), IsEmpty());
  EXPECT_THAT(Upgrades(), IsEmpty());
}

TEST_F(DeployScriptTest, WebhookWithTransientErrorIsNoEvidence) {
  if (!fakes_->Link("jq")) {
    REQUIRE_PROGRAM("jq");
  }
  DraGatePasses();
  fakes_->Rule("kubectl", "get mutatingwebhookconfigurations -o json", 0, kWebhooks);
  fakes_->Rule("kubectl", "get service gpu-operator-webhook *", 1, "connection refused\\n");
  WriteBundle(FullPlan(), bundle_);
  EXPECT_EQ(Deploy().exit_code, 0);
}

TEST_F(DeployScriptTest, UnavailableApiServiceOnlyWarns) {
  if (!fakes_->Link("jq")) {
    REQUIRE_PROGRAM("jq");
  }
  DraGatePasses();
  fakes_->Rule("kubectl", "get apiservices -o json", 0,
               R"({"items":[{"metadata":{"name":"v1beta1.custom.metrics.k8s.io"},"status":)"
               R"({"conditions":[{"type":"Available","status":"False"}]}},{"metadata":)"
               R"({"name":"v1.apps"},"status":{"conditions":[{"type":"Available",)"
               R"("status":"True"}]}}]})");
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("APIService v1beta1.custom.metrics.k8s.io is unavailable"));
  EXPECT_THAT(r.err, Not(HasSubstr("APIService v1.apps")));
}

TEST_F(DeployScriptTest, WithoutJqWebhookChecksAreSkipped) {
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("jq not found"));
}

TEST_F(DeployScriptTest, OrphanedCrdGroupsWarn) {
  DraGatePasses();
  fakes_->Rule("kubectl", "get crd -o name", 0,
               "customresourcedefinition.apiextensions.k8s.io/queues.scheduling.run.ai\\n"
               "customresourcedefinition.apiextensions.k8s.io/widgets.example.com\\n");
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("CRDs of group scheduling.run.ai already exist "
                               "(customresourcedefinition.apiextensions.k8s.io/"
                               "queues.scheduling.run.ai)"));
  EXPECT_THAT(r.err, Not(HasSubstr("widgets.example.com")));
}

TEST_F(DeployScriptTest, StaleHookJobsDeletedBetweenAttempts) {
  DraGatePasses();
  FailRelease("gpu-operator", 1);
  fakes_->Rule("kubectl", "get jobs -n gpu-operator --field-selector=status.successful=0 *", 0,
               "gpu-operator-upgrade-crd\\nplain-job\\n");
  fakes_->Rule("kubectl", "get job gpu-operator-upgrade-crd -n gpu-operator -o jsonpath*", 0,
               "pre-upgrade");
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(fakes_->Calls("kubectl describe job"),
              ElementsAre("kubectl describe job gpu-operator-upgrade-crd -n gpu-operator"));
  EXPECT_THAT(fakes_->Calls("kubectl delete"),
              ElementsAre("kubectl delete job gpu-operator-upgrade-crd -n gpu-operator "
                          "--ignore-not-found"));
}

TEST_F(DeployScriptTest, ConnectionReachesHelmAndKubectl) {
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy({}, {{"KUBE_CONTEXT", "prod"}, {"KUBECONFIG", "/tmp/kc"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(UpgradeOf("cert-manager"), HasSubstr(" --kube-context prod"));
  EXPECT_THAT(fakes_->Calls("kubectl"),
              Contains(StartsWith("kubectl --context prod get namespace")));
  EXPECT_THAT(fakes_->Calls("kubectl"), Not(Contains(Not(StartsWith("kubectl --context prod ")))));
  EXPECT_THAT(r.out, HasSubstr("KUBECONFIG=/tmp/kc KUBE_CONTEXT=prod bash install.sh"));
}

TEST_F(DeployScriptTest, DeprecatedKubeconfigFlagIsTranslatedOnce) {
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r = Deploy({}, {{"KUBECONFIG_FLAG", "--kube-context=dev"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(UpgradeOf("cert-manager"),
              EndsWith("--wait --timeout 10m --kube-context dev"));  // once, not twice
  EXPECT_THAT(fakes_->Calls("kubectl"), Contains(StartsWith("kubectl --context dev ")));

  const ProcessResult bad = Deploy({}, {{"KUBECONFIG_FLAG", "--kube-token=secret"}});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, Not(HasSubstr("secret")));
}

TEST_F(DeployScriptTest, DryRunReachesHelmAndSkipsClusterChanges) {
  DraGatePasses();
  WriteBundle(FullPlan(), bundle_);
  const ProcessResult r =
      Deploy({}, {{"DRY_RUN_FLAG", "--dry-run=server"}, {"HELM_DEBUG_FLAG", "--debug"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& call : Upgrades()) {
    EXPECT_THAT(call, AllOf(HasSubstr(" --dry-run=server"), EndsWith(" --debug")));
  }
  EXPECT_THAT(fakes_->Calls("kubectl rollout"), IsEmpty());
}

TEST_F(DeployScriptTest, EmptyBundle) {
  WriteBundle(layout::Plan(), bundle_);
  const ProcessResult r = Deploy();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Installed 0 of 0 folder(s)."));
}

TEST_F(DeployScriptTest, StaleNodewrightTaintsRemovedWithoutOperator) {
  WriteBundle(NodewrightPlan(), bundle_);
  WriteFile(bundle_ + "/001-nodewright-operator/values.yaml",
            "controllerManager:\n  manager:\n    env:\n"
            "      runtimeRequiredTaint: \"gpu.example.com/tuned=true:NoSchedule\"\n");
  fakes_->Rule("kubectl", "get nodes -o jsonpath*", 0,
               "n1 nodewright.nvidia.com other.io/x \\nn2 gpu.example.com/tuned \\nn3 \\n");
  ProcessResult r = Deploy();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(fakes_->Calls("kubectl taint"),
              ElementsAre("kubectl taint nodes n2 gpu.example.com/tuned-",
                          "kubectl taint nodes n1 nodewright.nvidia.com-"));

  // A running operator owns its taints.
  fakes_->ResetCalls();
  fakes_->Rule("kubectl", "get deployments -n skyhook *", 0,
               "nodewright-operator-controller-manager 1\\n", 1);
  fakes_->Rule("kubectl", "get nodes -o jsonpath*", 0, "n1 nodewright.nvidia.com \\n");
  ASSERT_EQ(Deploy().exit_code, 0);
  EXPECT_THAT(fakes_->Calls("kubectl taint"), IsEmpty());

  // A failed read is no evidence of absence.
  fakes_->ResetCalls();
  fakes_->ClearRules();
  fakes_->Rule("helm", "version*", 0, "v4.1.4\\n");
  fakes_->Rule("kubectl", "get deployments -n skyhook *", 1, "forbidden\\n");
  fakes_->Rule("kubectl", "get nodes -o jsonpath*", 0, "n1 nodewright.nvidia.com \\n");
  r = Deploy();
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_THAT(fakes_->Calls("kubectl taint"), IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("stale nodewright taint cleanup skipped"));
}

TEST_F(DeployScriptTest, InterruptExits130) {
  fakes_->Rule("helm", "upgrade --install --force-conflicts gpu-operator-pre *", 0, "BLOCK");
  WriteBundle(FullPlan(), bundle_);
  const std::string out_path = root_ + "/interrupt.out";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setpgid(0, 0);
    setenv("PATH", fakes_->bin_dir().c_str(), 1);
    const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    const std::string bash = fakes_->bin_dir() + "/bash";
    const std::string script = bundle_ + "/deploy.sh";
    execl(bash.c_str(), bash.c_str(), script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(fakes_->state_dir() + "/blocked") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(fs::exists(fakes_->state_dir() + "/blocked"));
  kill(-pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::ifstream in(out_path);
  const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(out, HasSubstr("Interrupted."));
  EXPECT_THAT(UpgradedReleases(), ElementsAre("cert-manager", "gpu-operator-pre"));
}

}  // namespace
}  // namespace aicr::deployer::helm
