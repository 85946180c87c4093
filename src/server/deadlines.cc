#include "server/deadlines.h"

namespace aicr::server {

Deadlines::Deadlines() : thread_([this] { Loop(); }) {}

Deadlines::~Deadlines() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::uint64_t Deadlines::Add(CancelToken token, std::chrono::steady_clock::time_point deadline) {
  std::uint64_t id = 0;
  bool earlier = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    entries_.emplace(id, Entry{std::move(token), deadline});
    earlier = deadline < wake_at_;
  }
  // Waking the loop costs a context switch per request; it is only needed when
  // this deadline comes before the one the loop already sleeps towards.
  if (earlier) {
    cv_.notify_all();
  }
  return id;
}

void Deadlines::Remove(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(id);
}

void Deadlines::CancelAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, e] : entries_) {
    e.token.Cancel();
  }
  entries_.clear();
}

void Deadlines::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    auto next = std::chrono::steady_clock::time_point::max();
    const auto now = std::chrono::steady_clock::now();
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.deadline <= now) {
        it->second.token.Cancel();
        it = entries_.erase(it);
      } else {
        next = std::min(next, it->second.deadline);
        ++it;
      }
    }
    wake_at_ = next;
    if (next == std::chrono::steady_clock::time_point::max()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, next);
    }
  }
}

}  // namespace aicr::server
