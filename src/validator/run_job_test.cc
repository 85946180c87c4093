// The objects of a validator run: goldens of tests/golden/validator/jobs (byte
// for byte; AICR_UPDATE_GOLDEN=1 rewrites them), each checked with the
// independent Kubernetes schema validator, and result extraction from a pod.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/k8s_validate.h"
#include "tests/testing/status_matchers.h"
#include "validator/run.h"

namespace aicr::validator {
namespace {

namespace fs = std::filesystem;
using serialize::Value;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRunId[] = "20260101-000000-0123456789abcdef";

bool UpdateGolden() {
  const char* v = std::getenv("AICR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

fs::path GoldenDir() {
  return fs::path(AICR_SOURCE_DIR) / "tests" / "golden" / "validator" / "jobs";
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ValidatorEntry OperatorHealth() {
  ValidatorEntry e;
  e.name = "operator-health";
  e.phase = Phase::kDeployment;
  e.image = "ghcr.io/nvidia/aicr-validators/deployment:latest";
  e.timeout = std::chrono::minutes(2);
  e.args = {"operator-health"};
  return e;
}

ValidatorEntry Nccl() {
  ValidatorEntry e;
  e.name = "nccl-all-reduce-bw";
  e.phase = Phase::kPerformance;
  e.image = "registry.example/aicr-validators/performance:v0.13.0";
  e.timeout = std::chrono::minutes(30);
  e.args = {"nccl-all-reduce-bw"};
  e.env = {{"NCCL_MIN_BYTES", "1K"}, {"NCCL_MAX_BYTES", "16G"}};
  e.resources = {"500m", "2Gi"};
  e.resources_set = true;
  DependencyAffinity needs;
  needs.component_ref = "kubeflow-trainer";
  needs.pod_label_selector = {{"app.kubernetes.io/name", "trainer"}};
  needs.requirement = AffinityRequirement::kRequired;
  DependencyAffinity near;
  near.component_ref = "gpu-operator";
  near.pod_label_selector = {{"app", "gpu-operator"}};
  e.dependency_affinity = {needs, near};
  return e;
}

RunConfig Custom() {
  RunConfig c;
  c.ns = "gpu-validation";
  c.image_pull_secrets = {"regcred", "mirror-cred"};
  c.job_annotations = {{"sidecar.istio.io/inject", "false"}};
  c.tolerations = std::vector<snapshotter::Toleration>{
      snapshotter::ParseToleration("dedicated=gpu:NoSchedule").value(),
      snapshotter::ParseToleration("nvidia.com/gpu:NoExecute").value()};
  c.workload_node_selector = {{"pool", "h100"}, {"kubernetes.io/os", "linux"}};
  c.workload_tolerations = {snapshotter::ParseToleration("nvidia.com/gpu:NoSchedule").value(),
                            snapshotter::ParseToleration("dedicated=gpu:NoExecute").value()};
  c.component_namespaces = {{"gpu-operator", "gpu-operator"}, {"kubeflow-trainer", "kubeflow"}};
  return c;
}

struct Case {
  std::string file;
  Value object;
};

std::vector<Case> Cases() {
  const RunConfig defaults;
  std::vector<Case> out;
  out.push_back(
      {"default-job.yaml", RenderValidatorJob(OperatorHealth(), defaults, kRunId, "0a1b2c3d")});
  out.push_back({"custom-job.yaml", RenderValidatorJob(Nccl(), Custom(), kRunId, "deadbeef")});
  const std::vector<Value> rbac = RenderValidatorRbac(defaults, kRunId);
  out.push_back({"serviceaccount.yaml", rbac.at(0)});
  out.push_back({"clusterrolebinding.yaml", rbac.at(1)});
  return out;
}

TEST(ValidatorJobGoldenTest, ObjectsMatchGoldenFiles) {
  std::set<std::string> expected;
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.file);
    const std::string text = serialize::WriteYaml(c.object);
    const fs::path path = GoldenDir() / c.file;
    expected.insert(c.file);
    if (UpdateGolden()) {
      fs::create_directories(GoldenDir());
      std::ofstream(path, std::ios::binary) << text;
      continue;
    }
    ASSERT_TRUE(fs::exists(path)) << path << " missing; run with AICR_UPDATE_GOLDEN=1";
    EXPECT_EQ(ReadFile(path), text)
        << "golden " << c.file << " differs; review and rerun with AICR_UPDATE_GOLDEN=1";
  }
  for (const auto& entry : fs::directory_iterator(GoldenDir())) {
    EXPECT_EQ(expected.count(entry.path().filename().string()), 1u)
        << "stale golden " << entry.path();
  }
}

TEST(ValidatorJobGoldenTest, GoldenFilesAreValidKubernetesObjects) {
  REQUIRE_K8S_VALIDATOR();
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(GoldenDir())) {
    paths.push_back(entry.path().string());
  }
  ASSERT_EQ(paths.size(), 4u);
  const auto v = ::aicr::testing::ValidateK8sFiles(paths, /*strict=*/true);
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

TEST(ValidatorJobGoldenTest, ValidatorRejectsABrokenJob) {
  REQUIRE_K8S_VALIDATOR();
  Value job = RenderValidatorJob(OperatorHealth(), RunConfig(), kRunId, "0a1b2c3d");
  job.Find("spec")->Set("ttlSecondsAfterFinished", "an hour");
  const auto v = ::aicr::testing::ValidateK8sYaml(serialize::WriteYaml(job), true);
  EXPECT_NE(v.exit_code, 0) << v.output;
}

TEST(ValidatorJobTest, JobFollowsTheContract) {
  const Value job = RenderValidatorJob(OperatorHealth(), RunConfig(), kRunId, "0a1b2c3d");
  EXPECT_EQ(*job.FindPath("metadata.name")->if_string(), "aicr-operator-health-0a1b2c3d");
  const Value* labels = job.FindPath("metadata.labels");
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(*labels->Find("aicr.run/run-id")->if_string(), kRunId);
  EXPECT_EQ(*labels->Find("aicr.run/phase")->if_string(), "deployment");
  EXPECT_EQ(*labels->Find("aicr.run/job-type")->if_string(), "validation");
  EXPECT_EQ(*job.FindPath("spec.activeDeadlineSeconds")->if_int(), 120);
  EXPECT_EQ(*job.FindPath("spec.backoffLimit")->if_int(), 0);
  EXPECT_EQ(*job.FindPath("spec.ttlSecondsAfterFinished")->if_int(), 3600);
  const Value* pod = job.FindPath("spec.template.spec");
  EXPECT_EQ(*pod->Find("restartPolicy")->if_string(), "Never");
  EXPECT_EQ(*pod->Find("terminationGracePeriodSeconds")->if_int(), 30);
  EXPECT_EQ(*pod->Find("serviceAccountName")->if_string(),
            "aicr-validator-20260101-000000-0123456789abcdef");
  // Tolerate everything by default; no AICR_NODE_SELECTOR/AICR_TOLERATIONS.
  EXPECT_EQ(serialize::WriteYaml(*pod->Find("tolerations")), "- operator: Exists\n");
  const std::string text = serialize::WriteYaml(job);
  EXPECT_THAT(text, Not(HasSubstr("AICR_NODE_SELECTOR")));
  EXPECT_THAT(text, Not(HasSubstr("AICR_TOLERATIONS")));
  EXPECT_THAT(text, HasSubstr("imagePullPolicy: Always"));
  // A pinned image is not pulled every time.
  ValidatorEntry pinned = OperatorHealth();
  pinned.image = "ghcr.io/nvidia/aicr-validators/deployment:v1.2.3";
  EXPECT_THAT(serialize::WriteYaml(RenderValidatorJob(pinned, RunConfig(), kRunId, "0a1b2c3d")),
              HasSubstr("imagePullPolicy: IfNotPresent"));
}

TEST(ValidatorJobTest, WorkloadSchedulingIsPassedAsEnvironment) {
  const std::string text =
      serialize::WriteYaml(RenderValidatorJob(Nccl(), Custom(), kRunId, "deadbeef"));
  EXPECT_THAT(text, HasSubstr("- name: AICR_NODE_SELECTOR\n"
                              "              value: kubernetes.io/os=linux,pool=h100\n"));
  EXPECT_THAT(text, HasSubstr("- name: AICR_TOLERATIONS\n"
                              "              value: nvidia.com/gpu:NoSchedule,dedicated=gpu:"
                              "NoExecute\n"));
  RunConfig all;
  all.workload_tolerations = {snapshotter::Toleration{"", "Exists", "", ""}};
  const Value job = RenderValidatorJob(Nccl(), all, kRunId, "deadbeef");
  std::string tolerations;
  for (const Value& e : *job.FindPath("spec.template.spec.containers")
                             ->if_sequence()
                             ->at(0)
                             .Find("env")
                             ->if_sequence()) {
    if (*e.Find("name")->if_string() == "AICR_TOLERATIONS") {
      tolerations = *e.Find("value")->if_string();
    }
  }
  EXPECT_EQ(tolerations, "*");
}

TEST(DependencyAffinityTest, RequiredDependencyOnAMissingComponentIsRefused) {
  const std::vector<PhasePlan> plan = {{Phase::kPerformance, {Nccl()}}};
  std::vector<std::string> warnings;
  // Both present: nothing to say.
  EXPECT_THAT(CheckDependencyAffinities(plan, Custom().component_namespaces, &warnings), IsOk());
  EXPECT_THAT(warnings, ::testing::IsEmpty());
  // The preferred one missing: a warning, the run goes on.
  EXPECT_THAT(CheckDependencyAffinities(plan, {{"kubeflow-trainer", "kubeflow"}}, &warnings),
              IsOk());
  EXPECT_THAT(warnings, ::testing::ElementsAre(
                            "validator \"nccl-all-reduce-bw\": component \"gpu-operator\" is not "
                            "an enabled component of the recipe; running without its preferred "
                            "dependency affinity"));
  // The required one missing: refused, naming the validator and the component.
  EXPECT_THAT(CheckDependencyAffinities(plan, {{"gpu-operator", "gpu-operator"}}, nullptr),
              StatusIs(ErrorCode::kInvalidRequest,
                       "required dependency affinity cannot be met: validator "
                       "\"nccl-all-reduce-bw\": component \"kubeflow-trainer\" is not an enabled "
                       "component of the recipe"));
}

TEST(DependencyAffinityTest, TermsUseTheComponentNamespaceAndDropAbsentOnes) {
  RunConfig config = Custom();
  config.component_namespaces.erase("gpu-operator");
  const Value job = RenderValidatorJob(Nccl(), config, kRunId, "deadbeef");
  const std::string yaml = serialize::WriteYaml(job);
  EXPECT_THAT(yaml, HasSubstr("namespaces:\n                - kubeflow\n"));
  EXPECT_THAT(yaml,
              Not(HasSubstr("preferredDuringSchedulingIgnoredDuringExecution:\n              - "
                            "podAffinityTerm")));
  EXPECT_THAT(yaml, Not(HasSubstr("app: gpu-operator")));
}

ctrf::Report BigReport() {
  ctrf::Report report;
  report.timestamp = "2026-01-01T00:00:00Z";
  report.tool.name = "aicr";
  for (int i = 0; i < 4; ++i) {
    ctrf::TestResult t;
    t.name = "check-" + std::to_string(i);
    t.status = ctrf::TestStatus::kFailed;
    t.message = std::string(3000, 'm');
    t.stdout_lines.assign(200, std::string(500, 'x'));
    report.tests.push_back(t);
  }
  report.summary = ctrf::Summarize(report.tests, 0, 1);
  return report;
}

TEST(PhaseReportForConfigMapTest, AReportThatFitsIsStoredWhole) {
  const ctrf::Report report = BigReport();
  std::string trimmed = "unset";
  const std::string json = PhaseReportForConfigMap(report, std::size_t{1} << 20, &trimmed);
  EXPECT_EQ(json, ctrf::WriteReportJson(report));
  EXPECT_EQ(trimmed, "");
}

TEST(PhaseReportForConfigMapTest, TrimsStepByStepUntilItFits) {
  const ctrf::Report report = BigReport();  // ~400 KB of stdout
  std::string trimmed;
  // Without stdout the report fits 100 KB: messages stay whole.
  std::string json = PhaseReportForConfigMap(report, 100 * 1024, &trimmed);
  EXPECT_EQ(trimmed, "stdout");
  EXPECT_LE(json.size(), 100u * 1024);
  Result<ctrf::Report> back = ctrf::ParseReportJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->tests.size(), 4u);
  EXPECT_TRUE(back->tests[0].stdout_lines.empty());
  EXPECT_EQ(back->tests[0].message, report.tests[0].message);
  EXPECT_EQ(back->summary, report.summary);

  // 6 KB: messages are cut too.
  json = PhaseReportForConfigMap(report, 6 * 1024, &trimmed);
  EXPECT_EQ(trimmed, "stdout, long messages");
  EXPECT_LE(json.size(), 6u * 1024);
  back = ctrf::ParseReportJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_THAT(back->tests[0].message, HasSubstr("... [truncated"));

  // 1 KB: only the summary is left.
  json = PhaseReportForConfigMap(report, 1024, &trimmed);
  EXPECT_EQ(trimmed, "stdout, long messages, tests");
  back = ctrf::ParseReportJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->tests.empty());
  EXPECT_EQ(back->summary.failed, 4);
}

TEST(ValidatorJobTest, NamesAreRunScoped) {
  EXPECT_EQ(SnapshotConfigMapName("r1"), "aicr-snapshot-r1");
  EXPECT_EQ(RecipeConfigMapName("r1"), "aicr-recipe-r1");
  EXPECT_EQ(CtrfConfigMapName("r1", Phase::kConformance), "aicr-ctrf-r1-conformance");
  EXPECT_EQ(ValidatorJobName("operator-health", "01234567"), "aicr-operator-health-01234567");
  EXPECT_EQ(ValidatorServiceAccountName(kRunId), "aicr-validator-20260101-000000-0123456789abcdef");
}

Value Pod(const std::string& state_yaml) {
  return serialize::ParseYaml(
             "status:\n  containerStatuses:\n  - name: sidecar\n    state: {terminated: "
             "{exitCode: 0}}\n  - name: validator\n    state:\n" +
             state_yaml)
      .value();
}

TEST(ExtractResultTest, TerminatedPass) {
  const Value pod =
      Pod("      terminated: {exitCode: 0, reason: Completed, startedAt: '2026-01-01T00:00:00Z', "
          "finishedAt: '2026-01-01T00:00:05Z'}\n");
  ctrf::ValidatorResult r =
      ResultFromPod(OperatorHealth(), &pod, "line one\n##AICR-EXTRA## {\"pods\":3}\nline two\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.name, "operator-health");
  EXPECT_EQ(r.phase, "deployment");
  EXPECT_EQ(r.duration, std::chrono::seconds(5));
  EXPECT_EQ(r.stdout_lines, (std::vector<std::string>{"line one", "line two"}));
  EXPECT_EQ(r.extra, (std::map<std::string, std::string>{{"pods", "3"}}));
  EXPECT_EQ(ctrf::ToTestResult(r).status, ctrf::TestStatus::kPassed);
}

TEST(ExtractResultTest, TerminatedFailAndSkip) {
  const Value fail =
      Pod("      terminated: {exitCode: 1, reason: Error, message: 'gpu-operator not ready'}\n");
  ctrf::ValidatorResult r = ResultFromPod(OperatorHealth(), &fail, "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.termination_message, "gpu-operator not ready");
  EXPECT_TRUE(r.stdout_lines.empty());
  const Value skip = Pod("      terminated: {exitCode: 2, message: 'no GPU nodes'}\n");
  EXPECT_EQ(ctrf::ToTestResult(ResultFromPod(OperatorHealth(), &skip, "")).status,
            ctrf::TestStatus::kSkipped);
}

TEST(ExtractResultTest, OOMKilled) {
  const Value pod = Pod("      terminated: {exitCode: 137, reason: OOMKilled, message: x}\n");
  ctrf::ValidatorResult r = ResultFromPod(OperatorHealth(), &pod, "");
  EXPECT_EQ(r.exit_code, 137);
  EXPECT_EQ(r.termination_message, "Container OOMKilled");
  EXPECT_EQ(ctrf::ToTestResult(r).status, ctrf::TestStatus::kOther);
}

TEST(ExtractResultTest, WaitingIgnoresLogs) {
  const Value pod =
      Pod("      waiting: {reason: ImagePullBackOff, message: 'Back-off pulling image'}\n");
  ctrf::ValidatorResult r = ResultFromPod(OperatorHealth(), &pod, "should not appear\n");
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_EQ(r.termination_message, "ImagePullBackOff: Back-off pulling image");
  EXPECT_TRUE(r.stdout_lines.empty());
}

TEST(ExtractResultTest, RunningNoStatusAndNoPod) {
  const Value running = Pod("      running: {startedAt: '2026-01-01T00:00:00Z'}\n");
  EXPECT_EQ(ResultFromPod(OperatorHealth(), &running, "").exit_code, -1);
  const Value bare = serialize::ParseYaml("status: {phase: Pending}\n").value();
  ctrf::ValidatorResult none = ResultFromPod(OperatorHealth(), &bare, "");
  EXPECT_EQ(none.exit_code, -1);
  EXPECT_THAT(none.termination_message, HasSubstr("validator"));
  ctrf::ValidatorResult missing = ResultFromPod(OperatorHealth(), nullptr, "");
  EXPECT_EQ(missing.exit_code, -1);
  EXPECT_EQ(ctrf::ToTestResult(missing).status, ctrf::TestStatus::kOther);
}

TEST(ExtractResultTest, LongTerminationMessageIsBounded) {
  const Value pod =
      Pod("      terminated: {exitCode: 1, message: '" + std::string(5000, 'e') + "'}\n");
  EXPECT_LE(ResultFromPod(OperatorHealth(), &pod, "").termination_message.size(), 4200u);
}

}  // namespace
}  // namespace aicr::validator
