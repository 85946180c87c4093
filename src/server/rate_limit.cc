#include "server/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace aicr::server {

TokenBucket::TokenBucket(double rate, double burst, SteadyTime now)
    : rate_(rate), burst_(std::max(1.0, burst)), tokens_(std::max(1.0, burst)), last_(now) {}

void TokenBucket::Refill(SteadyTime now) {
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }
}

bool TokenBucket::Take(SteadyTime now) {
  Refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  return false;
}

double TokenBucket::Tokens(SteadyTime now) {
  Refill(now);
  return tokens_;
}

RateLimiter::RateLimiter(const RateLimitConfig& config)
    : config_(config),
      global_on_(config.rate > 0),
      per_client_on_(config.per_client_rate > 0),
      global_(config.rate, config.burst, std::chrono::steady_clock::now()) {}

TokenBucket& RateLimiter::ClientBucket(const std::string& client, SteadyTime now) {
  const auto it = clients_.find(client);
  if (it != clients_.end()) {
    lru_.splice(lru_.end(), lru_, it->second);
    return it->second->second;
  }
  if (clients_.size() >= std::max<std::size_t>(1, config_.max_clients)) {
    clients_.erase(lru_.front().first);
    lru_.pop_front();
  }
  lru_.emplace_back(client, TokenBucket(config_.per_client_rate, config_.per_client_burst, now));
  clients_[client] = std::prev(lru_.end());
  return lru_.back().second;
}

RateDecision RateLimiter::Allow(const std::string& client, SteadyTime now) {
  RateDecision d;
  if (!enabled()) {
    return d;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto decide = [&](TokenBucket& bucket) {
    const bool ok = bucket.Take(now);
    const double left = bucket.Tokens(now);
    const auto remaining = static_cast<std::int64_t>(std::floor(left));
    if (d.limit == 0 || !ok || remaining < d.remaining) {
      d.limit = bucket.rate();
      d.burst = bucket.burst();
      d.remaining = remaining;
    }
    if (!ok) {
      d.allowed = false;
      d.retry_after_s = std::max<std::int64_t>(
          1, static_cast<std::int64_t>(std::ceil((1.0 - left) / bucket.rate())));
    }
    return ok;
  };
  if (per_client_on_ && !decide(ClientBucket(client, now))) {
    return d;
  }
  if (global_on_) {
    decide(global_);
  }
  return d;
}

std::size_t RateLimiter::ClientCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return clients_.size();
}

}  // namespace aicr::server
