#pragma once

/// \file
/// When and how long the transport waits before repeating a request: exponential
/// backoff with full jitter (attempt n waits a uniformly random time in
/// [0, min(cap, base * 2^n)]), or the server's Retry-After when it sent one.
/// Clock, sleeper and random source are injectable for tests.

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "base/cancel.h"
#include "base/status.h"

namespace aicr::k8s {

struct RetryPolicy {
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{5000};
  /// Attempts in all, the first one included (1 = never retry).
  int max_attempts = 5;
};

/// The seams the retry loop waits through.
struct RetryEnv {
  using SteadyTime = std::chrono::steady_clock::time_point;
  /// Current time (steady_clock::now by default).
  std::function<SteadyTime()> now;
  /// Sleeps `d`; CanceledError when `cancel` fires first (CancelToken::SleepFor by default).
  std::function<Status(std::chrono::milliseconds d, const CancelToken& cancel)> sleep;
  /// A uniform random number in [0, 1) (a thread-local mt19937 by default).
  std::function<double()> random;

  /// The real clock, sleeper and random source.
  static RetryEnv Real();
};

/// The full-jitter delay before retry number `retry` (0 for the first retry):
/// `random01` scaled into [0, min(cap, base * 2^retry)].
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double random01);

/// Parses a Retry-After header holding delta-seconds ("3"); nullopt for anything
/// else (HTTP dates are not honoured). Values are capped at one hour.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value);

/// Whether an HTTP status is worth repeating: 429 and 5xx except 501.
bool IsRetryableHttpStatus(int status);

/// Whether `method` may be repeated after the request may have reached the server.
bool IsIdempotentMethod(std::string_view method);

/// Waits `delay` unless that would pass `deadline` (when set) or `cancel` fires.
/// Errors: kCanceled; kTimeout `<what>: timed out` when the wait would end after the
/// deadline (the caller reports its last error instead when it has one).
Status WaitBeforeRetry(const RetryEnv& env, std::chrono::milliseconds delay,
                       std::optional<RetryEnv::SteadyTime> deadline, const CancelToken& cancel);

}  // namespace aicr::k8s
