#pragma once

/// \file
/// Running validator Jobs against a cluster (the deployment, performance and
/// conformance phases of `aicr validate`).
///
/// Per run: namespace ensured; run-scoped ServiceAccount + RBAC; data ConfigMaps
/// `aicr-snapshot-<run-id>` (key snapshot.yaml) and `aicr-recipe-<run-id>` (key
/// recipe.yaml); then, phase by phase in the order given and entry by entry, one
/// Job `aicr-<validator>-<8 hex>` is applied, waited for by watch (timeout + 30 s),
/// its pod's result extracted (exit code, termination message, OOMKilled, waiting
/// states, stdout with `##AICR-EXTRA##` lines) and the Job deleted. Each phase's
/// CTRF report is stored in ConfigMap `aicr-ctrf-<run-id>-<phase>` (key
/// report.json). With fail-fast, once a phase fails every later phase is reported
/// as skipped (`skipped due to previous phase failure`). Everything the run created
/// is removed at the end (also on failure and cancellation) unless `no_cleanup`.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/result.h"
#include "k8s/client.h"
#include "serialize/value.h"
#include "snapshotter/agent.h"
#include "validator/catalog.h"
#include "validator/ctrf.h"

namespace aicr::validator {

/// How validator Jobs are deployed.
struct RunConfig {
  std::string ns = "aicr-validation";
  std::vector<std::string> image_pull_secrets;
  /// Validator pod tolerations; nullopt = tolerate everything.
  std::optional<std::vector<snapshotter::Toleration>> tolerations;
  /// Passed to checks as AICR_NODE_SELECTOR / AICR_TOLERATIONS for the workloads
  /// they create (NCCL pods, ...).
  std::map<std::string, std::string> workload_node_selector;
  std::vector<snapshotter::Toleration> workload_tolerations;
  bool no_cleanup = false;
  /// Annotations put on every validator Job and its pod template (e.g. opting the
  /// pods out of sidecar injection); empty = none.
  std::map<std::string, std::string> job_annotations;
  /// Stop after the first phase with a failing (failed or other) test.
  bool fail_fast = false;
  /// Check names reported as skipped without running.
  std::vector<std::string> skip_checks;
  /// `aicr` version for the CTRF tool entry.
  std::string version;
  /// The recipe's enabled components by name, mapped to their namespaces: where the
  /// pods of a dependency affinity live. A dependency on a component missing here
  /// gets no affinity term (CheckDependencyAffinities refuses the required ones first).
  std::map<std::string, std::string> component_namespaces;
};

/// The entries of one phase, in run order.
struct PhasePlan {
  Phase phase;
  std::vector<ValidatorEntry> entries;
};

struct RunInputs {
  std::string recipe_yaml;
  std::string snapshot_yaml;
  std::vector<PhasePlan> phases;
  /// Reuse a run id (e.g. the live snapshot's); "" = a new one.
  std::string run_id;
};

struct RunIo {
  std::ostream* progress = nullptr;  ///< one line per check; null = silent
  bool progress_is_tty = false;
  CancelToken cancel;
  const Clock* clock = nullptr;             ///< null = Clock::Real()
  std::function<std::string()> random_hex;  ///< null = random
};

/// One phase's report, in plan order.
struct PhaseOutcome {
  Phase phase;
  ctrf::Report report;
};

/// The message of a check named in RunConfig::skip_checks.
inline constexpr std::string_view kSkippedByRequest = "skipped via --skip-check";

/// The field manager of every server-side apply of a run.
inline constexpr std::string_view kFieldManager = "aicr";

/// How long past an entry's timeout its Job is waited for.
inline constexpr std::chrono::seconds kValidatorWaitBuffer{30};

/// TTL of a finished validator Job (seconds).
inline constexpr int kValidatorJobTtlSeconds = 3600;

/// Grace period of a validator pod (seconds).
inline constexpr int kValidatorTerminationGraceSeconds = 30;

/// The container name every validator image is run under (the result is read
/// from this container only).
inline constexpr std::string_view kValidatorContainerName = "validator";

/// Where the data ConfigMaps are mounted and the paths the container is given.
inline constexpr std::string_view kSnapshotMountPath = "/data/snapshot";
inline constexpr std::string_view kRecipeMountPath = "/data/recipe";
inline constexpr std::string_view kSnapshotKey = "snapshot.yaml";
inline constexpr std::string_view kRecipeKey = "recipe.yaml";
inline constexpr std::string_view kReportKey = "report.json";

/// `aicr-snapshot-<run_id>`: the run's snapshot ConfigMap.
std::string SnapshotConfigMapName(std::string_view run_id);
/// `aicr-recipe-<run_id>`: the run's recipe ConfigMap.
std::string RecipeConfigMapName(std::string_view run_id);
/// `aicr-ctrf-<run_id>-<phase>`: one phase's CTRF report.
std::string CtrfConfigMapName(std::string_view run_id, Phase phase);
/// `aicr-validator-<run_id>` (cut to 63 characters): the run's ServiceAccount and
/// ClusterRoleBinding (to `cluster-admin`).
std::string ValidatorServiceAccountName(std::string_view run_id);
/// `aicr-<validator>-<suffix>`.
std::string ValidatorJobName(std::string_view validator, std::string_view suffix);

/// The run's ServiceAccount and ClusterRoleBinding, in creation order (pure).
std::vector<serialize::Value> RenderValidatorRbac(const RunConfig& config, std::string_view run_id);

/// The result of `entry` from its Job's pod (nullptr: no pod was found) and the
/// `validator` container's logs. Terminated: exit code, termination message
/// (bounded; `Container OOMKilled` for an OOM kill), start to finish as duration,
/// stdout via ctrf::CaptureStdout. Waiting: -1 and `<reason>: <message>`, logs
/// ignored. Running, no status or no such container: -1 with a reason.
ctrf::ValidatorResult ResultFromPod(const ValidatorEntry& entry, const serialize::Value* pod,
                                    std::string_view logs);

/// Checks every entry's dependency affinities against `component_namespaces` (see
/// RunConfig) before anything touches a cluster. A `required` affinity to a
/// component the recipe lacks (or disables) makes the run impossible: the pod could
/// never be scheduled. INVALID_REQUEST naming every such validator and component.
/// A missing `preferred` one only adds a line to `warnings` (may be null).
Status CheckDependencyAffinities(const std::vector<PhasePlan>& plan,
                                 const std::map<std::string, std::string>& component_namespaces,
                                 std::vector<std::string>* warnings);

/// The phase report's JSON as stored in its ConfigMap: the whole report when it
/// fits `limit` bytes of data (with the `report.json` key), else the same report
/// trimmed step by step until it does: first every test's stdout dropped, then
/// messages cut to 1 KiB, then the tests themselves (summary only). `trimmed`
/// (may be null) gets what was dropped, "" when nothing was. The report written to
/// `--output` is never trimmed.
std::string PhaseReportForConfigMap(const ctrf::Report& report, std::size_t limit,
                                    std::string* trimmed);

/// Renders the Job for one entry (pure; golden-tested).
serialize::Value RenderValidatorJob(const ValidatorEntry& entry, const RunConfig& config,
                                    std::string_view run_id, std::string_view job_suffix);

/// Runs the plan. Errors (the run itself failing, not a check): UNAUTHORIZED /
/// transport errors from setup, CANCELED; a check that fails is a `failed` test in
/// its phase report, a Job that cannot be deployed an `other` test.
Result<std::vector<PhaseOutcome>> RunValidators(std::shared_ptr<const k8s::Client> client,
                                                const RunConfig& config, const RunInputs& inputs,
                                                const RunIo& io);

}  // namespace aicr::validator
