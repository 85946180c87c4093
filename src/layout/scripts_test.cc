#include "layout/scripts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/subprocess.h"
#include "tests/testing/fake_commands.h"

namespace aicr::layout {
namespace {

using ::aicr::testing::FakeCommands;
using ::aicr::testing::ProcessOptions;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// Strings that break naive quoting.
const std::vector<std::string>& NastyStrings() {
  static const std::vector<std::string> kStrings = {
      "",       "plain",       "with space", "it's",       "''",   "'",
      "$HOME",  "${PATH}",     "`id`",       "$(id)",      "a\nb", "tab\there",
      "\\",     "\"dq\"",      "*",          "~",          "-n",   "x; rm -rf /",
      "!event", "semi;colon|", "a'b\"c$d`e", "trailing\\", "\n",   "#comment"};
  return kStrings;
}

// What bash makes of `word` as one argument.
std::string BashEval(const std::string& word) {
  const ProcessResult r = RunProcess({"bash", "-c", "printf '%s' " + word});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(ShellQuoteTest, WrapsInSingleQuotes) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("abc"), "'abc'");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("'"), "''\\'''");
  EXPECT_EQ(ShellQuote("$x `y`"), "'$x `y`'");
  EXPECT_EQ(ShellQuote("a\nb"), "'a\nb'");
}

TEST(ShellQuoteTest, BashReadsBackTheSameBytes) {
  for (const std::string& s : NastyStrings()) {
    EXPECT_EQ(BashEval(ShellQuote(s)), s) << ShellQuote(s);
  }
}

TEST(ShellWordTest, BareOnlyWhenNothingExpands) {
  EXPECT_EQ(ShellWord("gpu-operator"), "gpu-operator");
  EXPECT_EQ(ShellWord("k8s.io/x:1_2=3@4%5+6,7"), "k8s.io/x:1_2=3@4%5+6,7");
  EXPECT_EQ(ShellWord(""), "''");
  EXPECT_EQ(ShellWord("a b"), "'a b'");
  EXPECT_EQ(ShellWord("~root"), "'~root'");
  EXPECT_EQ(ShellWord("$x"), "'$x'");
  EXPECT_EQ(ShellWord("*"), "'*'");
  for (const std::string& s : NastyStrings()) {
    EXPECT_EQ(BashEval(ShellWord(s)), s) << ShellWord(s);
  }
}

TEST(ShellAssignTest, DirectiveOnlyForExpansionLookalikes) {
  EXPECT_EQ(ShellAssign("A", "x"), "A='x'\n");
  EXPECT_EQ(ShellAssign("A", "^x$"), "A='^x$'\n");
  EXPECT_EQ(ShellAssign("A", "$ 5"), "A='$ 5'\n");
  EXPECT_EQ(ShellAssign("A", "$(x)"), "# shellcheck disable=SC2016\nA='$(x)'\n");
  EXPECT_EQ(ShellAssign("A", "`x`"), "# shellcheck disable=SC2016\nA='`x`'\n");
  for (const char* s : {"$HOME", "${x}", "$1", "$@", "$$", "$_"}) {
    EXPECT_TRUE(LooksLikeShellExpansion(s)) << s;
  }
  for (const char* s : {"", "a$", "100$ ", "$'", "$.", "plain"}) {
    EXPECT_FALSE(LooksLikeShellExpansion(s)) << s;
  }
}

TEST(RegexpQuoteTest, EscapesMetacharacters) {
  EXPECT_EQ(RegexpQuote("cert-manager"), "cert-manager");
  EXPECT_EQ(RegexpQuote("a.b+c"), "a\\.b\\+c");
  EXPECT_EQ(RegexpQuote("^(x|y)[0-9]{2}*?$\\"), "\\^\\(x\\|y\\)\\[0-9\\]\\{2\\}\\*\\?\\$\\\\");
}

TEST(UpstreamEnvTest, HttpRepository) {
  EXPECT_EQ(RenderUpstreamEnv("https://charts.jetstack.io", "cert-manager", "v1.17.2"),
            "CHART='cert-manager'\nREPO='https://charts.jetstack.io'\nVERSION='v1.17.2'\n");
}

TEST(UpstreamEnvTest, OciRepositoryFoldsIntoChart) {
  EXPECT_EQ(RenderUpstreamEnv("oci://ghcr.io/nvidia/charts", "k8s-aibom", "1.0.0"),
            "CHART='oci://ghcr.io/nvidia/charts/k8s-aibom'\nREPO=''\nVERSION='1.0.0'\n");
  EXPECT_EQ(RenderUpstreamEnv("oci://ghcr.io/nvidia/", "x", "1"),
            "CHART='oci://ghcr.io/nvidia/x'\nREPO=''\nVERSION='1'\n");
}

TEST(UpstreamEnvTest, SourcingGivesBackEveryValue) {
  for (const std::string& s : NastyStrings()) {
    const std::string env = RenderUpstreamEnv("https://r/" + s, "c" + s, "v" + s);
    const ProcessResult r = RunProcess(
        {"bash", "-c",
         "set -eu; source /dev/stdin; printf '%s|%s|%s' \"$CHART\" \"$REPO\" \"$VERSION\""},
        {.stdin_data = env});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "c" + s + "|https://r/" + s + "|v" + s) << env;
  }
}

InstallScript Upstream(bool apply_crds = false) {
  InstallScript s;
  s.release = "cert-manager";
  s.namespace_ = "cert-manager";
  s.upstream = true;
  s.apply_crds = apply_crds;
  return s;
}

InstallScript Local(bool create_namespace = true) {
  InstallScript s;
  s.release = "gpu-operator-post";
  s.namespace_ = "gpu-operator";
  s.upstream = false;
  s.create_namespace = create_namespace;
  return s;
}

ApplyCrdsScript Crds(const std::string& repository = "https://charts.example.com") {
  ApplyCrdsScript s;
  s.release = "k8s-aibom";
  s.namespace_ = "k8s-aibom-system";
  s.repository = repository;
  s.chart = "k8s-aibom";
  s.version = "v1.2.3";
  return s;
}

TEST(InstallScriptTest, UpstreamShape) {
  const std::string s = RenderInstallScript(Upstream());
  EXPECT_THAT(s, StartsWith("#!/usr/bin/env bash\n"));
  EXPECT_THAT(s, HasSubstr("set -euo pipefail\n"));
  EXPECT_THAT(s, HasSubstr("source ./upstream.env\n"));
  EXPECT_THAT(s, HasSubstr("HELM_MAJOR=\"$(helm version --template '{{.Version}}'"));
  EXPECT_THAT(s, HasSubstr("if [[ \"${HELM_MAJOR:-0}\" -ge 4 ]]; then\n"
                           "  FORCE_CONFLICTS_FLAG=\"--force-conflicts\"\n"));
  EXPECT_THAT(s, HasSubstr("helm upgrade --install ${FORCE_CONFLICTS_FLAG} cert-manager "
                           "\"${CHART}\" \\\n"
                           "  ${REPO:+--repo \"${REPO}\"} --version \"${VERSION}\" \\\n"
                           "  --namespace cert-manager --create-namespace \\\n"
                           "  -f values.yaml -f cluster-values.yaml \\\n"
                           "  ${COMPONENT_WAIT_ARGS:-} ${DRY_RUN_FLAG:-} "
                           "${KUBE_CONTEXT:+--kube-context \"${KUBE_CONTEXT}\"} \\\n"
                           "  ${KUBECONFIG_FLAG:-} ${HELM_DEBUG_FLAG:-}\n"));
  EXPECT_THAT(s, Not(HasSubstr("apply-crds")));
}

TEST(InstallScriptTest, LocalShape) {
  const std::string s = RenderInstallScript(Local());
  EXPECT_THAT(s, Not(HasSubstr("upstream.env")));
  EXPECT_THAT(s, HasSubstr("helm upgrade --install ${FORCE_CONFLICTS_FLAG} gpu-operator-post ./ "
                           "\\\n  --namespace gpu-operator --create-namespace \\\n"));
  EXPECT_THAT(RenderInstallScript(Local(/*create_namespace=*/false)),
              HasSubstr("  --namespace gpu-operator \\\n"));
  EXPECT_THAT(RenderInstallScript(Local(false)), Not(HasSubstr("--create-namespace")));
}

TEST(InstallScriptTest, ApplyCrdsGuardedByDryRun) {
  const std::string s = RenderInstallScript(Upstream(/*apply_crds=*/true));
  const std::string guard = "if [[ -z \"${DRY_RUN_FLAG:-}\" ]]; then\n  bash ./apply-crds.sh\nfi\n";
  ASSERT_THAT(s, HasSubstr(guard));
  EXPECT_LT(s.find(guard), s.find("helm upgrade --install"));
}

TEST(InstallScriptTest, NastyNamesAreQuoted) {
  InstallScript spec = Upstream();
  spec.release = "x'; touch /tmp/pwned; '";
  spec.namespace_ = "$(id)";
  const std::string s = RenderInstallScript(spec);
  EXPECT_THAT(s, HasSubstr(ShellQuote(spec.release)));
  EXPECT_THAT(s, HasSubstr("--namespace '$(id)'"));
}

TEST(InstallScriptTest, Deterministic) {
  EXPECT_EQ(RenderInstallScript(Upstream(true)), RenderInstallScript(Upstream(true)));
  EXPECT_EQ(RenderApplyCrdsScript(Crds()), RenderApplyCrdsScript(Crds()));
}

TEST(ApplyCrdsScriptTest, BindsQuotedLiteralsOnce) {
  ApplyCrdsScript spec = Crds();
  spec.release = "re.l'ease";
  const std::string s = RenderApplyCrdsScript(spec);
  EXPECT_THAT(s, HasSubstr("\nRELEASE='re.l'\\''ease'\nNAMESPACE='k8s-aibom-system'\n"
                           "RELEASE_FILTER='^re\\.l'\\''ease$'\nCHART='k8s-aibom'\n"
                           "REPO='https://charts.example.com'\nVERSION='v1.2.3'\n"));
  // The literal never appears bare anywhere else.
  EXPECT_EQ(s.find("re.l'"), s.rfind("re.l'"));
  EXPECT_THAT(RenderApplyCrdsScript(Crds("oci://ghcr.io/o")),
              HasSubstr("CHART='oci://ghcr.io/o/k8s-aibom'\nREPO=''\n"));
}

// ---------------------------------------------------------------------------
// Static checks: every variant parses and is shellcheck-clean.

std::vector<std::pair<std::string, std::string>> AllVariants() {
  ApplyCrdsScript nasty = Crds("oci://r/$(x)");
  nasty.release = "a'b";
  nasty.namespace_ = "`ns`";
  InstallScript nasty_install = Upstream(true);
  nasty_install.release = "a b'c";
  InstallScript expanding_install = Local();
  expanding_install.namespace_ = "$(id)";
  return {
      {"install-upstream.sh", RenderInstallScript(Upstream())},
      {"install-upstream-crds.sh", RenderInstallScript(Upstream(true))},
      {"install-local.sh", RenderInstallScript(Local())},
      {"install-local-nons.sh", RenderInstallScript(Local(false))},
      {"install-nasty.sh", RenderInstallScript(nasty_install)},
      {"install-expanding.sh", RenderInstallScript(expanding_install)},
      {"apply-crds.sh", RenderApplyCrdsScript(Crds())},
      {"apply-crds-oci.sh", RenderApplyCrdsScript(Crds("oci://ghcr.io/o"))},
      {"apply-crds-nasty.sh", RenderApplyCrdsScript(nasty)},
      {"connection.sh", "#!/usr/bin/env bash\n" + RenderKubeConnectionBlock()},
  };
}

TEST(ScriptLintTest, BashParsesEveryVariant) {
  for (const auto& [name, text] : AllVariants()) {
    const std::string path = ::aicr::testing::WriteTempFile("lint-" + name, text);
    const ProcessResult r = RunProcess({"bash", "-n", path});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
}

TEST(ScriptLintTest, ShellcheckCleanEveryVariant) {
  REQUIRE_PROGRAM("shellcheck");
  for (const auto& [name, text] : AllVariants()) {
    const std::string path = ::aicr::testing::WriteTempFile("lint-" + name, text);
    const ProcessResult r = RunProcess({"shellcheck", "--shell=bash", path});
    EXPECT_EQ(r.exit_code, 0) << name << ":\n" << r.out << r.err;
  }
}

// ---------------------------------------------------------------------------
// Behaviour: the scripts run for real against fake helm/kubectl/timeout.

class ScriptRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = ::aicr::testing::TestTempDir() + "/" + info->test_suite_name() + "." + info->name();
    std::filesystem::remove_all(root_);
    fakes_ = std::make_unique<FakeCommands>(root_ + "/sandbox");
    fakes_->LinkStandardUtilities();
    fakes_->Fake("helm");
    fakes_->Fake("kubectl");
    fakes_->FakePassthrough("timeout");
    folder_ = root_ + "/001-component";
    std::filesystem::create_directories(folder_);
  }

  void HelmVersion(const std::string& version) {
    fakes_->Rule("helm", "version*", 0, version + "\\n");
  }

  void Write(const std::string& name, const std::string& text) {
    const std::string path = folder_ + "/" + name;
    std::ofstream(path, std::ios::trunc) << text;
    chmod(path.c_str(), 0755);
  }

  ProcessResult Run(const std::string& script, std::map<std::string, std::string> env = {}) {
    ProcessOptions options;
    options.env_set = std::move(env);
    options.env_set["PATH"] = fakes_->bin_dir();
    for (const char* name : {"KUBE_CONTEXT", "KUBECONFIG", "KUBECONFIG_FLAG", "DRY_RUN_FLAG",
                             "HELM_DEBUG_FLAG", "COMPONENT_WAIT_ARGS", "AICR_CRD_STEP_TIMEOUT"}) {
      if (options.env_set.count(name) == 0) {
        options.env_unset.push_back(name);
      }
    }
    return RunProcess({fakes_->bin_dir() + "/bash", folder_ + "/" + script}, options);
  }

  std::string root_;
  std::string folder_;
  std::unique_ptr<FakeCommands> fakes_;
};

constexpr char kUpgradeCertManager[] =
    "helm upgrade --install --force-conflicts cert-manager cert-manager --repo "
    "https://charts.jetstack.io --version v1.17.2 --namespace cert-manager --create-namespace "
    "-f values.yaml -f cluster-values.yaml";

TEST_F(ScriptRunTest, UpstreamInstallOnHelm4) {
  HelmVersion("v4.1.4");
  Write("upstream.env", RenderUpstreamEnv("https://charts.jetstack.io", "cert-manager", "v1.17.2"));
  Write("install.sh", RenderInstallScript(Upstream()));
  const ProcessResult r = Run("install.sh");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(fakes_->Calls(), ElementsAre("helm version --template {{.Version}}",
                                           std::string(kUpgradeCertManager)));
}

TEST_F(ScriptRunTest, UpstreamInstallOnHelm3OmitsForceConflicts) {
  HelmVersion("v3.16.2");
  Write("upstream.env", RenderUpstreamEnv("https://charts.jetstack.io", "cert-manager", "v1.17.2"));
  Write("install.sh", RenderInstallScript(Upstream()));
  ASSERT_EQ(Run("install.sh").exit_code, 0);
  EXPECT_THAT(fakes_->Calls("helm upgrade"),
              ElementsAre("helm upgrade --install cert-manager cert-manager --repo "
                          "https://charts.jetstack.io --version v1.17.2 --namespace cert-manager "
                          "--create-namespace -f values.yaml -f cluster-values.yaml"));
}

TEST_F(ScriptRunTest, BrokenHelmVersionOmitsForceConflicts) {
  fakes_->Rule("helm", "version*", 1, "boom");
  Write("upstream.env", RenderUpstreamEnv("https://charts.jetstack.io", "cert-manager", "v1.17.2"));
  Write("install.sh", RenderInstallScript(Upstream()));
  ASSERT_EQ(Run("install.sh").exit_code, 0);
  EXPECT_THAT(fakes_->Calls("helm upgrade")[0], Not(HasSubstr("--force-conflicts")));
}

TEST_F(ScriptRunTest, CallerFlagsAppendedInOrder) {
  HelmVersion("v4.0.0");
  Write("upstream.env", RenderUpstreamEnv("https://charts.jetstack.io", "cert-manager", "v1.17.2"));
  Write("install.sh", RenderInstallScript(Upstream()));
  const ProcessResult r = Run("install.sh", {{"COMPONENT_WAIT_ARGS", "--wait --timeout 10m"},
                                             {"DRY_RUN_FLAG", "--dry-run=server"},
                                             {"KUBE_CONTEXT", "prod ctx"},
                                             {"KUBECONFIG_FLAG", "--kubeconfig /k"},
                                             {"HELM_DEBUG_FLAG", "--debug"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(fakes_->Calls("helm upgrade"),
              ElementsAre(std::string(kUpgradeCertManager) +
                          " --wait --timeout 10m --dry-run=server --kube-context prod ctx "
                          "--kubeconfig /k --debug"));
}

TEST_F(ScriptRunTest, OciChartHasNoRepoFlag) {
  HelmVersion("v4.0.0");
  Write("upstream.env", RenderUpstreamEnv("oci://ghcr.io/nvidia", "k8s-aibom", "1.0.0"));
  Write("install.sh", RenderInstallScript(Upstream()));
  ASSERT_EQ(Run("install.sh").exit_code, 0);
  EXPECT_THAT(fakes_->Calls("helm upgrade"),
              ElementsAre("helm upgrade --install --force-conflicts cert-manager "
                          "oci://ghcr.io/nvidia/k8s-aibom --version 1.0.0 --namespace "
                          "cert-manager --create-namespace -f values.yaml -f cluster-values.yaml"));
}

TEST_F(ScriptRunTest, LocalInstallWithAndWithoutCreateNamespace) {
  HelmVersion("v4.0.0");
  Write("install.sh", RenderInstallScript(Local()));
  ASSERT_EQ(Run("install.sh").exit_code, 0);
  Write("install.sh", RenderInstallScript(Local(/*create_namespace=*/false)));
  ASSERT_EQ(Run("install.sh").exit_code, 0);
  EXPECT_THAT(fakes_->Calls("helm upgrade"),
              ElementsAre("helm upgrade --install --force-conflicts gpu-operator-post ./ "
                          "--namespace gpu-operator --create-namespace -f values.yaml -f "
                          "cluster-values.yaml",
                          "helm upgrade --install --force-conflicts gpu-operator-post ./ "
                          "--namespace gpu-operator -f values.yaml -f cluster-values.yaml"));
}

TEST_F(ScriptRunTest, NastyReleaseReachesHelmAsOneArgument) {
  HelmVersion("v3.0.0");
  InstallScript spec = Local();
  spec.release = "a b'$(touch pwned)";
  Write("install.sh", RenderInstallScript(spec));
  ASSERT_EQ(Run("install.sh").exit_code, 0);
  EXPECT_THAT(fakes_->Calls("helm upgrade"),
              ElementsAre("helm upgrade --install a b'$(touch pwned) ./ --namespace gpu-operator "
                          "--create-namespace -f values.yaml -f cluster-values.yaml"));
  EXPECT_FALSE(std::filesystem::exists(folder_ + "/pwned"));
}

TEST_F(ScriptRunTest, HelmFailureFailsInstall) {
  HelmVersion("v4.0.0");
  fakes_->Rule("helm", "upgrade*", 1, "Error: boom\\n");
  Write("install.sh", RenderInstallScript(Local()));
  EXPECT_EQ(Run("install.sh").exit_code, 1);
}

TEST_F(ScriptRunTest, InstallRunsApplyCrdsFirstUnlessDryRun) {
  HelmVersion("v4.0.0");
  Write("upstream.env", RenderUpstreamEnv("https://charts.jetstack.io", "cert-manager", "v1.17.2"));
  Write("install.sh", RenderInstallScript(Upstream(/*apply_crds=*/true)));
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  ProcessResult r = Run("install.sh");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> calls = fakes_->Calls();
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls[1],
            "timeout 90 helm list --namespace k8s-aibom-system --filter ^k8s-aibom$ "
            "--short --deployed --failed --pending");
  EXPECT_THAT(calls.back(), StartsWith("helm upgrade --install"));

  fakes_->ResetCalls();
  r = Run("install.sh", {{"DRY_RUN_FLAG", "--dry-run"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(fakes_->Calls("timeout"), IsEmpty());
  EXPECT_THAT(fakes_->Calls("helm upgrade"), ElementsAre(HasSubstr("--dry-run")));
}

TEST_F(ScriptRunTest, InstallStopsWhenApplyCrdsFails) {
  HelmVersion("v4.0.0");
  fakes_->Rule("helm", "list*", 1, "Error: Kubernetes cluster unreachable\\n");
  Write("upstream.env", RenderUpstreamEnv("https://charts.jetstack.io", "cert-manager", "v1.17.2"));
  Write("install.sh", RenderInstallScript(Upstream(/*apply_crds=*/true)));
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  EXPECT_EQ(Run("install.sh").exit_code, 1);
  EXPECT_THAT(fakes_->Calls("helm upgrade"), IsEmpty());
}

constexpr char kCrdStream[] =
    "Pulled: ghcr.io/x/k8s-aibom:1.2.3\\nDigest: sha256:abc\\n---\\n# Source: crds/a.yaml\\n"
    "apiVersion: apiextensions.k8s.io/v1\\nkind: CustomResourceDefinition\\n---\\n"
    "kind: CustomResourceDefinition\\n";

TEST_F(ScriptRunTest, ApplyCrdsNoReleaseIsNoop) {
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  const ProcessResult r = Run("apply-crds.sh");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("no existing release"));
  EXPECT_THAT(fakes_->Calls(),
              ElementsAre("timeout 90 helm list --namespace k8s-aibom-system --filter "
                          "^k8s-aibom$ --short --deployed --failed --pending",
                          "helm list --namespace k8s-aibom-system --filter ^k8s-aibom$ --short "
                          "--deployed --failed --pending"));
}

TEST_F(ScriptRunTest, ApplyCrdsIndeterminateReleaseFails) {
  fakes_->Rule("helm", "list*", 1, "Error: unauthorized\\n");
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  const ProcessResult r = Run("apply-crds.sh");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot tell whether release k8s-aibom exists"));
  EXPECT_THAT(fakes_->Calls("helm show"), IsEmpty());
  EXPECT_THAT(fakes_->Calls("kubectl"), IsEmpty());
}

TEST_F(ScriptRunTest, ApplyCrdsUpgradeAppliesServerSide) {
  fakes_->Rule("helm", "list*", 0, "k8s-aibom\\n");
  fakes_->Rule("helm", "show crds*", 0, kCrdStream);
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  const ProcessResult r = Run("apply-crds.sh", {{"AICR_CRD_STEP_TIMEOUT", "7"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(fakes_->Calls("timeout"),
              ElementsAre(StartsWith("timeout 7 helm list "),
                          "timeout 7 helm show crds k8s-aibom --repo https://charts.example.com "
                          "--version v1.2.3",
                          "timeout 7 kubectl apply --server-side --force-conflicts -f -"));
  EXPECT_EQ(fakes_->State("kubectl.stdin"),
            "---\n# Source: crds/a.yaml\napiVersion: apiextensions.k8s.io/v1\n"
            "kind: CustomResourceDefinition\n---\nkind: CustomResourceDefinition\n");
}

TEST_F(ScriptRunTest, ApplyCrdsOciChart) {
  fakes_->Rule("helm", "list*", 0, "k8s-aibom\\n");
  fakes_->Rule("helm", "show crds*", 0, kCrdStream);
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds("oci://ghcr.io/x")));
  ASSERT_EQ(Run("apply-crds.sh").exit_code, 0);
  EXPECT_THAT(fakes_->Calls("helm show"),
              ElementsAre("helm show crds oci://ghcr.io/x/k8s-aibom --version v1.2.3"));
}

TEST_F(ScriptRunTest, ApplyCrdsEmptyStreamIsNoop) {
  fakes_->Rule("helm", "list*", 0, "k8s-aibom\\n");
  fakes_->Rule("helm", "show crds*", 0, "Pulled: x\\nDigest: y\\n");
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  const ProcessResult r = Run("apply-crds.sh");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ships no CRDs"));
  EXPECT_THAT(fakes_->Calls("kubectl"), IsEmpty());
}

TEST_F(ScriptRunTest, ApplyCrdsShowFailureFails) {
  fakes_->Rule("helm", "list*", 0, "k8s-aibom\\n");
  fakes_->Rule("helm", "show crds*", 1, "");
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  EXPECT_EQ(Run("apply-crds.sh").exit_code, 1);
  EXPECT_THAT(fakes_->Calls("kubectl"), IsEmpty());
}

TEST_F(ScriptRunTest, ApplyCrdsKubectlFailureFails) {
  fakes_->Rule("helm", "list*", 0, "k8s-aibom\\n");
  fakes_->Rule("helm", "show crds*", 0, kCrdStream);
  fakes_->Rule("kubectl", "apply*", 1, "");
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  EXPECT_EQ(Run("apply-crds.sh").exit_code, 1);
}

TEST_F(ScriptRunTest, ApplyCrdsNeedsATimeoutBinary) {
  std::filesystem::remove(fakes_->bin_dir() + "/timeout");
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  ProcessResult r = Run("apply-crds.sh");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("neither timeout nor gtimeout"));
  EXPECT_THAT(fakes_->Calls("helm"), IsEmpty());

  fakes_->FakePassthrough("gtimeout");
  r = Run("apply-crds.sh");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(fakes_->Calls("gtimeout"), ElementsAre(StartsWith("gtimeout 90 helm list")));
}

TEST_F(ScriptRunTest, ApplyCrdsNeedsKubectl) {
  std::filesystem::remove(fakes_->bin_dir() + "/kubectl");
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  const ProcessResult r = Run("apply-crds.sh");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("kubectl is required"));
}

TEST_F(ScriptRunTest, ApplyCrdsContextReachesBothTools) {
  fakes_->Rule("helm", "list*", 0, "k8s-aibom\\n");
  fakes_->Rule("helm", "show crds*", 0, kCrdStream);
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  ASSERT_EQ(Run("apply-crds.sh", {{"KUBE_CONTEXT", "prod"}}).exit_code, 0);
  EXPECT_THAT(fakes_->Calls("helm list"), ElementsAre(HasSubstr(" --kube-context prod")));
  EXPECT_THAT(fakes_->Calls("kubectl"),
              ElementsAre("kubectl apply --server-side --force-conflicts --context prod -f -"));
}

TEST_F(ScriptRunTest, DeprecatedKubeconfigFlagIsTranslated) {
  fakes_->Rule("helm", "list*", 0, "k8s-aibom\\n");
  fakes_->Rule("helm", "show crds*", 0, kCrdStream);
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  const ProcessResult r =
      Run("apply-crds.sh", {{"KUBECONFIG_FLAG", "--kube-context=dev --kubeconfig /tmp/kc"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("KUBECONFIG_FLAG is deprecated"));
  EXPECT_THAT(fakes_->Calls("kubectl"),
              ElementsAre("kubectl apply --server-side --force-conflicts --context dev -f -"));
}

TEST_F(ScriptRunTest, DeprecatedKubeconfigFlagRejectsOtherOptions) {
  Write("apply-crds.sh", RenderApplyCrdsScript(Crds()));
  ProcessResult r = Run("apply-crds.sh", {{"KUBECONFIG_FLAG", "--kube-token=s3cret"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--kube-token"));
  EXPECT_THAT(r.err, Not(HasSubstr("s3cret")));
  EXPECT_THAT(fakes_->Calls("timeout"), IsEmpty());

  r = Run("apply-crds.sh", {{"KUBECONFIG_FLAG", "--kube-context"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no value"));

  r = Run("apply-crds.sh", {{"KUBECONFIG_FLAG", "--kube-context a"}, {"KUBE_CONTEXT", "b"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("different contexts"));
}

}  // namespace
}  // namespace aicr::layout
