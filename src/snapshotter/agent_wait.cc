// Waiting for the snapshot agent's Job: condition reading and the monitor that
// turns the deadline and the caller's cancellation into one token.

#include "snapshotter/agent_wait.h"

#include <ostream>
#include <utility>

namespace aicr::snapshotter {

using serialize::Value;

std::string StringAt(const Value& v, std::string_view path) {
  const Value* f = v.FindPath(path);
  return f != nullptr && f->is_string() ? *f->if_string() : "";
}

JobState StateOf(const Value& job, std::string* reason, std::string* message) {
  const Value* conditions = job.FindPath("status.conditions");
  if (conditions == nullptr || !conditions->is_sequence()) {
    return JobState::kRunning;
  }
  for (const Value& c : *conditions->if_sequence()) {
    if (StringAt(c, "status") != "True") {
      continue;
    }
    const std::string type = StringAt(c, "type");
    if (type == "Complete") {
      return JobState::kComplete;
    }
    if (type == "Failed") {
      *reason = StringAt(c, "reason");
      *message = StringAt(c, "message");
      return JobState::kFailed;
    }
  }
  return JobState::kRunning;
}

WaitMonitor::WaitMonitor(const AgentIo& io, CancelToken token,
                         std::chrono::steady_clock::time_point deadline, std::string what)
    : io_(io), token_(std::move(token)), deadline_(deadline), what_(std::move(what)) {
  start_ = std::chrono::steady_clock::now();
  if (io_.progress != nullptr && !io_.progress_is_tty) {
    *io_.progress << "waiting for " << what_ << "\n" << std::flush;
  }
  thread_ = std::thread([this] { Loop(); });
}

WaitMonitor::~WaitMonitor() { Stop(); }

void WaitMonitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (io_.progress != nullptr && io_.progress_is_tty && drawn_) {
    *io_.progress << "\n" << std::flush;
  }
}

long WaitMonitor::Elapsed() const {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_)
          .count());
}

void WaitMonitor::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  auto next_draw = std::chrono::steady_clock::now();
  while (!stopped_) {
    const auto now = std::chrono::steady_clock::now();
    if (io_.cancel.IsCanceled()) {
      token_.Cancel();
    } else if (now >= deadline_) {
      timed_out_ = true;
      token_.Cancel();
    }
    if (io_.progress != nullptr && io_.progress_is_tty && now >= next_draw) {
      *io_.progress << "\rwaiting for " << what_ << " (" << Elapsed() << "s)" << std::flush;
      drawn_ = true;
      next_draw = now + std::chrono::seconds(1);
    }
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

}  // namespace aicr::snapshotter
