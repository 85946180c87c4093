#pragma once

/// \file
/// Request deadlines: one thread cancels the CancelToken of every request that
/// outlives its deadline, so the client facade stops cooperative work early.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

#include "base/cancel.h"

namespace aicr::server {

class Deadlines {
 public:
  Deadlines();
  ~Deadlines();
  Deadlines(const Deadlines&) = delete;
  Deadlines& operator=(const Deadlines&) = delete;

  /// Cancels `token` at `deadline` unless removed first; returns a handle.
  std::uint64_t Add(CancelToken token, std::chrono::steady_clock::time_point deadline);
  void Remove(std::uint64_t id);
  /// Cancels every registered token now (shutdown past its grace period).
  void CancelAll();

 private:
  struct Entry {
    CancelToken token;
    std::chrono::steady_clock::time_point deadline;
  };
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::uint64_t next_id_ = 1;
  /// When the loop wakes next on its own (max: only when notified).
  std::chrono::steady_clock::time_point wake_at_ = std::chrono::steady_clock::time_point::max();
  std::map<std::uint64_t, Entry> entries_;
  std::thread thread_;
};

}  // namespace aicr::server
