#pragma once

/// \file
/// Prometheus metrics in the text exposition format (version 0.0.4):
/// `aicr_http_requests_total{method,path,status}`, the
/// `aicr_http_request_duration_seconds{method,path}` histogram,
/// `aicr_http_requests_in_flight`, `aicr_rate_limit_rejects_total` and
/// `aicr_http_panics_recovered_total`. `path` is the route (or `unmatched`), so
/// label cardinality stays bounded whatever clients send.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace aicr::server {

class Metrics {
 public:
  /// Histogram upper bounds in seconds (the last bucket is +Inf).
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10,  30};

  void Observe(const std::string& method, const std::string& path, int status, double seconds);
  void InFlightInc() { in_flight_.fetch_add(1); }
  void InFlightDec() { in_flight_.fetch_sub(1); }
  std::int64_t in_flight() const { return in_flight_.load(); }
  void RateLimitReject() { rate_limit_rejects_.fetch_add(1); }
  void PanicRecovered() { panics_recovered_.fetch_add(1); }
  std::uint64_t panics_recovered() const { return panics_recovered_.load(); }

  /// The whole exposition, families sorted, series sorted by labels.
  std::string Render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> durations_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::uint64_t> rate_limit_rejects_{0};
  std::atomic<std::uint64_t> panics_recovered_{0};
};

}  // namespace aicr::server
