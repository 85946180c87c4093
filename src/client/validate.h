#pragma once

/// \file
/// Facade: `aicr validate`. Reads a recipe and a snapshot (or captures one live),
/// runs the readiness gate (the recipe's `constraints` against the snapshot),
/// resolves every declared check of the selected phases against the validator
/// catalogue, then either reports every selected check as skipped (`--no-cluster`)
/// or runs the validator Jobs (validator::RunValidators), and merges the phase
/// reports into one CTRF report.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/cancel.h"
#include "base/clock.h"
#include "base/env.h"
#include "base/result.h"
#include "base/status.h"
#include "client/client.h"
#include "client/snapshot.h"
#include "k8s/client.h"
#include "serialize/value.h"
#include "validator/catalog.h"
#include "validator/ctrf.h"
#include "validator/run.h"

namespace aicr::client {

/// The `-t/--format` values of `aicr validate`.
inline constexpr std::string_view kValidateFormats[] = {"json", "markdown", "html"};

/// Runs the cluster phases; the default is validator::RunValidators. Tests inject
/// their own.
using ValidatorRunner = std::function<Result<std::vector<validator::PhaseOutcome>>(
    std::shared_ptr<const k8s::Client>, const validator::RunConfig&, const validator::RunInputs&,
    const validator::RunIo&)>;

/// Everything `aicr validate` asks for, flags and `--config` already merged.
struct ValidateRequest {
  std::string recipe;    ///< file, http(s) URL or cm://; required
  std::string snapshot;  ///< file, http(s) URL or cm://; "" = capture live
  std::string data_dir;  ///< `--data`
  /// Phases to run, in any order (run in deployment, performance, conformance
  /// order); empty = all.
  std::vector<validator::Phase> phases;
  bool fail_fast = false;
  /// Dry run: no cluster contact; every selected check is reported skipped.
  bool no_cluster = false;
  /// `--emit-attestation`: directory receiving the recipe evidence bundle
  /// (`summary-bundle/` and `pointer.yaml`); "" = none. Must not exist or be empty
  /// (checked before any work).
  std::string emit_attestation;
  /// `--full`: the evidence carries the raw snapshot and CTRF (no redaction).
  bool evidence_full = false;
  /// Validator Job settings (namespace, pull secrets, tolerations, skip checks,
  /// no_cleanup, fail_fast is taken from `fail_fast` above).
  validator::RunConfig run;
  /// The live capture (used when `snapshot` is empty): deploy mode is forced.
  SnapshotRequest live;
  std::string kubeconfig;  ///< `--kubeconfig`; "" = discover
  CancelToken cancel;
  std::ostream* progress = nullptr;  ///< one line per check; null = silent
  bool progress_is_tty = false;
  // Seams (tests).
  const Clock* clock = nullptr;  ///< null = Clock::Real()
  EnvLookup env;                 ///< null = ProcessEnv()
  ValidatorRunner runner;        ///< null = validator::RunValidators
  /// The cluster connection for the Jobs; null = resolved from `kubeconfig`.
  std::shared_ptr<const k8s::Client> cluster;
};

/// How one readiness constraint came out.
enum class ReadinessStatus { kPassed, kFailed, kSkipped };

/// `passed`, `failed` or `skipped`.
std::string_view ReadinessStatusName(ReadinessStatus status);

/// One readiness constraint's outcome (`{name, expected, actual, status, message}`).
struct ReadinessOutcome {
  std::string name;      ///< the constraint's measurement path
  std::string expected;  ///< the constraint's expression
  std::string actual;    ///< the reading, when found
  ReadinessStatus status = ReadinessStatus::kSkipped;
  /// Failed: `expected <X>, got <Y>`; skipped: why it could not be decided.
  std::string message;
};

/// Evaluates `constraints` against `snapshot`: passed; failed when the reading does
/// not satisfy the expression; skipped (with the reason) when the reading is absent
/// from the snapshot or the path or expression is malformed.
std::vector<ReadinessOutcome> EvaluateReadiness(const std::vector<recipe::Constraint>& constraints,
                                                const measurement::Snapshot& snapshot);

/// OK when no outcome failed; else INVALID_REQUEST `readiness check failed:` followed
/// by one line `<name>: expected <X>, got <Y>` per failed constraint.
Status ReadinessGate(const std::vector<ReadinessOutcome>& outcomes);

/// The outcome of a run.
struct ValidateResult {
  std::vector<ReadinessOutcome> readiness;
  /// The selected phases with the entries each runs, in run order.
  std::vector<validator::PhasePlan> plan;
  /// The merged CTRF report of every phase.
  validator::ctrf::Report report;
  std::string run_id;  ///< live capture / Jobs; "" in no-cluster mode
  /// Tests that are failed or other (they fail the run under `--fail-on-error`).
  std::size_t failing = 0;
  /// Each phase's own report, in run order.
  std::vector<std::pair<validator::Phase, validator::ctrf::Report>> phase_reports;
  /// The recipe's name and canonical digest (hex) when evidence was written.
  std::string evidence_recipe;
  std::string evidence_digest;
};

/// Runs `aicr validate` (see the file comment). Errors: INVALID_REQUEST for a
/// missing recipe, `--no-cluster` without `--snapshot`, a readiness failure
/// (ReadinessGate), a declared check that does not resolve, or a skip list
/// (`run.skip_checks`) naming a check the catalogue lacks or emptying a selected
/// phase (both checked before any cluster work), or a non-empty
/// `emit_attestation` directory (checked first); read and parse errors
/// of the inputs; the live capture's and RunValidators' errors (TIMEOUT, CANCELED,
/// UNAUTHORIZED, ...). Failing checks are not an error here: see `failing`.
Result<ValidateResult> Validate(const Client& client, const ValidateRequest& request);

/// The report in `format` (json = CTRF, markdown, html). INVALID_REQUEST for any
/// other format.
Result<std::string> RenderValidateReport(const validator::ctrf::Report& report,
                                         std::string_view format);

/// `spec.validate` of the `--config` file. Absent fields are empty / nullopt.
struct ValidateConfig {
  std::string input_recipe;                                         ///< input.recipe
  std::string input_snapshot;                                       ///< input.snapshot
  std::string ns;                                                   ///< agent.namespace
  std::string image;                                                ///< agent.image
  std::optional<std::vector<std::string>> image_pull_secrets;       ///< agent.imagePullSecrets
  std::string job_name;                                             ///< agent.jobName
  std::string service_account_name;                                 ///< agent.serviceAccountName
  std::optional<std::map<std::string, std::string>> node_selector;  ///< agent.nodeSelector
  std::optional<std::vector<std::string>> tolerations;              ///< agent.tolerations
  std::optional<bool> require_gpu;                                  ///< agent.requireGpu
  std::optional<std::vector<std::string>> phases;                   ///< execution.phases
  std::optional<std::vector<std::string>> skip_checks;              ///< execution.skipChecks
  std::optional<bool> fail_on_error;                                ///< execution.failOnError
  std::optional<bool> fail_fast;                                    ///< execution.failFast
  std::optional<bool> no_cluster;                                   ///< execution.noCluster
  std::optional<bool> no_cleanup;                                   ///< execution.noCleanup
  std::string timeout;                                              ///< execution.timeout
  std::string attestation_out;                                      ///< evidence.attestation.out
};

/// Decodes `spec.validate` (null = all absent). INVALID_REQUEST naming the spec
/// path for an unknown field or a wrong type, and for `evidence.cncf` or any
/// `evidence.attestation` field but `out` (not supported yet).
Result<ValidateConfig> DecodeValidateConfig(const serialize::Value& section);

/// Parses `--phase` values: deployment, performance, conformance or all (all, or
/// no value, selects every phase). Duplicates collapse; the result is in run order.
/// INVALID_REQUEST `invalid --phase "<v>", must be one of: ...`.
Result<std::vector<validator::Phase>> ParsePhases(const std::vector<std::string>& values);

}  // namespace aicr::client
