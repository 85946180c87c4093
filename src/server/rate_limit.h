#pragma once

/// \file
/// Token-bucket rate limiting: one process-global bucket (upstream: 100 req/s,
/// burst 200) and, optionally, one bucket per client address so a single client
/// cannot starve the others. Time is passed in, so tests need no sleeps.

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/config.h"

namespace aicr::server {

using SteadyTime = std::chrono::steady_clock::time_point;

/// A classic token bucket: `rate` tokens per second up to `burst`; starts full.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst, SteadyTime now);
  /// Refills for the time since the last call, then takes one token if there is one.
  bool Take(SteadyTime now);
  /// Tokens left after refilling to `now`.
  double Tokens(SteadyTime now);
  double rate() const { return rate_; }
  double burst() const { return burst_; }

 private:
  void Refill(SteadyTime now);
  double rate_;
  double burst_;
  double tokens_;
  SteadyTime last_;
};

/// What the middleware reports for one request.
struct RateDecision {
  bool allowed = true;
  double limit = 0;                ///< X-RateLimit-Limit: the deciding bucket's rate
  double burst = 0;                ///< the deciding bucket's burst (429 details)
  std::int64_t remaining = 0;      ///< X-RateLimit-Remaining: whole tokens left
  std::int64_t retry_after_s = 1;  ///< Retry-After on a rejection (seconds, at least 1)
};

class RateLimiter {
 public:
  explicit RateLimiter(const RateLimitConfig& config);
  /// False when both buckets are disabled (rate 0): no headers, never rejects.
  bool enabled() const { return global_on_ || per_client_on_; }
  /// Charges one request from `client` (the remote address).
  RateDecision Allow(const std::string& client, SteadyTime now);
  /// Per-client buckets currently kept (tests).
  std::size_t ClientCount();

 private:
  TokenBucket& ClientBucket(const std::string& client, SteadyTime now);

  RateLimitConfig config_;
  bool global_on_;
  bool per_client_on_;
  std::mutex mu_;
  TokenBucket global_;
  // Least recently used first.
  std::list<std::pair<std::string, TokenBucket>> lru_;
  std::unordered_map<std::string, std::list<std::pair<std::string, TokenBucket>>::iterator>
      clients_;
};

}  // namespace aicr::server
