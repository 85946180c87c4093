#include "tests/k8s-apiserver/kubelet.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace aicr::testing::apiserver {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Kubelet::LogBuffer {
  std::string data;           // guarded by Kubelet::mu_
  std::uint64_t dropped = 0;  // bytes trimmed from the head of `data`
  bool started = false;
  bool done = false;
};

struct Kubelet::PodRecord {
  std::string ns;
  std::string name;
  std::vector<std::string> containers;  // main containers first, then init containers
  std::map<std::string, std::shared_ptr<LogBuffer>> logs;
  std::atomic<bool> deleted{false};
};

struct Kubelet::Runner {
  std::string key;
  std::atomic<bool> stop{false};
  std::atomic<bool> finished{false};
  std::thread thread;
};

namespace {

constexpr std::size_t kMaxLogBytes = 4u << 20;
constexpr std::size_t kMaxTerminationMessage = 4096;
constexpr std::size_t kFallbackLines = 80;
constexpr std::size_t kFallbackBytes = 2048;
constexpr auto kKillGrace = std::chrono::seconds(2);
constexpr char kSaPath[] = "/var/run/secrets/kubernetes.io/serviceaccount";
constexpr char kDefaultTermPath[] = "/dev/termination-log";
constexpr char kNameAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";

std::string Now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Str(const json& j, const char* key) {
  if (!j.is_object()) {
    return "";
  }
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& Sub(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) {
    return kNull;
  }
  auto it = j.find(key);
  return it != j.end() ? *it : kNull;
}

std::optional<long long> Int(const json& j, const char* key) {
  const json& v = Sub(j, key);
  if (v.is_number_integer()) {
    return v.get<long long>();
  }
  return std::nullopt;
}

std::string Annotation(const json& pod_annotations, const json& fallback, const char* key) {
  std::string v = Str(pod_annotations, key);
  return v.empty() ? Str(fallback, key) : v;
}

std::string Base64Decode(const std::string& in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0;
  int bits = -8;
  for (char c : in) {
    if (c == '=') {
      break;
    }
    const std::size_t p = kChars.find(c);
    if (p == std::string::npos) {
      continue;
    }
    val = (val << 6) + static_cast<int>(p);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

/// AICR_TEST_MOUNT_ + mountPath upper-cased, runs of non-alphanumerics → '_', ends trimmed.
std::string MountEnvName(const std::string& path) {
  std::string s;
  for (char c : path) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    } else if (!s.empty() && s.back() != '_') {
      s.push_back('_');
    }
  }
  while (!s.empty() && s.back() == '_') {
    s.pop_back();
  }
  return "AICR_TEST_MOUNT_" + s;
}

bool PathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

/// Replaces mount paths by their real directories (see the header comment).
std::string Rewrite(const std::string& in,
                    const std::vector<std::pair<std::string, std::string>>& mounts) {
  std::string out;
  std::size_t i = 0;
  while (i < in.size()) {
    bool replaced = false;
    const bool boundary_before = i == 0 || std::strchr(" =:,\"'", in[i - 1]) != nullptr;
    if (boundary_before && in[i] == '/') {
      for (const auto& [from, to] : mounts) {  // longest first
        if (in.compare(i, from.size(), from) != 0) {
          continue;
        }
        const std::size_t end = i + from.size();
        if (end == in.size() || in[end] == '/' || !PathChar(in[end]) || from == "/") {
          out += to;
          if (from == "/" && end < in.size() && to.back() != '/') {
            out.push_back('/');
          }
          i = end;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      out.push_back(in[i]);
      ++i;
    }
  }
  return out;
}

bool WriteFile(const fs::path& path, const std::string& data) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  return static_cast<bool>(out);
}

std::string ReadFileCapped(const std::string& path, std::size_t cap) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return "";
  }
  std::string s(cap, '\0');
  in.read(s.data(), static_cast<std::streamsize>(cap));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

std::string LogTail(const std::string& log) {
  std::size_t start = log.size() > kFallbackBytes ? log.size() - kFallbackBytes : 0;
  std::size_t lines = 0;
  std::size_t pos = log.size();
  // Skip a trailing newline so the last line counts once.
  if (pos > 0 && log[pos - 1] == '\n') {
    --pos;
  }
  while (pos > start) {
    const std::size_t nl = log.rfind('\n', pos - 1);
    if (nl == std::string::npos || nl < start) {
      break;
    }
    if (++lines >= kFallbackLines) {
      start = nl + 1;
      break;
    }
    pos = nl;
  }
  return log.substr(start);
}

std::string ResolveExecutable(const std::string& name, const std::string& path_env) {
  if (name.find('/') != std::string::npos) {
    return name;
  }
  std::stringstream ss(path_env);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return name;
}

std::string StripTagAndDigest(const std::string& image) {
  std::string s = image;
  const std::size_t at = s.find('@');
  if (at != std::string::npos) {
    s.resize(at);
  }
  const std::size_t slash = s.rfind('/');
  const std::size_t colon = s.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    s.resize(colon);
  }
  return s;
}

}  // namespace

/// One container instance: the process (if any) and its outcome.
struct Kubelet::Proc {
  std::string name;
  std::string image;
  pid_t pid = -1;
  int fd = -1;
  bool exited = false;
  int exit_code = 0;
  std::string reason;   // terminated reason
  std::string message;  // terminated message
  std::string started_at;
  std::string finished_at;
  std::string term_file;  // real termination message file
  std::string term_policy;
  std::shared_ptr<LogBuffer> log;
  Clock::time_point exit_seen{};
  bool term_sent = false;
  Clock::time_point term_time{};
  bool killed_by_us = false;
};

Kubelet::Kubelet(ObjectSink* sink, std::map<std::string, std::string> image_commands)
    : sink_(sink), image_commands_(std::move(image_commands)), rng_(std::random_device{}()) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/aicr-kubelet-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) {
    root_dir_ = pattern;
  }
}

Kubelet::~Kubelet() {
  Shutdown();
  if (!root_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(root_dir_, ec);
  }
}

void Kubelet::Shutdown() {
  std::vector<std::shared_ptr<Runner>> runners;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    runners = all_runners_;
    for (auto& r : runners) {
      r->stop = true;
    }
  }
  cv_.notify_all();
  std::lock_guard<std::mutex> join_lock(join_mu_);
  for (auto& r : runners) {
    if (r->thread.joinable()) {
      r->thread.join();
    }
  }
}

void Kubelet::SetApiServerEnv(std::map<std::string, std::string> env) {
  std::lock_guard<std::mutex> lock(mu_);
  api_env_ = std::move(env);
}

void Kubelet::SetServiceAccount(std::string token, std::string ca_crt) {
  std::lock_guard<std::mutex> lock(mu_);
  sa_token_ = std::move(token);
  sa_ca_ = std::move(ca_crt);
}

void Kubelet::SetApiServerUrl(std::string url) {
  std::lock_guard<std::mutex> lock(mu_);
  api_url_ = std::move(url);
}

void Kubelet::SetNodeName(std::string node_name) {
  std::lock_guard<std::mutex> lock(mu_);
  node_name_ = std::move(node_name);
}

std::string Kubelet::RandomSuffix(std::size_t n, const std::string& alphabet) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(alphabet[rng_() % alphabet.size()]);
  }
  return s;
}

std::string Kubelet::NewUid() {
  std::string hex = RandomSuffix(32, "0123456789abcdef");
  hex[12] = '4';
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

void Kubelet::Event(const json& involved, const std::string& type, const std::string& reason,
                    const std::string& message, const std::string& component) {
  const std::string ns = Str(involved, "namespace");
  const std::string ts = Now();
  json ev = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata",
       {{"name", Str(involved, "name") + "." + RandomSuffix(16, "0123456789abcdef")},
        {"namespace", ns}}},
      {"involvedObject", involved},
      {"reason", reason},
      {"message", message},
      {"type", type},
      {"source", {{"component", component}}},
      {"firstTimestamp", ts},
      {"lastTimestamp", ts},
      {"count", 1},
      {"eventTime", nullptr},
      {"reportingComponent", component},
      {"reportingInstance", ""},
  };
  std::string err;
  if (!sink_->Create(ev, &err)) {
    std::fprintf(stderr, "kubelet: cannot create event %s: %s\n", reason.c_str(), err.c_str());
  }
}

void Kubelet::OnCreated(const json& obj) {
  const std::string kind = Str(obj, "kind");
  const std::string api_version = Str(obj, "apiVersion");
  const json& meta = Sub(obj, "metadata");
  if (Str(Sub(meta, "annotations"), "aicr.test/kubelet") == "ignore") {
    return;
  }
  if (kind == "Job" && api_version.rfind("batch/", 0) == 0) {
    const json& status = Sub(obj, "status");
    if (status.is_object() && (status.contains("conditions") || status.contains("succeeded") ||
                               status.contains("failed"))) {
      return;  // a seeded Job that already ran
    }
    StartRunner(obj, true);
    return;
  }
  if (kind == "Pod" && api_version == "v1") {
    if (!Str(Sub(obj, "status"), "phase").empty()) {
      return;  // a seeded fixture pod
    }
    const json& owners = Sub(meta, "ownerReferences");
    if (owners.is_array()) {
      for (const json& o : owners) {
        if (Str(o, "kind") == "Job" && Sub(o, "controller").is_boolean() &&
            o["controller"].get<bool>()) {
          return;  // run by its Job's runner
        }
      }
    }
    StartRunner(obj, false);
  }
}

void Kubelet::OnDeleted(const json& obj) {
  const std::string kind = Str(obj, "kind");
  const json& meta = Sub(obj, "metadata");
  const std::string ns = Str(meta, "namespace");
  const std::string name = Str(meta, "name");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (kind == "Job" || kind == "Pod") {
      auto it = runners_.find(kind + "/" + ns + "/" + name);
      if (it != runners_.end()) {
        it->second->stop = true;
        runners_.erase(it);
      }
    }
    if (kind == "Pod") {
      auto it = pods_.find(ns + "/" + name);
      if (it != pods_.end()) {
        it->second->deleted = true;
        pods_.erase(it);
      }
    }
  }
  cv_.notify_all();
}

void Kubelet::StartRunner(const json& obj, bool is_job) {
  const json& meta = Sub(obj, "metadata");
  auto runner = std::make_shared<Runner>();
  runner->key =
      std::string(is_job ? "Job/" : "Pod/") + Str(meta, "namespace") + "/" + Str(meta, "name");
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_ || runners_.count(runner->key) != 0) {
    return;
  }
  // Join the threads of runners that have finished.
  for (auto it = all_runners_.begin(); it != all_runners_.end();) {
    if ((*it)->finished && (*it)->thread.joinable()) {
      (*it)->thread.join();
      it = all_runners_.erase(it);
    } else {
      ++it;
    }
  }
  runners_[runner->key] = runner;
  all_runners_.push_back(runner);
  runner->thread = std::thread([this, runner, obj, is_job] {
    if (is_job) {
      RunJob(runner, obj);
    } else {
      RunBarePod(runner, obj);
    }
    runner->finished = true;
  });
}

bool Kubelet::SleepUnless(const std::shared_ptr<Runner>& runner,
                          const std::shared_ptr<PodRecord>& pod, std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, d, [&] { return runner->stop || (pod && pod->deleted); });
  return !(runner->stop || (pod && pod->deleted));
}

std::shared_ptr<Kubelet::PodRecord> Kubelet::FindPod(const std::string& ns,
                                                     const std::string& pod) {
  auto it = pods_.find(ns + "/" + pod);
  return it == pods_.end() ? nullptr : it->second;
}

std::shared_ptr<Kubelet::LogBuffer> Kubelet::FindLog(const std::string& ns, const std::string& pod,
                                                     const std::string& container) {
  auto rec = FindPod(ns, pod);
  if (!rec || rec->containers.empty()) {
    return nullptr;
  }
  auto it = rec->logs.find(container.empty() ? rec->containers.front() : container);
  return it == rec->logs.end() ? nullptr : it->second;
}

bool Kubelet::Logs(const std::string& ns, const std::string& pod, const std::string& container,
                   std::string* out, bool* done) {
  std::lock_guard<std::mutex> lock(mu_);
  auto log = FindLog(ns, pod, container);
  if (!log || !log->started) {
    return false;
  }
  if (log->data.size() > kMaxLogBytes) {
    *out = log->data.substr(log->data.size() - kMaxLogBytes);
  } else {
    *out = log->data;
  }
  if (done != nullptr) {
    *done = log->done;
  }
  return true;
}

bool Kubelet::WaitForLogs(const std::string& ns, const std::string& pod,
                          const std::string& container, std::size_t have_bytes,
                          std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  auto log = FindLog(ns, pod, container);
  if (!log) {
    return false;
  }
  auto rec = FindPod(ns, pod);
  auto ready = [&] {
    return log->started && (std::min(log->data.size(), kMaxLogBytes) > have_bytes || log->done);
  };
  return cv_.wait_for(lock, timeout, [&] { return ready() || rec->deleted || shutting_down_; }) &&
         ready();
}

bool Kubelet::LogsSince(const std::string& ns, const std::string& pod, const std::string& container,
                        std::uint64_t from, std::string* out, std::uint64_t* next, bool* done) {
  std::lock_guard<std::mutex> lock(mu_);
  auto log = FindLog(ns, pod, container);
  if (!log || !log->started) {
    return false;
  }
  const std::uint64_t total = log->dropped + log->data.size();
  const std::uint64_t start = std::min(std::max(from, log->dropped), total);
  *out = log->data.substr(static_cast<std::size_t>(start - log->dropped));
  *next = total;
  if (done != nullptr) {
    *done = log->done;
  }
  return true;
}

bool Kubelet::WaitForLogsSince(const std::string& ns, const std::string& pod,
                               const std::string& container, std::uint64_t from,
                               std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  auto log = FindLog(ns, pod, container);
  if (!log) {
    return false;
  }
  auto rec = FindPod(ns, pod);
  auto ready = [&] {
    return log->started && (log->dropped + log->data.size() > from || log->done);
  };
  return cv_.wait_for(lock, timeout, [&] { return ready() || rec->deleted || shutting_down_; }) &&
         ready();
}

bool Kubelet::ContainerStarted(const std::string& ns, const std::string& pod,
                               const std::string& container) {
  std::lock_guard<std::mutex> lock(mu_);
  auto log = FindLog(ns, pod, container);
  return log && log->started;
}

std::vector<pid_t> Kubelet::RunningPids() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<pid_t> pids;
  for (pid_t p : live_pids_) {
    pids.push_back(p);
  }
  return pids;
}

// ---------------------------------------------------------------------------
// Jobs

void Kubelet::RunJob(std::shared_ptr<Runner> runner, json job) {
  const json& meta = job["metadata"];
  const std::string ns = Str(meta, "namespace").empty() ? "default" : Str(meta, "namespace");
  const std::string name = Str(meta, "name");
  std::string uid = Str(meta, "uid");
  if (uid.empty()) {
    uid = NewUid();
  }
  const json& spec = Sub(job, "spec");
  const json& tmpl = Sub(spec, "template");
  const long long backoff_limit = Int(spec, "backoffLimit").value_or(6);
  const long long completions = std::max<long long>(1, Int(spec, "completions").value_or(1));
  std::optional<Clock::time_point> deadline;
  if (auto ads = Int(spec, "activeDeadlineSeconds"); ads && *ads > 0) {
    deadline = Clock::now() + std::chrono::seconds(*ads);
  }
  const json job_ref = {{"apiVersion", Str(job, "apiVersion")},
                        {"kind", "Job"},
                        {"name", name},
                        {"namespace", ns},
                        {"uid", uid}};
  const json job_annotations = Sub(meta, "annotations");
  std::string restart_policy = Str(Sub(tmpl, "spec"), "restartPolicy");
  if (restart_policy.empty()) {
    restart_policy = "Never";
  }

  json status = {{"startTime", Now()},
                 {"active", 0},
                 {"ready", 0},
                 {"terminating", 0},
                 {"uncountedTerminatedPods", json::object()}};
  long long succeeded = 0;
  long long failed = 0;
  auto push = [&] {
    if (!runner->stop) {
      sink_->UpdateStatus("batch", "jobs", ns, name, status);
    }
  };
  auto finish = [&](bool ok, const std::string& reason, const std::string& message) {
    const std::string ts = Now();
    status["active"] = 0;
    status["ready"] = 0;
    json conds = json::array();
    const char* target = ok ? "SuccessCriteriaMet" : "FailureTarget";
    const char* final_type = ok ? "Complete" : "Failed";
    for (const char* type : {target, final_type}) {
      json c = {{"type", type},        {"status", "True"},
                {"lastProbeTime", ts}, {"lastTransitionTime", ts},
                {"reason", reason},    {"message", message}};
      if (ok) {
        c.erase("message");
      }
      conds.push_back(c);
    }
    status["conditions"] = conds;
    if (ok) {
      status["completionTime"] = ts;
    }
    push();
    if (!runner->stop) {
      if (ok) {
        Event(job_ref, "Normal", "Completed", "Job completed", "job-controller");
      } else {
        Event(job_ref, "Warning", reason, message, "job-controller");
      }
    }
  };

  if (Sub(spec, "suspend").is_boolean() && spec["suspend"].get<bool>()) {
    status = {{"conditions", json::array({{{"type", "Suspended"},
                                           {"status", "True"},
                                           {"reason", "JobSuspended"},
                                           {"message", "Job suspended"},
                                           {"lastProbeTime", Now()},
                                           {"lastTransitionTime", Now()}}})}};
    push();
    SleepUnless(runner, nullptr, std::chrono::hours(24 * 365));
    return;
  }
  push();

  int restarts_used = 0;
  while (succeeded < completions && !runner->stop) {
    // Build the pod from the template.
    json pod_meta = Sub(tmpl, "metadata").is_object() ? tmpl["metadata"] : json::object();
    pod_meta.erase("creationTimestamp");
    json labels = Sub(pod_meta, "labels").is_object() ? pod_meta["labels"] : json::object();
    labels["job-name"] = name;
    labels["batch.kubernetes.io/job-name"] = name;
    labels["controller-uid"] = uid;
    labels["batch.kubernetes.io/controller-uid"] = uid;
    pod_meta["labels"] = labels;
    pod_meta["namespace"] = ns;
    pod_meta["generateName"] = name + "-";
    pod_meta["ownerReferences"] = json::array({{{"apiVersion", Str(job, "apiVersion")},
                                                {"kind", "Job"},
                                                {"name", name},
                                                {"uid", uid},
                                                {"controller", true},
                                                {"blockOwnerDeletion", true}}});
    json pod_spec = Sub(tmpl, "spec").is_object() ? tmpl["spec"] : json::object();
    const std::string pending =
        Annotation(Sub(pod_meta, "annotations"), job_annotations, "aicr.test/kubelet");
    const bool unschedulable =
        pending == "pending" && Annotation(Sub(pod_meta, "annotations"), job_annotations,
                                           "aicr.test/pending-reason") == "Unschedulable";
    if (Str(pod_spec, "nodeName").empty() && !unschedulable) {
      std::lock_guard<std::mutex> lock(mu_);
      pod_spec["nodeName"] = node_name_;
    }
    json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", pod_meta},
                {"spec", pod_spec},
                {"status", {{"phase", "Pending"}}}};
    std::string pod_name;
    bool created = false;
    std::string err;
    for (int attempt = 0; attempt < 5 && !created; ++attempt) {
      pod_name = name + "-" + RandomSuffix(5, kNameAlphabet);
      pod["metadata"]["name"] = pod_name;
      created = sink_->Create(pod, &err);
    }
    if (!created) {
      std::fprintf(stderr, "kubelet: job %s/%s: cannot create pod: %s\n", ns.c_str(), name.c_str(),
                   err.c_str());
      Event(job_ref, "Warning", "FailedCreate", "Error creating: " + err, "job-controller");
      SleepUnless(runner, nullptr, std::chrono::hours(24 * 365));
      return;
    }
    if (auto stored = sink_->Get("", "pods", ns, pod_name)) {
      pod["metadata"] = (*stored)["metadata"];
    }
    Event(job_ref, "Normal", "SuccessfulCreate", "Created pod: " + pod_name, "job-controller");
    status["active"] = 1;
    status["ready"] = 0;
    push();

    const int max_restarts = restart_policy == "OnFailure"
                                 ? static_cast<int>(std::max<long long>(0, backoff_limit - failed))
                                 : 0;
    int restarts = 0;
    const PodOutcome outcome =
        RunPod(runner, pod, job_annotations, deadline, max_restarts, &restarts, [&](bool ready) {
          status["ready"] = ready ? 1 : 0;
          push();
        });
    restarts_used += restarts;
    failed += restarts;
    status["active"] = 0;
    status["ready"] = 0;
    switch (outcome) {
      case PodOutcome::kStopped:
        return;
      case PodOutcome::kDeadline:
        status["failed"] = failed + 1;
        finish(false, "DeadlineExceeded", "Job was active longer than specified deadline");
        return;
      case PodOutcome::kSucceeded:
        ++succeeded;
        status["succeeded"] = succeeded;
        break;
      case PodOutcome::kFailed:
      case PodOutcome::kDeleted:
        ++failed;
        status["failed"] = failed;
        break;
    }
    if ((outcome == PodOutcome::kFailed) && failed <= backoff_limit && !runner->stop) {
      const json failed_ref = {{"apiVersion", "v1"},
                               {"kind", "Pod"},
                               {"name", pod_name},
                               {"namespace", ns},
                               {"uid", Str(pod["metadata"], "uid")}};
      Event(failed_ref, "Warning", "BackOff",
            "Back-off restarting failed container in pod " + pod_name + "_" + ns, "kubelet");
    }
    if (failed > backoff_limit) {
      finish(false, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      return;
    }
    if (succeeded < completions) {
      push();
    }
  }
  if (!runner->stop) {
    finish(true, "CompletionsReached", "");
  }
}

void Kubelet::RunBarePod(std::shared_ptr<Runner> runner, json pod) {
  if (Str(pod["metadata"], "namespace").empty()) {
    pod["metadata"]["namespace"] = "default";
  }
  if (Str(Sub(pod, "spec"), "nodeName").empty()) {
    // The scheduler binds it; our status reports the node.
    std::lock_guard<std::mutex> lock(mu_);
    pod["spec"]["nodeName"] = node_name_;
  }
  int restarts = 0;
  RunPod(runner, pod, json::object(), std::nullopt, 0, &restarts, [](bool) {});
}

// ---------------------------------------------------------------------------
// Processes

void Kubelet::AppendLog(LogBuffer* log, const char* data, std::size_t n) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    log->data.append(data, n);
    // Trim in steps of 1 MiB so a chatty container does not move 4 MiB per read.
    if (log->data.size() > kMaxLogBytes + (1u << 20)) {
      log->dropped += log->data.size() - kMaxLogBytes;
      log->data.erase(0, log->data.size() - kMaxLogBytes);
    }
  }
  cv_.notify_all();
}

bool Kubelet::StartProcess(Proc* proc, const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env, const std::string& cwd) {
  std::vector<std::string> env_strings;
  env_strings.reserve(env.size());
  for (const auto& [k, v] : env) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> cargv;
  for (const std::string& a : argv) {
    cargv.push_back(const_cast<char*>(a.c_str()));
  }
  cargv.push_back(nullptr);
  std::vector<char*> cenv;
  for (const std::string& e : env_strings) {
    cenv.push_back(const_cast<char*>(e.c_str()));
  }
  cenv.push_back(nullptr);
  const std::string path = argv.front();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);  // keeps live_pids_ in step with fork
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return false;
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only. Dies with the server even when that is
    // SIGKILLed (the forking runner thread outlives the child, so PDEATHSIG only
    // fires when the whole process goes).
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
      _exit(137);
    }
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) {
      dup2(null_fd, 0);
    }
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close_range(3, ~0U, 0);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) {
      sigaction(sig, &dfl, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      // keep the inherited directory
    }
    execve(path.c_str(), cargv.data(), cenv.data());
    static const char kMsg[] = "exec failed\n";
    ssize_t ignored = write(2, kMsg, sizeof kMsg - 1);
    (void)ignored;
    _exit(127);
  }
  setpgid(pid, pid);
  close(fds[1]);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  proc->pid = pid;
  proc->fd = fds[0];
  live_pids_.insert(pid);
  return true;
}

Kubelet::SuperviseResult Kubelet::Supervise(const std::vector<Proc*>& procs,
                                            const std::function<bool()>& stop,
                                            std::optional<Clock::time_point> deadline) {
  SuperviseResult result = SuperviseResult::kDone;
  bool stopping = false;
  Clock::time_point stop_time{};
  char buf[65536];
  while (true) {
    bool all_done = true;
    for (Proc* p : procs) {
      if (p->pid > 0 && (!p->exited || p->fd >= 0)) {
        all_done = false;
      }
    }
    if (all_done) {
      break;
    }
    const auto now = Clock::now();
    if (!stopping) {
      if (stop()) {
        stopping = true;
        result = SuperviseResult::kStopped;
      } else if (deadline && now >= *deadline) {
        stopping = true;
        result = SuperviseResult::kDeadline;
      }
      if (stopping) {
        stop_time = now;
        for (Proc* p : procs) {
          if (p->pid > 0 && !p->exited) {
            kill(-p->pid, SIGTERM);
            p->killed_by_us = true;
          }
        }
      }
    } else if (now - stop_time > kKillGrace) {
      for (Proc* p : procs) {
        if (p->pid > 0 && !p->exited) {
          kill(-p->pid, SIGKILL);
        }
      }
    }
    std::vector<pollfd> pfds;
    std::vector<Proc*> owners;
    for (Proc* p : procs) {
      if (p->fd >= 0) {
        pfds.push_back({p->fd, POLLIN, 0});
        owners.push_back(p);
      }
    }
    if (!pfds.empty()) {
      poll(pfds.data(), pfds.size(), 50);
    } else {
      usleep(20000);
    }
    for (std::size_t i = 0; i < pfds.size(); ++i) {
      if ((pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      Proc* p = owners[i];
      while (true) {
        const ssize_t n = read(p->fd, buf, sizeof buf);
        if (n > 0) {
          AppendLog(p->log.get(), buf, static_cast<std::size_t>(n));
          continue;
        }
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n == 0 || errno != EAGAIN) {
          close(p->fd);
          p->fd = -1;
        }
        break;
      }
    }
    for (Proc* p : procs) {
      if (p->pid <= 0 || p->exited) {
        continue;
      }
      int st = 0;
      const pid_t r = waitpid(p->pid, &st, WNOHANG);
      if (r == p->pid || (r < 0 && errno == ECHILD)) {
        p->exited = true;
        p->exit_seen = Clock::now();
        p->finished_at = Now();
        if (r == p->pid && WIFEXITED(st)) {
          p->exit_code = WEXITSTATUS(st);
        } else if (r == p->pid && WIFSIGNALED(st)) {
          p->exit_code = 128 + WTERMSIG(st);
        } else {
          p->exit_code = 255;
        }
        kill(-p->pid, SIGKILL);  // the rest of the container's process group
        std::lock_guard<std::mutex> lock(mu_);
        live_pids_.erase(p->pid);
      }
    }
    for (Proc* p : procs) {
      // A process that left the group may hold the pipe open: stop reading after 1 s.
      if (p->exited && p->fd >= 0 && Clock::now() - p->exit_seen > std::chrono::seconds(1)) {
        close(p->fd);
        p->fd = -1;
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------
// Pods

namespace {

std::optional<std::string> FieldValue(const json& pod, const std::string& pod_ip,
                                      const std::string& host_ip, const std::string& field) {
  const json& meta = Sub(pod, "metadata");
  const json& spec = Sub(pod, "spec");
  if (field == "metadata.name") return Str(meta, "name");
  if (field == "metadata.namespace") return Str(meta, "namespace");
  if (field == "metadata.uid") return Str(meta, "uid");
  if (field == "spec.nodeName") return Str(spec, "nodeName");
  if (field == "spec.serviceAccountName") {
    const std::string sa = Str(spec, "serviceAccountName");
    return sa.empty() ? "default" : sa;
  }
  if (field == "status.podIP") return pod_ip;
  if (field == "status.hostIP") return host_ip;
  for (const char* map_field : {"labels", "annotations"}) {
    const std::string prefix = std::string("metadata.") + map_field + "['";
    if (field.rfind(prefix, 0) == 0 && field.size() > prefix.size() + 2 &&
        field.compare(field.size() - 2, 2, "']") == 0) {
      return Str(Sub(meta, map_field),
                 field.substr(prefix.size(), field.size() - prefix.size() - 2).c_str());
    }
  }
  if (field == "metadata.labels" || field == "metadata.annotations") {
    std::string out;
    const json& m = Sub(meta, field == "metadata.labels" ? "labels" : "annotations");
    if (m.is_object()) {
      for (auto it = m.begin(); it != m.end(); ++it) {
        out += it.key() + "=\"" + (it->is_string() ? it->get<std::string>() : it->dump()) + "\"\n";
      }
    }
    return out;
  }
  return std::nullopt;
}

/// Expands $(VAR) from `env`; $$ → $; unknown references stay as written.
std::string ExpandVars(const std::string& s, const std::map<std::string, std::string>& env) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '(') {
      const std::size_t close = s.find(')', i + 2);
      if (close != std::string::npos) {
        auto it = env.find(s.substr(i + 2, close - i - 2));
        if (it != env.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

/// A relative path from API data that stays inside its directory.
bool SafeRelative(const std::string& p) {
  if (p.empty() || p.front() == '/') {
    return false;
  }
  std::stringstream ss(p);
  std::string part;
  while (std::getline(ss, part, '/')) {
    if (part == "..") {
      return false;
    }
  }
  return true;
}

json ContainerRef(const json& pod_ref, const std::string& container, bool init, std::size_t index) {
  json ref = pod_ref;
  ref["fieldPath"] =
      std::string(init ? "spec.initContainers{" : "spec.containers{") + container + "}";
  (void)index;
  return ref;
}

}  // namespace

Kubelet::PodOutcome Kubelet::RunPod(const std::shared_ptr<Runner>& runner, json pod,
                                    const json& fallback_annotations,
                                    std::optional<Clock::time_point> job_deadline, int max_restarts,
                                    int* restarts_used, const std::function<void(bool)>& on_ready) {
  json& meta = pod["metadata"];
  const std::string ns = Str(meta, "namespace");
  const std::string name = Str(meta, "name");
  if (Str(meta, "uid").empty()) {
    if (auto stored = sink_->Get("", "pods", ns, name)) {
      meta["uid"] = Str(Sub(*stored, "metadata"), "uid");
    }
  }
  const json& spec = pod["spec"];
  const json annotations = Sub(meta, "annotations");
  const std::string fault = Annotation(annotations, fallback_annotations, "aicr.test/kubelet");
  const json pod_ref = {{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"name", name},
                        {"namespace", ns},
                        {"uid", Str(meta, "uid")}};
  std::vector<json> mains;
  std::vector<json> inits;
  if (Sub(spec, "containers").is_array()) {
    for (const json& c : spec["containers"]) mains.push_back(c);
  }
  if (Sub(spec, "initContainers").is_array()) {
    for (const json& c : spec["initContainers"]) inits.push_back(c);
  }

  auto rec = std::make_shared<PodRecord>();
  rec->ns = ns;
  rec->name = name;
  std::string pod_ip;
  std::string sa_token;
  std::string sa_ca;
  std::map<std::string, std::string> api_env;
  std::string api_url;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto* list : {&mains, &inits}) {
      for (const json& c : *list) {
        const std::string cname = Str(c, "name");
        rec->containers.push_back(cname);
        rec->logs[cname] = std::make_shared<LogBuffer>();
      }
    }
    pods_[ns + "/" + name] = rec;
    pod_ip = "10.244.0." + std::to_string(next_ip_);
    next_ip_ = next_ip_ >= 250 ? 10 : next_ip_ + 1;
    sa_token = sa_token_;
    sa_ca = sa_ca_;
    api_env = api_env_;
    api_url = api_url_;
  }
  const std::string host_ip = "10.0.0.1";
  const std::string node = Str(spec, "nodeName");

  auto stopped = [&] { return runner->stop.load() || rec->deleted.load(); };
  auto stop_outcome = [&] { return rec->deleted ? PodOutcome::kDeleted : PodOutcome::kStopped; };
  std::optional<Clock::time_point> pod_deadline;
  if (auto ads = Int(spec, "activeDeadlineSeconds"); ads && *ads > 0) {
    pod_deadline = Clock::now() + std::chrono::seconds(*ads);
  }
  std::optional<Clock::time_point> deadline = job_deadline;
  if (pod_deadline && (!deadline || *pod_deadline < *deadline)) {
    deadline = pod_deadline;
  }

  json status = {{"phase", "Pending"}, {"qosClass", "BestEffort"}};
  auto push = [&] {
    if (!stopped()) {
      sink_->UpdateStatus("", "pods", ns, name, status);
    }
  };
  auto condition = [&](const std::string& type, bool value, const std::string& reason = "",
                       const std::string& message = "") {
    json c = {{"type", type},
              {"status", value ? "True" : "False"},
              {"lastProbeTime", nullptr},
              {"lastTransitionTime", Now()}};
    if (!reason.empty()) c["reason"] = reason;
    if (!message.empty()) c["message"] = message;
    return c;
  };
  auto base_status = [&](const char* image_field, bool init, const json& c, json state, bool ready,
                         int restart_count) {
    (void)image_field;
    (void)init;
    return json{{"name", Str(c, "name")},
                {"image", Str(c, "image")},
                {"imageID", ""},
                {"ready", ready},
                {"started", state.contains("running")},
                {"restartCount", restart_count},
                {"state", state},
                {"lastState", json::object()}};
  };
  auto waiting_statuses = [&](const std::string& reason, const std::string& message) {
    json list = json::array();
    for (const json& c : mains) {
      json w = {{"reason", reason}};
      if (!message.empty()) w["message"] = message;
      list.push_back(base_status("image", false, c, {{"waiting", w}}, false, 0));
    }
    return list;
  };
  // Waits (pending forever) until deleted, stopped or past the deadline.
  auto wait_forever = [&]() -> PodOutcome {
    while (SleepUnless(runner, rec, std::chrono::milliseconds(100))) {
      if (deadline && Clock::now() >= *deadline) {
        const bool job = job_deadline && *deadline == *job_deadline;
        status["phase"] = "Failed";
        status["reason"] = "DeadlineExceeded";
        status["message"] = "Pod was active on the node longer than the specified deadline";
        push();
        return job ? PodOutcome::kDeadline : PodOutcome::kFailed;
      }
    }
    return stop_outcome();
  };

  // Scheduling.
  if (fault == "pending" && Annotation(annotations, fallback_annotations,
                                       "aicr.test/pending-reason") == "Unschedulable") {
    const std::string msg =
        "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    status["conditions"] = json::array({condition("PodScheduled", false, "Unschedulable", msg)});
    push();
    Event(pod_ref, "Warning", "FailedScheduling", msg, "default-scheduler");
    return wait_forever();
  }
  Event(pod_ref, "Normal", "Scheduled", "Successfully assigned " + ns + "/" + name + " to " + node,
        "default-scheduler");
  status["hostIP"] = host_ip;
  status["hostIPs"] = json::array({{{"ip", host_ip}}});
  status["startTime"] = Now();
  status["conditions"] = json::array(
      {condition("Initialized", inits.empty()), condition("Ready", false, "ContainersNotReady"),
       condition("ContainersReady", false, "ContainersNotReady"), condition("PodScheduled", true)});
  status["containerStatuses"] = waiting_statuses("ContainerCreating", "");
  push();

  if (fault == "pending") {
    for (const json& c : mains) {
      const json ref = ContainerRef(pod_ref, Str(c, "name"), false, 0);
      const std::string image = Str(c, "image");
      Event(ref, "Normal", "Pulling", "Pulling image \"" + image + "\"", "kubelet");
      Event(ref, "Warning", "Failed",
            "Failed to pull image \"" + image +
                "\": rpc error: code = NotFound desc = failed to "
                "pull and unpack image \"" +
                image + "\": not found",
            "kubelet");
      Event(ref, "Warning", "Failed", "Error: ErrImagePull", "kubelet");
      Event(ref, "Normal", "BackOff", "Back-off pulling image \"" + image + "\"", "kubelet");
      Event(ref, "Warning", "Failed", "Error: ImagePullBackOff", "kubelet");
    }
    status["containerStatuses"] = waiting_statuses(
        "ImagePullBackOff",
        "Back-off pulling image \"" + (mains.empty() ? "" : Str(mains[0], "image")) + "\"");
    push();
    return wait_forever();
  }

  // Images → commands.
  std::map<std::string, std::string> commands;  // container name → executable ("-" = as given)
  for (const auto* list : {&inits, &mains}) {
    for (const json& c : *list) {
      const std::string image = Str(c, "image");
      auto it = image_commands_.find(image);
      if (it == image_commands_.end()) it = image_commands_.find(StripTagAndDigest(image));
      if (it == image_commands_.end()) it = image_commands_.find("*");
      if (it == image_commands_.end()) {
        const std::string msg = "failed to pull and unpack image \"" + image +
                                "\": no command is mapped to this image in the test kubelet";
        Event(ContainerRef(pod_ref, Str(c, "name"), list == &inits, 0), "Warning", "Failed",
              "Failed to pull image \"" + image + "\": " + msg, "kubelet");
        Event(ContainerRef(pod_ref, Str(c, "name"), list == &inits, 0), "Warning", "Failed",
              "Error: ErrImagePull", "kubelet");
        status["containerStatuses"] = waiting_statuses("ErrImagePull", msg);
        push();
        return wait_forever();
      }
      commands[Str(c, "name")] = it->second;
    }
  }

  // Volumes.
  const fs::path pod_dir =
      fs::path(root_dir_) / (ns + "_" + name + "_" + RandomSuffix(6, kNameAlphabet));
  std::error_code ec;
  fs::create_directories(pod_dir / "home", ec);
  std::map<std::string, std::string> volume_dirs;
  auto write_items = [&](const fs::path& dir, const json& data, bool b64, const json& items) {
    if (!data.is_object()) return;
    if (items.is_array()) {
      for (const json& item : items) {
        const std::string key = Str(item, "key");
        const std::string path = Str(item, "path");
        if (data.contains(key) && data[key].is_string() && SafeRelative(path)) {
          const std::string v = data[key].get<std::string>();
          WriteFile(dir / path, b64 ? Base64Decode(v) : v);
        }
      }
      return;
    }
    for (auto it = data.begin(); it != data.end(); ++it) {
      if (it->is_string() && SafeRelative(it.key())) {
        const std::string v = it->get<std::string>();
        WriteFile(dir / it.key(), b64 ? Base64Decode(v) : v);
      }
    }
  };
  // Fills a configMap or secret source into `dir`; false when missing and not optional.
  auto fill_source = [&](const fs::path& dir, const json& src, bool secret,
                         std::string* missing) -> bool {
    const std::string obj_name =
        secret && src.contains("secretName") ? Str(src, "secretName") : Str(src, "name");
    auto obj = sink_->Get("", secret ? "secrets" : "configmaps", ns, obj_name);
    if (!obj) {
      const bool optional = Sub(src, "optional").is_boolean() && src["optional"].get<bool>();
      if (!optional) {
        *missing = std::string(secret ? "secret" : "configmap") + " \"" + obj_name + "\" not found";
      }
      return optional;
    }
    write_items(dir, Sub(*obj, "data"), secret, Sub(src, "items"));
    if (!secret) write_items(dir, Sub(*obj, "binaryData"), true, Sub(src, "items"));
    return true;
  };
  auto write_downward = [&](const fs::path& dir, const json& items) {
    if (!items.is_array()) return;
    for (const json& item : items) {
      const std::string path = Str(item, "path");
      const std::string field = Str(Sub(item, "fieldRef"), "fieldPath");
      if (!SafeRelative(path)) continue;
      if (auto v = FieldValue(pod, pod_ip, host_ip, field)) WriteFile(dir / path, *v);
    }
  };
  bool reported_mount_failure = false;
  while (true) {
    std::string missing;
    if (Sub(spec, "volumes").is_array()) {
      for (const json& v : spec["volumes"]) {
        const std::string vname = Str(v, "name");
        const fs::path dir = pod_dir / "volumes" / vname;
        fs::create_directories(dir, ec);
        std::string real = dir.string();
        if (v.contains("hostPath")) {
          const std::string hp = Str(v["hostPath"], "path");
          if (!hp.empty() && fs::exists(hp, ec)) real = hp;
        } else if (v.contains("configMap")) {
          if (!fill_source(dir, v["configMap"], false, &missing)) break;
        } else if (v.contains("secret")) {
          if (!fill_source(dir, v["secret"], true, &missing)) break;
        } else if (v.contains("downwardAPI")) {
          write_downward(dir, Sub(v["downwardAPI"], "items"));
        } else if (v.contains("projected")) {
          const json& sources = Sub(v["projected"], "sources");
          if (sources.is_array()) {
            for (const json& s : sources) {
              if (s.contains("serviceAccountToken")) {
                std::string p = Str(s["serviceAccountToken"], "path");
                if (SafeRelative(p)) WriteFile(dir / p, sa_token);
              } else if (s.contains("configMap")) {
                if (!fill_source(dir, s["configMap"], false, &missing)) break;
              } else if (s.contains("secret")) {
                if (!fill_source(dir, s["secret"], true, &missing)) break;
              } else if (s.contains("downwardAPI")) {
                write_downward(dir, Sub(s["downwardAPI"], "items"));
              }
            }
          }
          if (!missing.empty()) break;
        } else if (!v.contains("emptyDir")) {
          std::fprintf(stderr, "kubelet: pod %s/%s: volume %s backed by an empty directory\n",
                       ns.c_str(), name.c_str(), vname.c_str());
        }
        volume_dirs[vname] = real;
      }
    }
    if (missing.empty()) break;
    if (!reported_mount_failure) {
      reported_mount_failure = true;
      Event(pod_ref, "Warning", "FailedMount", "MountVolume.SetUp failed: " + missing, "kubelet");
    }
    if (!SleepUnless(runner, rec, std::chrono::milliseconds(250))) return stop_outcome();
    if (deadline && Clock::now() >= *deadline) return wait_forever();
  }
  const bool automount = !(Sub(spec, "automountServiceAccountToken").is_boolean() &&
                           !spec["automountServiceAccountToken"].get<bool>());
  const fs::path sa_dir = pod_dir / "serviceaccount";
  if (automount) {
    WriteFile(sa_dir / "token", sa_token);
    WriteFile(sa_dir / "ca.crt", sa_ca);
    WriteFile(sa_dir / "namespace", ns);
  }
  // The pod's kubeconfig (see the header comment).
  std::string kubeconfig_path;
  if (!api_url.empty()) {
    std::ostringstream kc;
    kc << "apiVersion: v1\nkind: Config\nclusters:\n- name: in-cluster\n  cluster:\n"
       << "    server: " << api_url << "\n";
    if (api_url.rfind("https://", 0) == 0 && !sa_ca.empty()) {
      const fs::path ca = pod_dir / "kubeconfig-ca.crt";
      WriteFile(ca, sa_ca);
      kc << "    certificate-authority: " << ca.string() << "\n";
    }
    kc << "users:\n- name: pod\n  user:";
    if (automount && !sa_token.empty()) {
      kc << "\n    token: " << sa_token << "\n";
    } else {
      kc << " {}\n";
    }
    kc << "contexts:\n- name: in-cluster\n  context:\n    cluster: in-cluster\n"
       << "    user: pod\n    namespace: " << ns << "\ncurrent-context: in-cluster\n";
    kubeconfig_path = (pod_dir / "kubeconfig").string();
    WriteFile(kubeconfig_path, kc.str());
  }

  // Per-container launch description.
  struct Launch {
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;
    std::string cwd;
    std::string term_file;
    std::string term_policy;
  };
  auto prepare = [&](const json& c, std::string* error) -> Launch {
    Launch l;
    const std::string cname = Str(c, "name");
    std::vector<std::pair<std::string, std::string>> mounts;
    if (Sub(c, "volumeMounts").is_array()) {
      for (const json& m : c["volumeMounts"]) {
        auto it = volume_dirs.find(Str(m, "name"));
        const std::string mount_path = Str(m, "mountPath");
        if (it == volume_dirs.end() || mount_path.empty() || mount_path.front() != '/') continue;
        std::string real = it->second;
        const std::string sub_path = Str(m, "subPath");
        if (!sub_path.empty() && SafeRelative(sub_path)) real += "/" + sub_path;
        mounts.emplace_back(mount_path, real);
      }
    }
    if (automount && std::none_of(mounts.begin(), mounts.end(),
                                  [](const auto& m) { return m.first == kSaPath; })) {
      mounts.emplace_back(kSaPath, sa_dir.string());
    }
    std::string term_path = Str(c, "terminationMessagePath");
    if (term_path.empty()) term_path = kDefaultTermPath;
    l.term_file = (pod_dir / "termination" / cname).string();
    WriteFile(l.term_file, "");
    if (!term_path.empty() && term_path.front() == '/') mounts.emplace_back(term_path, l.term_file);
    l.term_policy = Str(c, "terminationMessagePolicy");
    std::sort(mounts.begin(), mounts.end(), [](const auto& a, const auto& b) {
      return a.first.size() != b.first.size() ? a.first.size() > b.first.size() : a < b;
    });

    const char* host_path = std::getenv("PATH");
    l.env["PATH"] = host_path != nullptr && *host_path != '\0'
                        ? host_path
                        : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    l.env["HOME"] = (pod_dir / "home").string();
    l.env["HOSTNAME"] = name;
    for (const auto& [k, v] : api_env) l.env[k] = v;
    if (!kubeconfig_path.empty()) l.env["KUBECONFIG"] = kubeconfig_path;
    for (const auto& [path, real] : mounts) l.env[MountEnvName(path)] = real;
    if (Sub(c, "envFrom").is_array()) {
      for (const json& ef : c["envFrom"]) {
        const std::string prefix = Str(ef, "prefix");
        for (const char* kind : {"configMapRef", "secretRef"}) {
          if (!ef.contains(kind)) continue;
          const bool secret = std::string(kind) == "secretRef";
          auto obj = sink_->Get("", secret ? "secrets" : "configmaps", ns, Str(ef[kind], "name"));
          if (!obj) continue;
          const json& data = Sub(*obj, "data");
          if (!data.is_object()) continue;
          for (auto it = data.begin(); it != data.end(); ++it) {
            if (it->is_string()) {
              l.env[prefix + it.key()] =
                  secret ? Base64Decode(it->get<std::string>()) : it->get<std::string>();
            }
          }
        }
      }
    }
    if (Sub(c, "env").is_array()) {
      for (const json& e : c["env"]) {
        const std::string ename = Str(e, "name");
        if (ename.empty()) continue;
        if (e.contains("value") && e["value"].is_string()) {
          l.env[ename] = Rewrite(ExpandVars(e["value"].get<std::string>(), l.env), mounts);
          continue;
        }
        const json& from = Sub(e, "valueFrom");
        std::optional<std::string> value;
        if (from.contains("fieldRef")) {
          value = FieldValue(pod, pod_ip, host_ip, Str(from["fieldRef"], "fieldPath"));
        } else if (from.contains("configMapKeyRef") || from.contains("secretKeyRef")) {
          const bool secret = from.contains("secretKeyRef");
          const json& ref = from[secret ? "secretKeyRef" : "configMapKeyRef"];
          if (auto obj = sink_->Get("", secret ? "secrets" : "configmaps", ns, Str(ref, "name"))) {
            const std::string v = Str(Sub(*obj, "data"), Str(ref, "key").c_str());
            if (Sub(Sub(*obj, "data"), Str(ref, "key").c_str()).is_string()) {
              value = secret ? Base64Decode(v) : v;
            }
          }
        } else if (!e.contains("value")) {
          l.env[ename] = "";
          continue;
        }
        if (value) {
          l.env[ename] = *value;
        } else {
          std::fprintf(stderr,
                       "kubelet: pod %s/%s container %s: env %s: unsupported source, skipped\n",
                       ns.c_str(), name.c_str(), cname.c_str(), ename.c_str());
        }
      }
    }
    std::vector<std::string> cmd;
    if (Sub(c, "command").is_array()) {
      for (const json& a : c["command"])
        cmd.push_back(a.is_string() ? a.get<std::string>() : a.dump());
    }
    std::vector<std::string> args;
    if (Sub(c, "args").is_array()) {
      for (const json& a : c["args"])
        args.push_back(a.is_string() ? a.get<std::string>() : a.dump());
    }
    const std::string mapped = commands[cname];
    if (mapped == "-") {
      if (cmd.empty()) {
        *error =
            "image \"" + Str(c, "image") + "\" is mapped to \"-\" but the container has no command";
        return l;
      }
      l.argv = cmd;
    } else {
      l.argv.push_back(mapped);
      for (std::size_t i = 1; i < cmd.size(); ++i) l.argv.push_back(cmd[i]);
    }
    l.argv.insert(l.argv.end(), args.begin(), args.end());
    for (std::size_t i = 1; i < l.argv.size(); ++i) {
      l.argv[i] = Rewrite(ExpandVars(l.argv[i], l.env), mounts);
    }
    if (mapped == "-") l.argv[0] = Rewrite(ExpandVars(l.argv[0], l.env), mounts);
    l.argv[0] = ResolveExecutable(l.argv[0], l.env["PATH"]);
    if (access(l.argv[0].c_str(), X_OK) != 0) {
      *error = "exec: \"" + l.argv[0] + "\": stat " + l.argv[0] + ": " + std::strerror(errno);
    }
    l.cwd = (pod_dir / "home").string();
    const std::string wd = Rewrite(Str(c, "workingDir"), mounts);
    if (!wd.empty() && fs::is_directory(wd, ec)) l.cwd = wd;
    return l;
  };

  // Status of a finished container instance.
  auto terminated_state = [&](const Proc& p) {
    json t = {{"exitCode", p.exit_code},
              {"reason", p.reason},
              {"startedAt", p.started_at},
              {"finishedAt", p.finished_at},
              {"containerID", ""}};
    if (!p.message.empty()) t["message"] = p.message;  // omitted when empty, as Kubernetes does
    return json{{"terminated", t}};
  };
  auto finish_proc = [&](Proc* p) {
    if (p->reason.empty()) p->reason = p->exit_code == 0 ? "Completed" : "Error";
    if (p->message.empty()) {
      p->message = ReadFileCapped(p->term_file, kMaxTerminationMessage);
      if (p->message.empty() && p->exit_code != 0 && p->term_policy == "FallbackToLogsOnError") {
        std::lock_guard<std::mutex> lock(mu_);
        p->message = LogTail(p->log->data);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      p->log->done = true;
    }
    cv_.notify_all();
  };
  // Starts one container (or its simulated fault); false on a start error (already final).
  auto start = [&](Proc* p, const json& c, bool init, bool apply_fault) {
    p->name = Str(c, "name");
    p->image = Str(c, "image");
    p->started_at = Now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      p->log = rec->logs[p->name];
      p->log->data.clear();
      p->log->dropped = 0;
      p->log->done = false;
      p->log->started = true;
    }
    const json ref = ContainerRef(pod_ref, p->name, init, 0);
    Event(ref, "Normal", "Pulled",
          "Container image \"" + p->image + "\" already present on machine", "kubelet");
    std::string error;
    Launch l = prepare(c, &error);
    p->term_file = l.term_file;
    p->term_policy = l.term_policy;
    if (apply_fault && (fault == "fail" || fault == "oomkill")) {
      Event(ref, "Normal", "Created", "Created container " + p->name, "kubelet");
      Event(ref, "Normal", "Started", "Started container " + p->name, "kubelet");
      p->exited = true;
      p->finished_at = Now();
      if (fault == "oomkill") {
        p->exit_code = 137;
        p->reason = "OOMKilled";
      } else {
        const std::string code =
            Annotation(annotations, fallback_annotations, "aicr.test/exit-code");
        p->exit_code = code.empty() ? 1 : std::atoi(code.c_str());
        if (p->exit_code == 0) p->exit_code = 1;
      }
      return true;
    }
    if (apply_fault && fault == "hang") {
      l.argv = {ResolveExecutable("sleep", l.env["PATH"]), "2147483647"};
      error.clear();
    }
    if (!error.empty() || !StartProcess(p, l.argv, l.env, l.cwd)) {
      if (error.empty()) error = std::string("fork: ") + std::strerror(errno);
      p->exited = true;
      p->exit_code = 128;
      p->reason = "StartError";
      p->message =
          "failed to create containerd task: failed to create shim task: OCI runtime "
          "create failed: runc create failed: unable to start container process: " +
          error;
      p->finished_at = Now();
      Event(ref, "Warning", "Failed", "Error: " + p->message, "kubelet");
      return false;
    }
    Event(ref, "Normal", "Created", "Created container " + p->name, "kubelet");
    Event(ref, "Normal", "Started", "Started container " + p->name, "kubelet");
    return true;
  };
  auto fail_pod = [&](const std::string& reason, const std::string& message) {
    status["phase"] = "Failed";
    if (!reason.empty()) status["reason"] = reason;
    if (!message.empty()) status["message"] = message;
    status["conditions"] = json::array(
        {condition("Initialized", true), condition("Ready", false, "PodFailed"),
         condition("ContainersReady", false, "PodFailed"), condition("PodScheduled", true)});
  };
  status["podIP"] = pod_ip;
  status["podIPs"] = json::array({{{"ip", pod_ip}}});
  // The pod outlives its runner (its Job was deleted without cascading): record
  // that its containers were killed rather than leave it Running.
  auto report_killed = [&] {
    bool shutting_down = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutting_down = shutting_down_;
    }
    if (rec->deleted || shutting_down) return;
    fail_pod("", "");
    sink_->UpdateStatus("", "pods", ns, name, status);
  };

  // Init containers, one after another.
  json init_statuses = json::array();
  for (const json& c : inits) {
    Proc p;
    start(&p, c, true, false);
    init_statuses.push_back(
        base_status("image", true, c, {{"running", {{"startedAt", p.started_at}}}}, false, 0));
    status["initContainerStatuses"] = init_statuses;
    push();
    SuperviseResult r = SuperviseResult::kDone;
    if (p.pid > 0) r = Supervise({&p}, stopped, deadline);
    finish_proc(&p);
    init_statuses.back() = base_status("image", true, c, terminated_state(p), p.exit_code == 0, 0);
    status["initContainerStatuses"] = init_statuses;
    if (r == SuperviseResult::kStopped) {
      report_killed();
      return stop_outcome();
    }
    if (r == SuperviseResult::kDeadline) {
      fail_pod("DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
      push();
      return job_deadline && *deadline == *job_deadline ? PodOutcome::kDeadline
                                                        : PodOutcome::kFailed;
    }
    if (p.exit_code != 0) {
      fail_pod("", "");
      push();
      return PodOutcome::kFailed;
    }
  }
  if (!inits.empty()) status["conditions"][0] = condition("Initialized", true);

  // Main containers, together; OnFailure restarts them in place.
  std::vector<int> restart_counts(mains.size(), 0);
  std::vector<json> last_states(mains.size(), json::object());
  while (true) {
    std::vector<Proc> procs(mains.size());
    std::vector<Proc*> ptrs;
    bool all_started = true;
    for (std::size_t i = 0; i < mains.size(); ++i) {
      all_started = start(&procs[i], mains[i], false, true) && all_started;
      ptrs.push_back(&procs[i]);
    }
    json statuses = json::array();
    for (std::size_t i = 0; i < mains.size(); ++i) {
      json st =
          base_status("image", false, mains[i],
                      procs[i].pid > 0 ? json{{"running", {{"startedAt", procs[i].started_at}}}}
                                       : json{{"waiting", {{"reason", "ContainerCreating"}}}},
                      procs[i].pid > 0, restart_counts[i]);
      st["lastState"] = last_states[i];
      st["containerID"] = "containerd://" + RandomSuffix(64, "0123456789abcdef");
      statuses.push_back(st);
    }
    status["containerStatuses"] = statuses;
    const bool running = all_started && std::all_of(procs.begin(), procs.end(),
                                                    [](const Proc& p) { return p.pid > 0; });
    if (running) {
      status["phase"] = "Running";
      status["conditions"] =
          json::array({condition("Initialized", true), condition("Ready", true),
                       condition("ContainersReady", true), condition("PodScheduled", true)});
      push();
      on_ready(true);
    }
    const SuperviseResult r = Supervise(ptrs, stopped, deadline);
    bool all_ok = true;
    for (std::size_t i = 0; i < procs.size(); ++i) {
      finish_proc(&procs[i]);
      json st = base_status("image", false, mains[i], terminated_state(procs[i]), false,
                            restart_counts[i]);
      st["lastState"] = last_states[i];
      st["containerID"] = statuses[i]["containerID"];
      st["state"]["terminated"]["containerID"] = statuses[i]["containerID"];
      statuses[i] = st;
      all_ok = all_ok && procs[i].exit_code == 0;
    }
    status["containerStatuses"] = statuses;
    if (r == SuperviseResult::kStopped) {
      report_killed();
      return stop_outcome();
    }
    if (r == SuperviseResult::kDeadline) {
      fail_pod("DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
      push();
      return job_deadline && *deadline == *job_deadline ? PodOutcome::kDeadline
                                                        : PodOutcome::kFailed;
    }
    if (all_ok) {
      status["phase"] = "Succeeded";
      status["conditions"] = json::array(
          {condition("Initialized", true), condition("Ready", false, "PodCompleted"),
           condition("ContainersReady", false, "PodCompleted"), condition("PodScheduled", true)});
      push();
      on_ready(false);
      return PodOutcome::kSucceeded;
    }
    if (*restarts_used < max_restarts && all_started) {
      ++*restarts_used;
      for (std::size_t i = 0; i < procs.size(); ++i) {
        last_states[i] = terminated_state(procs[i]);
        ++restart_counts[i];
        Event(ContainerRef(pod_ref, procs[i].name, false, 0), "Warning", "BackOff",
              "Back-off restarting failed container " + procs[i].name + " in pod " + name + "_" +
                  ns + "(" + Str(meta, "uid") + ")",
              "kubelet");
      }
      on_ready(false);
      continue;
    }
    fail_pod("", "");
    push();
    on_ready(false);
    return PodOutcome::kFailed;
  }
}

}  // namespace aicr::testing::apiserver
