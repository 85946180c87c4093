#include "k8s/retry.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

namespace aicr::k8s {

RetryEnv RetryEnv::Real() {
  RetryEnv env;
  env.now = [] { return std::chrono::steady_clock::now(); };
  env.sleep = [](std::chrono::milliseconds d, const CancelToken& cancel) {
    return cancel.SleepFor(d);
  };
  env.random = [] {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
  };
  return env;
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double random01) {
  std::int64_t ceiling = policy.base.count();
  for (int i = 0; i < retry && ceiling < policy.cap.count(); ++i) {
    ceiling *= 2;
  }
  ceiling = std::clamp<std::int64_t>(ceiling, 0, policy.cap.count());
  const double r = std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(r * static_cast<double>(ceiling)));
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
    value.remove_suffix(1);
  }
  if (value.empty() || value.size() > 9) {
    return std::nullopt;
  }
  std::int64_t seconds = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    seconds = seconds * 10 + (c - '0');
  }
  return std::chrono::milliseconds(std::min<std::int64_t>(seconds, 3600) * 1000);
}

bool IsRetryableHttpStatus(int status) {
  return status == 429 || (status >= 500 && status <= 599 && status != 501);
}

bool IsIdempotentMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

Status WaitBeforeRetry(const RetryEnv& env, std::chrono::milliseconds delay,
                       std::optional<RetryEnv::SteadyTime> deadline, const CancelToken& cancel) {
  if (cancel.IsCanceled()) {
    return CanceledError("operation canceled");
  }
  if (deadline.has_value() && env.now() + delay > *deadline) {
    return TimeoutError("timed out: the next retry would pass the deadline");
  }
  return env.sleep(delay, cancel);
}

}  // namespace aicr::k8s
