#pragma once

/// \file
/// A simulated kubelet and Job controller for the test API server: it runs the
/// containers of Jobs and bare Pods as local processes and reports their progress
/// through the API (pod and Job status, Events, container logs).
///
/// Image → command rule. `image_commands` maps an image reference to a local
/// executable (the "entrypoint" of that image). The lookup tries, in order, the
/// exact image, the image without its digest (`@sha256:...`) and tag (`:v1`), and
/// the entry "*". No entry → the pod stays Pending with waiting reason ErrImagePull.
/// With COMMAND the mapped executable, a container runs
///     argv = [COMMAND] + container.command[1:] + container.args
/// i.e. `command[0]` (whatever it names, `aicr` or `/usr/local/bin/aicr`) is the
/// image's entrypoint and is replaced by COMMAND; the rest is kept. The special
/// COMMAND `-` means "run container.command as given on the host" (argv =
/// container.command + container.args, command[0] resolved through PATH).
///
/// Path rewriting. A process cannot be chrooted, so every volumeMount (and each
/// container's terminationMessagePath, default /dev/termination-log) is backed by
/// a real host path: hostPath volumes by the same path when it exists, all other
/// volumes by a private temporary directory. The container sees it in two ways:
///   - env `AICR_TEST_MOUNT_<P>=<real path>` where <P> is the mountPath upper-cased
///     with every run of non-alphanumerics turned into `_` and the ends trimmed
///     (`/var/run/secrets/kubernetes.io/serviceaccount` →
///     `AICR_TEST_MOUNT_VAR_RUN_SECRETS_KUBERNETES_IO_SERVICEACCOUNT`,
///     `/dev/termination-log` → `AICR_TEST_MOUNT_DEV_TERMINATION_LOG`);
///   - every occurrence of a mountPath in args, command and env values is replaced
///     by the real path, where the occurrence starts the string or follows one of
///     ` =:,"'` and ends the string or is followed by `/` or a character other than
///     `[A-Za-z0-9._-]` (longest mountPath first). workingDir is rewritten the same
///     way and honoured when it exists (else the pod's temporary HOME).
/// Every pod whose `automountServiceAccountToken` is not false also gets
/// /var/run/secrets/kubernetes.io/serviceaccount with `token`, `ca.crt` and
/// `namespace` (see SetServiceAccount).
///
/// Kubeconfig. A process cannot reach the server through the in-cluster address
/// (always https, and the service-account files live at a rewritten path), so once
/// SetApiServerUrl was called every pod gets `<pod dir>/kubeconfig` (server = that
/// URL, `certificate-authority` = a copy of the service-account `ca.crt` when the
/// URL is https, `token` = the service-account token unless
/// automountServiceAccountToken is false, namespace = the pod's) and every container
/// gets KUBECONFIG pointing at it, so clients find the server by standard kubeconfig
/// discovery. A container's own env may override KUBECONFIG.
///
/// Environment: PATH (the host's), HOME (a private temporary directory), HOSTNAME
/// (the pod name), the variables given to SetApiServerEnv, KUBECONFIG (above), then
/// envFrom and env of
/// the container (`value`; `valueFrom.fieldRef` for metadata.name, metadata.namespace,
/// metadata.uid, metadata.labels['k'], metadata.annotations['k'], spec.nodeName,
/// spec.serviceAccountName, status.podIP, status.hostIP; configMapKeyRef and
/// secretKeyRef; anything else is skipped with a note on stderr). `$(VAR)` in env
/// values, command and args expands from the variables defined so far (`$$` → `$`).
/// An executable that does not exist ends the container with reason StartError,
/// exit code 128.
///
/// Fault injection by annotations on the Job, the pod template or a bare Pod
/// (the pod's own annotations win): `aicr.test/kubelet` =
///   `pending` — stays Pending; `aicr.test/pending-reason` `ImagePullBackOff`
///               (default, container waiting) or `Unschedulable` (PodScheduled False);
///   `hang`    — each main container runs `sleep` until deleted;
///   `fail`    — main containers exit with `aicr.test/exit-code` (default 1) unrun;
///   `oomkill` — main containers end OOMKilled, exit code 137, unrun;
///   `ignore`  — the kubelet leaves the object alone.
/// Bare Pods are run only when they carry no status phase (seeded fixture pods that
/// already have a status are left as they are), and never when owned by a Job (its
/// Job runs it); a bare Pod runs once whatever its restartPolicy. Seeded Jobs that
/// already have a status are left alone too. Init containers run one after
/// another before the main containers, which run together; faults apply to the
/// main containers only.
/// Jobs: completions run one pod at a time; a failed pod is retried while the
/// number of failures is <= spec.backoffLimit (default 6; 0 = the first failure is
/// final), without back-off delay. restartPolicy OnFailure restarts the container
/// inside the same pod (restartCount), Never creates a new pod.
/// Status written: pod Pending (PodScheduled) → Running (Ready, containerStatuses
/// running) → Succeeded/Failed (terminated: exitCode, reason Completed/Error/
/// OOMKilled/StartError, message from the termination-message file capped at 4096
/// bytes, or with FallbackToLogsOnError the last 80 lines / 2048 bytes of a failed
/// container's log); Job startTime/active/ready → succeeded/failed, completionTime,
/// conditions SuccessCriteriaMet+Complete (CompletionsReached) or FailureTarget+Failed
/// (BackoffLimitExceeded, DeadlineExceeded for activeDeadlineSeconds). Events:
/// Scheduled, Pulled, Created, Started, BackOff, Failed, FailedMount,
/// FailedScheduling on the pod; SuccessfulCreate, Completed, BackoffLimitExceeded,
/// DeadlineExceeded on the Job. A configMap/secret volume whose object is missing
/// keeps the pod Pending (FailedMount) until the object appears.
/// Deleting a Job or Pod sends SIGTERM to the process group, SIGKILL after 2 s, and
/// reaps it; when a container's main process exits the rest of its process group
/// is killed too. A pod that outlives its deleted Job (orphan deletion) is marked
/// Failed with its containers' exit codes. The sink is never called while the kubelet holds its own
/// lock, so the sink may call back into OnCreated/OnDeleted; destroy the Kubelet before the object
/// store it writes to.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace aicr::testing::apiserver {

/// Where the kubelet reads and writes API objects (the API server's store).
class ObjectSink {
 public:
  virtual ~ObjectSink() = default;
  /// Creates `obj` (a full object with apiVersion, kind and metadata); false with `err` on failure.
  virtual bool Create(const nlohmann::json& obj, std::string* err) = 0;
  /// Replaces the status of the named object; false when it does not exist.
  virtual bool UpdateStatus(const std::string& group, const std::string& resource,
                            const std::string& ns, const std::string& name,
                            const nlohmann::json& status) = 0;
  /// The named object, or nullopt.
  virtual std::optional<nlohmann::json> Get(const std::string& group, const std::string& resource,
                                            const std::string& ns, const std::string& name) = 0;
};

/// Runs Jobs and bare Pods as local processes; thread-safe.
class Kubelet {
 public:
  /// `image_commands`: image → executable path (see the file comment).
  Kubelet(ObjectSink* sink, std::map<std::string, std::string> image_commands);
  /// Shutdown(), then removes temporary files.
  ~Kubelet();
  Kubelet(const Kubelet&) = delete;
  Kubelet& operator=(const Kubelet&) = delete;

  /// Kills and reaps every child and joins every thread; later OnCreated calls are
  /// ignored. Idempotent. Call it before destroying the Kubelet while the sink may
  /// still call back into it (e.g. `kubelet_->Shutdown(); kubelet_.reset();`), since
  /// unique_ptr::reset clears the pointer before the destructor runs.
  void Shutdown();

  /// Variables added to every container's environment (e.g. KUBERNETES_SERVICE_HOST,
  /// KUBERNETES_SERVICE_PORT); applies to containers started afterwards.
  void SetApiServerEnv(std::map<std::string, std::string> env);
  /// Contents of `token` and `ca.crt` in each pod's service-account mount.
  void SetServiceAccount(std::string token, std::string ca_crt);
  /// The API server URL for each pod's kubeconfig (see the file comment); applies
  /// to pods started afterwards. Empty (the default) = no kubeconfig.
  void SetApiServerUrl(std::string url);
  /// Node name for pods whose template names none (default "test-node").
  void SetNodeName(std::string node_name);

  /// Called after any object was created: starts Jobs and bare Pods.
  void OnCreated(const nlohmann::json& obj);
  /// Called after any object was deleted: stops a Job's or Pod's processes.
  void OnDeleted(const nlohmann::json& obj);

  /// The log of `container` ("" = the first container) of pod `ns/pod` so far;
  /// `done` (may be null) tells whether it has ended. False when the pod or
  /// container is unknown.
  bool Logs(const std::string& ns, const std::string& pod, const std::string& container,
            std::string* out, bool* done);
  /// Waits until Logs would return more than `have_bytes` bytes or the log has
  /// ended; false on timeout or when unknown. Logs returns the last 4 MiB only, so
  /// a follower of a longer log should use LogsSince/WaitForLogsSince.
  bool WaitForLogs(const std::string& ns, const std::string& pod, const std::string& container,
                   std::size_t have_bytes, std::chrono::milliseconds timeout);
  /// Streaming form without the 4 MiB window problem: the log from byte offset
  /// `from` (counted since the container started; bytes already trimmed from the
  /// head are skipped) to its end, and `next` = the offset to ask for next time.
  /// False when the pod or container is unknown or has not started.
  bool LogsSince(const std::string& ns, const std::string& pod, const std::string& container,
                 std::uint64_t from, std::string* out, std::uint64_t* next, bool* done);
  /// Waits until the log has grown past offset `from` or has ended; false on
  /// timeout or when unknown.
  bool WaitForLogsSince(const std::string& ns, const std::string& pod, const std::string& container,
                        std::uint64_t from, std::chrono::milliseconds timeout);
  /// Whether the container has started (a log exists); false when unknown or waiting.
  bool ContainerStarted(const std::string& ns, const std::string& pod,
                        const std::string& container);

  /// Process ids of the containers running now (for tests).
  std::vector<pid_t> RunningPids();

  struct LogBuffer;
  struct PodRecord;
  struct Runner;
  struct Proc;

 private:
  enum class PodOutcome { kSucceeded, kFailed, kDeadline, kDeleted, kStopped };

  void StartRunner(const nlohmann::json& obj, bool is_job);
  void RunJob(std::shared_ptr<Runner> runner, nlohmann::json job);
  void RunBarePod(std::shared_ptr<Runner> runner, nlohmann::json pod);
  PodOutcome RunPod(const std::shared_ptr<Runner>& runner, nlohmann::json pod,
                    const nlohmann::json& fallback_annotations,
                    std::optional<std::chrono::steady_clock::time_point> deadline, int max_restarts,
                    int* restarts_used, const std::function<void(bool)>& on_ready);

  std::shared_ptr<PodRecord> FindPod(const std::string& ns, const std::string& pod);
  std::shared_ptr<LogBuffer> FindLog(const std::string& ns, const std::string& pod,
                                     const std::string& container);
  std::string RandomSuffix(std::size_t n, const std::string& alphabet);
  std::string NewUid();
  void Event(const nlohmann::json& involved, const std::string& type, const std::string& reason,
             const std::string& message, const std::string& component);
  enum class SuperviseResult { kDone, kStopped, kDeadline };
  SuperviseResult Supervise(const std::vector<Proc*>& procs, const std::function<bool()>& stop,
                            std::optional<std::chrono::steady_clock::time_point> deadline);
  bool StartProcess(Proc* proc, const std::vector<std::string>& argv,
                    const std::map<std::string, std::string>& env, const std::string& cwd);
  void AppendLog(LogBuffer* log, const char* data, std::size_t n);
  bool SleepUnless(const std::shared_ptr<Runner>& runner, const std::shared_ptr<PodRecord>& pod,
                   std::chrono::milliseconds d);

  ObjectSink* sink_;
  std::map<std::string, std::string> image_commands_;
  std::string root_dir_;

  std::mutex mu_;
  std::mutex join_mu_;  ///< serialises Shutdown's joins
  std::condition_variable cv_;
  bool shutting_down_ = false;
  std::map<std::string, std::string> api_env_;
  std::string sa_token_;
  std::string sa_ca_;
  std::string api_url_;
  std::string node_name_ = "test-node";
  std::map<std::string, std::shared_ptr<PodRecord>> pods_;  ///< "ns/name"
  std::map<std::string, std::shared_ptr<Runner>> runners_;  ///< "Kind/ns/name"
  std::vector<std::shared_ptr<Runner>> all_runners_;
  std::set<pid_t> live_pids_;
  std::mt19937_64 rng_;
  int next_ip_ = 10;
};

}  // namespace aicr::testing::apiserver
