#include "server/metrics.h"

#include <charconv>
#include <sstream>

namespace aicr::server {
namespace {

// Shortest round-trip form (0.005, not 0.0050000000000000001).
std::string Number(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

}  // namespace

void Metrics::Observe(const std::string& method, const std::string& path, int status,
                      double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{method, path, status}];
  Histogram& h = durations_[{method, path}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.counts[i];
    }
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render() const {
  std::ostringstream out;
  std::lock_guard<std::mutex> lock(mu_);
  out << "# HELP aicr_http_panics_recovered_total Handler exceptions recovered as 500 "
         "INTERNAL.\n"
      << "# TYPE aicr_http_panics_recovered_total counter\n"
      << "aicr_http_panics_recovered_total " << panics_recovered_.load() << "\n";
  out << "# HELP aicr_http_request_duration_seconds Request duration by route.\n"
      << "# TYPE aicr_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : durations_) {
    const std::string labels = "method=\"" + key.first + "\",path=\"" + key.second + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out << "aicr_http_request_duration_seconds_bucket{" << labels << ",le=\""
          << Number(kBuckets[i]) << "\"} " << h.counts[i] << "\n";
    }
    out << "aicr_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << h.count
        << "\n"
        << "aicr_http_request_duration_seconds_sum{" << labels << "} " << Number(h.sum) << "\n"
        << "aicr_http_request_duration_seconds_count{" << labels << "} " << h.count << "\n";
  }
  out << "# HELP aicr_http_requests_in_flight Requests being served.\n"
      << "# TYPE aicr_http_requests_in_flight gauge\n"
      << "aicr_http_requests_in_flight " << in_flight_.load() << "\n";
  out << "# HELP aicr_http_requests_total Requests by method, route and status.\n"
      << "# TYPE aicr_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out << "aicr_http_requests_total{method=\"" << std::get<0>(key) << "\",path=\""
        << std::get<1>(key) << "\",status=\"" << std::get<2>(key) << "\"} " << n << "\n";
  }
  out << "# HELP aicr_rate_limit_rejects_total Requests rejected with 429.\n"
      << "# TYPE aicr_rate_limit_rejects_total counter\n"
      << "aicr_rate_limit_rejects_total " << rate_limit_rejects_.load() << "\n";
  return out.str();
}

}  // namespace aicr::server
