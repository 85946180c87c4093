// RunSnapshotAgent: deploy the agent Job, wait for it by watch, read the
// snapshot back and remove exactly the objects this run created.

#include "snapshotter/agent.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "k8s/resource.h"
#include "k8s/run_objects.h"
#include "k8s/watch.h"
#include "serialize/cm_uri.h"
#include "snapshotter/agent_preflight.h"
#include "snapshotter/agent_wait.h"

namespace aicr::snapshotter {
namespace {

using serialize::Value;
using SteadyClock = std::chrono::steady_clock;

constexpr std::chrono::seconds kCleanupBudget{30};
constexpr std::chrono::seconds kRuntimeClassTimeout{5};

const k8s::Resource& RuntimeClasses() {
  static const k8s::Resource kRuntimeClasses =
      k8s::Custom("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false);
  return kRuntimeClasses;
}

const k8s::Resource& ResourceOfKind(std::string_view kind) {
  namespace r = k8s::resources;
  if (kind == "ServiceAccount") return r::kServiceAccounts;
  if (kind == "Role") return r::kRoles;
  if (kind == "RoleBinding") return r::kRoleBindings;
  if (kind == "ClusterRole") return r::kClusterRoles;
  if (kind == "ClusterRoleBinding") return r::kClusterRoleBindings;
  return r::kJobs;
}

class AgentRun {
 public:
  AgentRun(std::shared_ptr<const k8s::Client> client, const AgentConfig& config, const AgentIo& io)
      : client_(std::move(client)), config_(config), io_(io) {}

  Result<AgentResult> Run() {
    AgentResult result;
    const Clock& clock = io_.clock != nullptr ? *io_.clock : Clock::Real();
    result.run_id = NewRunId(clock, io_.random_hex);
    run_id_ = result.run_id;
    Status body = Body(&result);
    Status cleanup = config_.no_cleanup ? OkStatus() : Cleanup(&result.warnings);
    if (config_.no_cleanup && !created_.empty()) {
      std::vector<std::string> kept;
      for (const k8s::CreatedObject& c : created_) {
        kept.push_back(k8s::DescribeObject(*c.resource, c.ns, c.name));
      }
      result.warnings.push_back("no cleanup: left in place: " + Join(kept, ", "));
    }
    if (!body.ok()) {
      if (!cleanup.ok()) {
        return Status(body.code(), body.message() + " (cleanup: " + cleanup.message() + ")");
      }
      return body;
    }
    if (!cleanup.ok()) {
      result.warnings.push_back("cleanup: " + cleanup.message());
    }
    return result;
  }

 private:
  k8s::CallOptions Call() const {
    k8s::CallOptions call;
    call.cancel = io_.cancel;
    return call;
  }

  Status Body(AgentResult* result) {
    if (config_.image.empty()) {
      return InvalidRequestError("snapshot agent: no image given");
    }
    if (!serialize::IsDns1123Label(config_.ns)) {
      return InvalidRequestError("snapshot agent: namespace " + Quote(config_.ns) +
                                 " is not a valid namespace name");
    }
    target_ = serialize::ConfigMapRef{config_.ns, StagingConfigMapName(run_id_)};
    staging_ = config_.output_configmap.empty();
    if (!staging_) {
      AICR_ASSIGN_OR_RETURN(target_, serialize::ParseConfigMapUri(config_.output_configmap));
      if (target_.ns != config_.ns) {
        return InvalidRequestError("snapshot agent output " + Quote(config_.output_configmap) +
                                   ": namespace " + Quote(target_.ns) +
                                   " must equal the agent namespace " + Quote(config_.ns) +
                                   " (the agent's Role is namespaced)");
      }
    }
    AICR_RETURN_IF_ERROR(io_.cancel.Check());

    // Service account mode: an explicitly named account that exists is used verbatim.
    bool existing_sa = false;
    if (config_.service_account_name_set) {
      Result<Value> sa = client_->Get(k8s::resources::kServiceAccounts, config_.ns,
                                      config_.service_account_name, Call());
      if (sa.ok()) {
        existing_sa = true;
      } else if (sa.status().code() == ErrorCode::kCanceled) {
        return sa.status();
      } else if (sa.status().code() != ErrorCode::kNotFound &&
                 sa.status().code() != ErrorCode::kUnauthorized) {
        return sa.status();
      }
    }

    AICR_RETURN_IF_ERROR(PreflightGate(*client_, config_, existing_sa, staging_, io_.cancel));

    if (!config_.runtime_class.empty()) {
      k8s::CallOptions call = Call();
      call.timeout = kRuntimeClassTimeout;
      Result<Value> rc = client_->Get(RuntimeClasses(), "", config_.runtime_class, call);
      if (!rc.ok()) {
        if (rc.status().code() == ErrorCode::kNotFound) {
          return NotFoundError("runtime class " + Quote(config_.runtime_class) +
                               " not found; list the cluster's classes with `kubectl get "
                               "runtimeclass` (the NVIDIA GPU Operator creates \"nvidia\") or "
                               "omit --runtime-class");
        }
        return rc.status();
      }
    }

    k8s::CallOptions ns_call;
    ns_call.cancel = io_.cancel;
    AICR_RETURN_IF_ERROR(k8s::EnsureNamespace(*client_, config_.ns, /*label_existing=*/true,
                                              ns_call, &result->warnings));

    const AgentObjects objects = RenderAgentObjects(config_, run_id_, existing_sa);
    for (const Value& o : objects.rbac) {
      AICR_RETURN_IF_ERROR(CreateRecorded(o));
    }
    AICR_RETURN_IF_ERROR(CreateRecorded(objects.job));
    const k8s::CreatedObject job = created_.back();

    AICR_RETURN_IF_ERROR(WaitForJob(job));

    // Read the result.
    Result<Value> cm = client_->Get(k8s::resources::kConfigMaps, target_.ns, target_.name, Call());
    if (!cm.ok()) {
      return cm.status().WithContext("snapshot agent result");
    }
    return ReadResult(*cm, result);
  }

  Status CreateRecorded(const Value& object) {
    const std::string kind = StringAt(object, "kind");
    const k8s::Resource& r = ResourceOfKind(kind);
    const std::string ns = r.namespaced ? config_.ns : "";
    const std::string name = StringAt(object, "metadata.name");
    Result<Value> created = client_->Create(r, ns, object, Call());
    if (created.ok()) {
      created_.push_back({&r, ns, name, StringAt(*created, "metadata.uid")});
      return OkStatus();
    }
    const Status& s = created.status();
    if (s.code() == ErrorCode::kConflict &&
        s.message().find("AlreadyExists") != std::string::npos) {
      return InternalError(k8s::DescribeObject(r, ns, name) +
                           " already exists; this run's names must be new (" + s.message() + ")");
    }
    if (s.code() == ErrorCode::kUnavailable || s.code() == ErrorCode::kTimeout ||
        s.code() == ErrorCode::kCanceled) {
      // The answer was lost: the object may exist. Cleanup re-reads it.
      created_.push_back({&r, ns, name, ""});
    }
    return s;
  }

  Status WaitForJob(const k8s::CreatedObject& job) {
    const std::string what = "job " + Quote(job.ns + "/" + job.name);
    std::string reason;
    std::string message;
    Result<Value> got = client_->Get(k8s::resources::kJobs, job.ns, job.name, Call());
    if (!got.ok()) {
      return got.status();
    }
    JobState state = StateOf(*got, &reason, &message);
    if (state == JobState::kRunning) {
      CancelToken wait_cancel;
      WaitMonitor monitor(io_, wait_cancel, SteadyClock::now() + config_.timeout, what);
      k8s::WatchOptions wo;
      wo.field_selector = "metadata.name=" + job.name;
      wo.resource_version = StringAt(*got, "metadata.resourceVersion");
      wo.cancel = wait_cancel;
      bool deleted = false;
      Status watched =
          k8s::Watch(*client_, k8s::resources::kJobs, job.ns, wo, [&](const k8s::WatchEvent& e) {
            if (e.type == "DELETED") {
              if (StringAt(e.object, "metadata.uid") == job.uid) {
                deleted = true;
                return k8s::WatchAction::kStop;
              }
              return k8s::WatchAction::kContinue;
            }
            if (e.type != "ADDED" && e.type != "MODIFIED") {
              return k8s::WatchAction::kContinue;
            }
            if (StringAt(e.object, "metadata.uid") != job.uid) {
              return k8s::WatchAction::kContinue;
            }
            state = StateOf(e.object, &reason, &message);
            return state == JobState::kRunning ? k8s::WatchAction::kContinue
                                               : k8s::WatchAction::kStop;
          });
      monitor.Stop();
      const long elapsed = monitor.Elapsed();
      if (io_.cancel.IsCanceled()) {
        return CanceledError("snapshot agent: canceled while waiting for " + what);
      }
      if (monitor.timed_out() && state == JobState::kRunning) {
        return TimeoutError("snapshot agent: " + what + " did not finish within " +
                            FormatDuration(config_.timeout));
      }
      if (!watched.ok()) {
        return watched.WithContext("snapshot agent: waiting for " + what);
      }
      if (deleted) {
        return InternalError("snapshot agent: " + what + " was deleted before it finished");
      }
      if (io_.progress != nullptr && !io_.progress_is_tty) {
        *io_.progress << what << (state == JobState::kComplete ? " completed" : " failed")
                      << " after " << elapsed << "s\n"
                      << std::flush;
      }
    }
    if (state == JobState::kFailed) {
      DumpLogs(job);
      std::string detail = reason.empty() ? "" : ": " + reason;
      if (!message.empty()) {
        detail += (reason.empty() ? ": " : ": ") + message;
      }
      return InternalError("snapshot agent " + what + " failed" + detail);
    }
    return OkStatus();
  }

  static std::string FormatDuration(std::chrono::milliseconds d) {
    const auto ms = d.count();
    if (ms % 1000 != 0) {
      return std::to_string(ms) + "ms";
    }
    return std::to_string(ms / 1000) + "s";
  }

  // The agent pod of this run: labelled with the run id and controlled by the
  // recorded Job; not deleting; the youngest.
  void DumpLogs(const k8s::CreatedObject& job) {
    if (io_.log == nullptr) {
      return;
    }
    k8s::ListOptions lo;
    lo.label_selector = "app.kubernetes.io/name=aicr,aicr.run/run-id=" + run_id_;
    Result<k8s::ObjectList> pods = client_->ListAll(k8s::resources::kPods, job.ns, lo, Call());
    if (!pods.ok()) {
      *io_.log << "agent logs unavailable: " << pods.status().message() << "\n";
      return;
    }
    const Value* best = nullptr;
    std::string best_created;
    for (const Value& pod : pods->items) {
      if (pod.FindPath("metadata.deletionTimestamp") != nullptr) {
        continue;
      }
      bool ours = false;
      const Value* owners = pod.FindPath("metadata.ownerReferences");
      if (owners != nullptr && owners->is_sequence()) {
        for (const Value& o : *owners->if_sequence()) {
          const Value* controller = o.Find("controller");
          if (StringAt(o, "kind") == "Job" && StringAt(o, "uid") == job.uid &&
              controller != nullptr && controller->if_bool() != nullptr && *controller->if_bool()) {
            ours = true;
          }
        }
      }
      if (!ours) {
        continue;
      }
      const std::string created = StringAt(pod, "metadata.creationTimestamp");
      if (best == nullptr || created > best_created) {
        best = &pod;
        best_created = created;
      }
    }
    if (best == nullptr) {
      *io_.log << "agent logs unavailable: no pod of job " << Quote(job.ns + "/" + job.name)
               << " found\n";
      return;
    }
    k8s::LogOptions lo2;
    lo2.container = "aicr";
    Result<std::string> logs =
        client_->GetLogs(job.ns, StringAt(*best, "metadata.name"), lo2, Call());
    *io_.log << "--- agent logs ---\n";
    if (logs.ok()) {
      *io_.log << *logs;
      if (!logs->empty() && logs->back() != '\n') {
        *io_.log << "\n";
      }
    } else {
      *io_.log << "(logs unavailable: " << logs.status().message() << ")\n";
    }
    *io_.log << "--- end agent logs ---\n" << std::flush;
  }

  Status ReadResult(const Value& cm, AgentResult* result) {
    const Value* data = cm.Find("data");
    const std::string format = data != nullptr ? StringAt(*data, "format") : "";
    std::vector<std::string> exts;
    if (format == "json") {
      exts = {"json", "yaml", "txt"};
    } else if (format == "table" || format == "txt") {
      exts = {"txt", "yaml", "json"};
    } else {
      exts = {"yaml", "json", "txt"};
    }
    for (const std::string& ext : exts) {
      const Value* doc = data != nullptr ? data->Find("snapshot." + ext) : nullptr;
      if (doc != nullptr && doc->is_string()) {
        result->document = *doc->if_string();
        result->format = !format.empty() ? format : ext == "txt" ? "table" : ext;
        return OkStatus();
      }
    }
    return NotFoundError("snapshot agent result " + target_.ToUri() + ": no snapshot." +
                         exts.front() + " key (nor snapshot." + exts[1] + ", snapshot." + exts[2] +
                         ")");
  }

  // Deletes what this run created, newest first, with uid preconditions, within a
  // fresh budget that ignores the run's cancellation.
  Status Cleanup(std::vector<std::string>* warnings) {
    const auto deadline = SteadyClock::now() + kCleanupBudget;
    auto call = [&]() {
      k8s::CallOptions c;
      c.timeout = std::max(
          std::chrono::milliseconds(1),
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()));
      return c;
    };
    k8s::CleanupOutcome done =
        k8s::DeleteCreatedObjects(*client_, created_, "aicr.run/run-id", run_id_, deadline);
    warnings->insert(warnings->end(), done.notes.begin(), done.notes.end());
    std::vector<std::string> errors = std::move(done.errors);
    if (staging_ && !target_.name.empty() && !created_.empty()) {
      Result<Value> del =
          client_->Delete(k8s::resources::kConfigMaps, target_.ns, target_.name, {}, call());
      if (!del.ok() && del.status().code() != ErrorCode::kNotFound) {
        errors.push_back(del.status().message());
      }
    }
    if (errors.empty()) {
      return OkStatus();
    }
    return UnavailableError(Join(errors, "; "));
  }

  std::shared_ptr<const k8s::Client> client_;
  const AgentConfig& config_;
  const AgentIo& io_;
  std::string run_id_;
  serialize::ConfigMapRef target_;
  bool staging_ = true;
  std::vector<k8s::CreatedObject> created_;
};

}  // namespace

Result<AgentResult> RunSnapshotAgent(std::shared_ptr<const k8s::Client> client,
                                     const AgentConfig& config, const AgentIo& io) {
  if (client == nullptr) {
    return InvalidRequestError("snapshot agent: no Kubernetes client");
  }
  return AgentRun(std::move(client), config, io).Run();
}

}  // namespace aicr::snapshotter
