#pragma once

/// \file
/// Waiting for the snapshot agent's Job (internal to the agent).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/cancel.h"
#include "serialize/value.h"
#include "snapshotter/agent.h"

namespace aicr::snapshotter {

/// The string at a dotted path of `v`, or "".
std::string StringAt(const serialize::Value& v, std::string_view path);

/// A Job's state from its conditions.
enum class JobState { kRunning, kComplete, kFailed };

/// kFailed fills `reason` and `message` from the Failed condition.
JobState StateOf(const serialize::Value& job, std::string* reason, std::string* message);

/// Fires `token` when the caller's `io.cancel` fires or `deadline` passes, and
/// draws the progress line (rewritten once a second on a TTY; one line otherwise).
class WaitMonitor {
 public:
  WaitMonitor(const AgentIo& io, CancelToken token, std::chrono::steady_clock::time_point deadline,
              std::string what);
  ~WaitMonitor();
  WaitMonitor(const WaitMonitor&) = delete;
  WaitMonitor& operator=(const WaitMonitor&) = delete;

  /// Stops the monitor thread (idempotent); ends a drawn TTY line.
  void Stop();
  /// Whether the deadline (not the caller) fired the token.
  bool timed_out() const { return timed_out_.load(); }
  /// Seconds since the monitor started.
  long Elapsed() const;

 private:
  void Loop();

  const AgentIo& io_;
  CancelToken token_;
  std::chrono::steady_clock::time_point deadline_;
  std::string what_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  bool drawn_ = false;
  std::atomic<bool> timed_out_{false};
  std::thread thread_;
};

}  // namespace aicr::snapshotter
