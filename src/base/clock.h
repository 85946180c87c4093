#pragma once

/// \file
/// Time seam: code that stamps or waits asks a Clock, so tests can fix the time.

#include <chrono>
#include <string>

namespace aicr {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
  /// The process-wide real clock.
  static const Clock& Real();
};

/// A clock that returns a settable instant; for tests.
class FakeClock : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point now) : now_(now) {}
  std::chrono::system_clock::time_point Now() const override { return now_; }
  void Set(std::chrono::system_clock::time_point now) { now_ = now; }
  void Advance(std::chrono::nanoseconds d) {
    now_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }

 private:
  std::chrono::system_clock::time_point now_;
};

/// RFC 3339 in UTC with second precision, e.g. `2025-01-15T10:30:00Z`.
std::string FormatRfc3339(std::chrono::system_clock::time_point t);

}  // namespace aicr
