// RunValidators: the validator Jobs of `aicr validate`, phase by phase, with
// every object the run created removed at the end.

#include "validator/run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "k8s/configmap_store.h"
#include "k8s/resource.h"
#include "k8s/run_objects.h"
#include "k8s/watch.h"
#include "serialize/cm_uri.h"
#include "serialize/json_writer.h"
#include "snapshotter/agent_wait.h"

namespace aicr::validator {
namespace {

using serialize::Value;
using snapshotter::StringAt;
using SteadyClock = std::chrono::steady_clock;

constexpr std::chrono::seconds kCleanupBudget{30};
constexpr std::chrono::seconds kPodTerminationWait{60};
constexpr std::chrono::milliseconds kPodPollInterval{200};

std::string RandomHex8() {
  std::random_device rd;
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", static_cast<unsigned>(rd()));
  return buf;
}

bool IsLostAnswer(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout ||
         code == ErrorCode::kCanceled;
}

class ValidatorRun {
 public:
  ValidatorRun(std::shared_ptr<const k8s::Client> client, const RunConfig& config,
               const RunInputs& inputs, const RunIo& io)
      : client_(std::move(client)),
        config_(config),
        inputs_(inputs),
        io_(io),
        clock_(io.clock != nullptr ? *io.clock : Clock::Real()) {
    monitor_io_.progress = io.progress_is_tty ? io.progress : nullptr;
    monitor_io_.progress_is_tty = io.progress_is_tty;
    monitor_io_.cancel = io.cancel;
  }

  Result<std::vector<PhaseOutcome>> Run() {
    run_id_ =
        !inputs_.run_id.empty() ? inputs_.run_id : snapshotter::NewRunId(clock_, io_.random_hex);
    std::vector<PhaseOutcome> outcomes;
    Status body = Body(&outcomes);
    Status cleanup = config_.no_cleanup ? OkStatus() : Cleanup();
    if (!body.ok()) {
      if (!cleanup.ok()) {
        return Status(body.code(), body.message() + " (cleanup: " + cleanup.message() + ")");
      }
      return body;
    }
    if (!cleanup.ok()) {
      Note("cleanup: " + cleanup.message());
    }
    return outcomes;
  }

 private:
  k8s::CallOptions Call() const {
    k8s::CallOptions call;
    call.cancel = io_.cancel;
    return call;
  }

  void Note(const std::string& line) const {
    if (io_.progress != nullptr) {
      *io_.progress << line << "\n" << std::flush;
    }
  }

  Status Body(std::vector<PhaseOutcome>* outcomes) {
    if (!serialize::IsDns1123Label(config_.ns)) {
      return InvalidRequestError("validation: namespace " + Quote(config_.ns) +
                                 " is not a valid namespace name");
    }
    AICR_RETURN_IF_ERROR(io_.cancel.Check());
    AICR_RETURN_IF_ERROR(EnsureNamespace());
    for (const Value& o : RenderValidatorRbac(config_, run_id_)) {
      AICR_RETURN_IF_ERROR(ApplyRecorded(o));
    }
    AICR_RETURN_IF_ERROR(ApplyRecorded(
        DataConfigMap(SnapshotConfigMapName(run_id_), kSnapshotKey, inputs_.snapshot_yaml, "")));
    AICR_RETURN_IF_ERROR(ApplyRecorded(
        DataConfigMap(RecipeConfigMapName(run_id_), kRecipeKey, inputs_.recipe_yaml, "")));

    bool blocked = false;
    for (const PhasePlan& plan : inputs_.phases) {
      const std::string phase(PhaseName(plan.phase));
      ctrf::Builder builder(std::string(ctrf::kToolName), config_.version, clock_);
      for (const ValidatorEntry& entry : plan.entries) {
        if (blocked) {
          builder.AddSkipped(entry.name, phase, ctrf::kSkippedAfterFailure);
          continue;
        }
        if (std::find(config_.skip_checks.begin(), config_.skip_checks.end(), entry.name) !=
            config_.skip_checks.end()) {
          builder.AddSkipped(entry.name, phase, kSkippedByRequest);
          Note(phase + "/" + entry.name + ": skipped (" + std::string(kSkippedByRequest) + ")");
          continue;
        }
        AICR_RETURN_IF_ERROR(io_.cancel.Check().WithContext("validation canceled"));
        AICR_ASSIGN_OR_RETURN(ctrf::ValidatorResult result, RunEntry(entry));
        result.phase = phase;
        const ctrf::TestResult test = ctrf::ToTestResult(result);
        std::string line = phase + "/" + entry.name + ": " +
                           std::string(ctrf::StatusName(test.status)) + " (" +
                           ctrf::HumanDuration(test.duration) + ")";
        if (ctrf::IsFailingStatus(test.status) && !test.message.empty()) {
          line += ": " + test.message.substr(0, test.message.find('\n'));
        }
        Note(line);
        builder.AddTest(test);
      }
      ctrf::Report report = builder.Build();
      AICR_RETURN_IF_ERROR(StoreReport(plan.phase, report));
      if (config_.fail_fast && ctrf::IsFailingStatus(ctrf::PhaseStatus(report))) {
        blocked = true;
      }
      outcomes->push_back({plan.phase, std::move(report)});
    }
    return OkStatus();
  }

  // Creates the namespace when it is missing; an existing one is left as it is
  // and never deleted.
  Status EnsureNamespace() {
    std::vector<std::string> warnings;
    Status st =
        k8s::EnsureNamespace(*client_, config_.ns, /*label_existing=*/false, Call(), &warnings);
    for (const std::string& w : warnings) {
      Note(w);
    }
    return st.ok() || st.code() == ErrorCode::kCanceled
               ? st
               : st.WithContext("validation namespace " + Quote(config_.ns));
  }

  Value DataConfigMap(const std::string& name, std::string_view key, std::string_view data,
                      std::string_view phase) const {
    Value labels;
    labels.Set("app.kubernetes.io/name", "aicr");
    labels.Set("app.kubernetes.io/component", "validation");
    labels.Set("app.kubernetes.io/managed-by", "aicr");
    labels.Set("aicr.run/run-id", run_id_);
    if (!phase.empty()) {
      labels.Set("aicr.run/phase", phase);
    }
    Value meta;
    meta.Set("name", name);
    meta.Set("namespace", config_.ns);
    meta.Set("labels", labels);
    Value payload;
    payload.Set(std::string(key), data);
    Value cm;
    cm.Set("apiVersion", "v1");
    cm.Set("kind", "ConfigMap");
    cm.Set("metadata", meta);
    cm.Set("data", payload);
    return cm;
  }

  static const k8s::Resource& ResourceOfKind(std::string_view kind) {
    namespace r = k8s::resources;
    if (kind == "ServiceAccount") return r::kServiceAccounts;
    if (kind == "ClusterRoleBinding") return r::kClusterRoleBindings;
    if (kind == "ConfigMap") return r::kConfigMaps;
    return r::kJobs;
  }

  // Server-side applies `object` and records it for cleanup; returns its index in
  // created_.
  Result<std::size_t> Apply(const Value& object) {
    const k8s::Resource& r = ResourceOfKind(StringAt(object, "kind"));
    const std::string ns = r.namespaced ? config_.ns : "";
    const std::string name = StringAt(object, "metadata.name");
    AICR_ASSIGN_OR_RETURN(std::string manifest, serialize::WriteJson(object));
    k8s::ApplyOptions options;
    options.field_manager = std::string(kFieldManager);
    options.force = true;
    Result<Value> applied = client_->Apply(r, ns, name, manifest, options, Call());
    if (applied.ok()) {
      created_.push_back({&r, ns, name, StringAt(*applied, "metadata.uid")});
      return created_.size() - 1;
    }
    if (IsLostAnswer(applied.status().code())) {
      created_.push_back({&r, ns, name, ""});
    }
    return applied.status().WithContext("applying " + k8s::DescribeObject(r, ns, name));
  }

  Status ApplyRecorded(const Value& object) { return Apply(object).status(); }

  Status StoreReport(Phase phase, const ctrf::Report& report) {
    std::string trimmed;
    const std::string json = PhaseReportForConfigMap(report, k8s::kConfigMapDataLimit, &trimmed);
    if (!trimmed.empty()) {
      Note("phase " + std::string(PhaseName(phase)) + " report trimmed to fit its ConfigMap (" +
           trimmed + "); the --output report is complete");
    }
    Value cm = DataConfigMap(CtrfConfigMapName(run_id_, phase), kReportKey, json, PhaseName(phase));
    Result<std::size_t> stored = Apply(cm);
    if (!stored.ok()) {
      if (stored.status().code() == ErrorCode::kCanceled) {
        return stored.status();
      }
      Note("phase " + std::string(PhaseName(phase)) +
           " report not stored: " + stored.status().message());
    }
    return OkStatus();
  }

  std::string NextSuffix() const {
    if (io_.random_hex) {
      std::string hex = io_.random_hex();
      hex.resize(8, '0');
      return hex;
    }
    return RandomHex8();
  }

  // Deploys, waits for and reads one entry. Errors: CANCELED only; everything
  // else is the entry's result.
  Result<ctrf::ValidatorResult> RunEntry(const ValidatorEntry& entry) {
    const Value job = RenderValidatorJob(entry, config_, run_id_, NextSuffix());
    Result<std::size_t> applied = Apply(job);
    if (!applied.ok()) {
      if (io_.cancel.IsCanceled()) {
        return CanceledError("validation canceled while deploying " + entry.name);
      }
      ctrf::ValidatorResult r;
      r.name = entry.name;
      r.phase = std::string(PhaseName(entry.phase));
      r.exit_code = -1;
      r.termination_message = "failed to deploy Job: " + applied.status().message();
      return r;
    }
    const k8s::CreatedObject created = created_[*applied];
    Result<ctrf::ValidatorResult> result = WaitAndExtract(entry, created);
    if (!config_.no_cleanup && !io_.cancel.IsCanceled()) {
      DeleteJob(created);
    }
    return result;
  }

  // The pod of `job` (youngest controlled by its uid, else youngest with its
  // job-name label); nullopt when there is none.
  std::optional<Value> FindPod(const k8s::CreatedObject& job) const {
    k8s::ListOptions lo;
    lo.label_selector = "batch.kubernetes.io/job-name=" + job.name;
    k8s::CallOptions call;
    call.timeout = std::chrono::seconds(10);
    Result<k8s::ObjectList> pods = client_->ListAll(k8s::resources::kPods, job.ns, lo, call);
    if (!pods.ok()) {
      return std::nullopt;
    }
    const Value* best = nullptr;
    bool best_owned = false;
    std::string best_created;
    for (const Value& pod : pods->items) {
      bool owned = false;
      const Value* owners = pod.FindPath("metadata.ownerReferences");
      if (owners != nullptr && owners->is_sequence()) {
        for (const Value& o : *owners->if_sequence()) {
          owned = owned || (!job.uid.empty() && StringAt(o, "uid") == job.uid);
        }
      }
      const std::string created = StringAt(pod, "metadata.creationTimestamp");
      if (best == nullptr || (owned && !best_owned) ||
          (owned == best_owned && created > best_created)) {
        best = &pod;
        best_owned = owned;
        best_created = created;
      }
    }
    if (best == nullptr) {
      return std::nullopt;
    }
    return *best;
  }

  std::string Logs(const k8s::CreatedObject& job, const Value& pod) const {
    k8s::LogOptions lo;
    lo.container = std::string(kValidatorContainerName);
    k8s::CallOptions call;
    call.timeout = std::chrono::seconds(30);
    Result<std::string> logs = client_->GetLogs(job.ns, StringAt(pod, "metadata.name"), lo, call);
    return logs.ok() ? *logs : std::string();
  }

  Result<ctrf::ValidatorResult> WaitAndExtract(const ValidatorEntry& entry,
                                               const k8s::CreatedObject& job) {
    const std::string what = "job " + Quote(job.ns + "/" + job.name);
    const std::string timeout_text =
        "timeout: validator did not complete within " + FormatGoDuration(entry.timeout);
    std::string reason;
    std::string message;
    snapshotter::JobState state = snapshotter::JobState::kRunning;
    bool deleted = false;
    bool timed_out = false;
    Result<Value> got = client_->Get(k8s::resources::kJobs, job.ns, job.name, Call());
    if (!got.ok()) {
      if (io_.cancel.IsCanceled()) {
        return CanceledError("validation canceled while waiting for " + what);
      }
      if (got.status().code() == ErrorCode::kNotFound) {
        deleted = true;
      } else {
        return Other(entry, "failed to read Job: " + got.status().message());
      }
    } else {
      state = snapshotter::StateOf(*got, &reason, &message);
    }
    if (!deleted && state == snapshotter::JobState::kRunning) {
      CancelToken wait_cancel;
      snapshotter::WaitMonitor monitor(monitor_io_, wait_cancel,
                                       SteadyClock::now() + entry.timeout + kValidatorWaitBuffer,
                                       what);
      k8s::WatchOptions wo;
      wo.field_selector = "metadata.name=" + job.name;
      wo.resource_version = StringAt(*got, "metadata.resourceVersion");
      wo.cancel = wait_cancel;
      Status watched =
          k8s::Watch(*client_, k8s::resources::kJobs, job.ns, wo, [&](const k8s::WatchEvent& e) {
            if (!job.uid.empty() && StringAt(e.object, "metadata.uid") != job.uid) {
              return k8s::WatchAction::kContinue;
            }
            if (e.type == "DELETED") {
              deleted = true;
              return k8s::WatchAction::kStop;
            }
            if (e.type != "ADDED" && e.type != "MODIFIED") {
              return k8s::WatchAction::kContinue;
            }
            state = snapshotter::StateOf(e.object, &reason, &message);
            return state == snapshotter::JobState::kRunning ? k8s::WatchAction::kContinue
                                                            : k8s::WatchAction::kStop;
          });
      monitor.Stop();
      if (io_.cancel.IsCanceled()) {
        return CanceledError("validation canceled while waiting for " + what);
      }
      timed_out = monitor.timed_out() && state == snapshotter::JobState::kRunning && !deleted;
      if (!timed_out && !deleted && !watched.ok()) {
        return Other(entry, "waiting for the Job failed: " + watched.message());
      }
    }
    if (deleted) {
      return Other(entry, "validator Job " + job.name + " was deleted before it finished");
    }
    const std::optional<Value> pod = FindPod(job);
    const std::string logs = pod.has_value() ? Logs(job, *pod) : std::string();
    if (timed_out) {
      ctrf::ValidatorResult r = ResultFromPod(entry, pod ? &*pod : nullptr, logs);
      if (r.exit_code == -1) {
        r.termination_message = timeout_text;
      }
      return r;
    }
    ctrf::ValidatorResult r = ResultFromPod(entry, pod ? &*pod : nullptr, logs);
    if (state == snapshotter::JobState::kFailed && reason == "DeadlineExceeded") {
      // The check did not reach a verdict within its own deadline: a failure.
      r.exit_code = 1;
      r.termination_message = timeout_text;
    } else if (!pod.has_value() && state == snapshotter::JobState::kFailed) {
      r.termination_message =
          "Job " + job.name + " failed (" + reason + "): " + message + "; no pod found for it";
    }
    return r;
  }

  static ctrf::ValidatorResult Other(const ValidatorEntry& entry, std::string message) {
    ctrf::ValidatorResult r;
    r.name = entry.name;
    r.phase = std::string(PhaseName(entry.phase));
    r.exit_code = -1;
    r.termination_message = std::move(message);
    return r;
  }

  // Deletes one finished Job (foreground, uid-pinned) and waits up to 60 s for its
  // pods to go; drops it from the cleanup list once it is gone.
  void DeleteJob(const k8s::CreatedObject& job) {
    k8s::DeleteOptions d;
    d.precondition_uid = job.uid;
    d.propagation_policy = "Foreground";
    k8s::CallOptions call;
    call.timeout = std::chrono::seconds(30);
    Result<Value> del = client_->Delete(k8s::resources::kJobs, job.ns, job.name, d, call);
    if (!del.ok() && del.status().code() != ErrorCode::kNotFound) {
      return;  // left for the final cleanup
    }
    created_.erase(std::remove_if(created_.begin(), created_.end(),
                                  [&](const k8s::CreatedObject& c) {
                                    return c.resource == &k8s::resources::kJobs &&
                                           c.name == job.name;
                                  }),
                   created_.end());
    WaitForPodsGone(job, SteadyClock::now() + kPodTerminationWait);
  }

  void WaitForPodsGone(const k8s::CreatedObject& job, SteadyClock::time_point deadline) const {
    k8s::ListOptions lo;
    lo.label_selector = "batch.kubernetes.io/job-name=" + job.name;
    while (SteadyClock::now() < deadline) {
      k8s::CallOptions call;
      call.timeout = std::chrono::seconds(10);
      Result<k8s::ObjectList> pods = client_->ListAll(k8s::resources::kPods, job.ns, lo, call);
      if (!pods.ok() || pods->items.empty()) {
        return;
      }
      std::this_thread::sleep_for(kPodPollInterval);
    }
  }

  // Deletes what the run created, newest first, with uid preconditions, within a
  // fresh budget that ignores the run's cancellation.
  Status Cleanup() {
    const auto deadline = SteadyClock::now() + kCleanupBudget;
    k8s::CleanupOutcome done =
        k8s::DeleteCreatedObjects(*client_, created_, "aicr.run/run-id", run_id_, deadline);
    for (const std::string& note : done.notes) {
      Note(note);
    }
    const std::vector<std::string>& errors = done.errors;
    for (const k8s::CreatedObject& job : done.jobs) {
      WaitForPodsGone(job, std::min(deadline, SteadyClock::now() + kPodTerminationWait));
    }
    created_.clear();
    if (errors.empty()) {
      return OkStatus();
    }
    return UnavailableError(Join(errors, "; "));
  }

  std::shared_ptr<const k8s::Client> client_;
  const RunConfig& config_;
  const RunInputs& inputs_;
  const RunIo& io_;
  const Clock& clock_;
  snapshotter::AgentIo monitor_io_;
  std::string run_id_;
  std::vector<k8s::CreatedObject> created_;
};

}  // namespace

std::string PhaseReportForConfigMap(const ctrf::Report& report, std::size_t limit,
                                    std::string* trimmed) {
  const std::size_t budget = limit > kReportKey.size() ? limit - kReportKey.size() : 0;
  std::string json = ctrf::WriteReportJson(report);
  std::vector<std::string> dropped;
  ctrf::Report copy = report;
  if (json.size() > budget) {
    for (ctrf::TestResult& t : copy.tests) {
      t.stdout_lines.clear();
    }
    dropped.push_back("stdout");
    json = ctrf::WriteReportJson(copy);
  }
  if (json.size() > budget) {
    constexpr std::size_t kMessageCap = 1024;
    for (ctrf::TestResult& t : copy.tests) {
      t.message = ctrf::BoundTerminationMessage(t.message, kMessageCap);
    }
    dropped.push_back("long messages");
    json = ctrf::WriteReportJson(copy);
  }
  if (json.size() > budget) {
    copy.tests.clear();
    dropped.push_back("tests");
    json = ctrf::WriteReportJson(copy);
  }
  if (trimmed != nullptr) {
    *trimmed = Join(dropped, ", ");
  }
  return json;
}

Result<std::vector<PhaseOutcome>> RunValidators(std::shared_ptr<const k8s::Client> client,
                                                const RunConfig& config, const RunInputs& inputs,
                                                const RunIo& io) {
  if (client == nullptr) {
    return InvalidRequestError("validation: no Kubernetes client");
  }
  return ValidatorRun(std::move(client), config, inputs, io).Run();
}

}  // namespace aicr::validator
