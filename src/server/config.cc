#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "base/status_macros.h"
#include "base/strings.h"

namespace aicr::server {
namespace {

Result<long long> ParseInt(std::string_view name, std::string_view text, long long min,
                           long long max) {
  text = Trim(text);
  long long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return InvalidRequestError(std::string(name) + ": invalid value \"" + std::string(text) +
                               "\" (want an integer from " + std::to_string(min) + " to " +
                               std::to_string(max) + ")");
  }
  return v;
}

Result<double> ParseRate(std::string_view name, std::string_view text) {
  const std::string t(Trim(text));
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v) || v < 0 || v > 1e9) {
    return InvalidRequestError(std::string(name) + ": invalid value \"" + t +
                               "\" (want a non-negative number)");
  }
  return v;
}

}  // namespace

std::vector<std::string> ParseList(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      comma = text.size();
    }
    const std::string item = AsciiLower(Trim(text.substr(start, comma - start)));
    if (!item.empty()) {
      out.push_back(item);
    }
    start = comma + 1;
  }
  return out;
}

Result<Config> ConfigFromEnv(const EnvLookup& env) {
  Config c;
  auto get = [&](std::string_view name) -> std::optional<std::string> {
    std::optional<std::string> v = env(name);
    if (v.has_value() && Trim(*v).empty()) {
      return std::nullopt;
    }
    return v;
  };
  if (auto v = get("PORT")) {
    AICR_ASSIGN_OR_RETURN(const long long port, ParseInt("PORT", *v, 0, 65535));
    c.port = static_cast<int>(port);
  }
  if (auto v = get("AICR_SERVER_ADDRESS")) {
    c.address = std::string(Trim(*v));
  }
  if (auto v = get("SHUTDOWN_TIMEOUT_SECONDS")) {
    AICR_ASSIGN_OR_RETURN(const long long s, ParseInt("SHUTDOWN_TIMEOUT_SECONDS", *v, 0, 3600));
    c.shutdown_timeout = std::chrono::seconds(s);
  }
  if (auto v = get("AICR_SHUTDOWN_DRAIN_SECONDS")) {
    AICR_ASSIGN_OR_RETURN(const long long s, ParseInt("AICR_SHUTDOWN_DRAIN_SECONDS", *v, 0, 600));
    c.shutdown_drain = std::chrono::seconds(s);
  }
  if (auto v = get("AICR_LOG_LEVEL")) {
    const std::string level = AsciiLower(Trim(*v));
    if (level == "debug") {
      c.log_level = log::Level::kDebug;
    } else if (level == "info") {
      c.log_level = log::Level::kInfo;
    } else if (level == "warn" || level == "warning") {
      c.log_level = log::Level::kWarn;
    } else if (level == "error") {
      c.log_level = log::Level::kError;
    } else {
      return InvalidRequestError("AICR_LOG_LEVEL: invalid value \"" + *v +
                                 "\" (want debug, info, warn or error)");
    }
  }
  c.allow.accelerators = ParseList(env("AICR_ALLOWED_ACCELERATORS").value_or(""));
  c.allow.services = ParseList(env("AICR_ALLOWED_SERVICES").value_or(""));
  c.allow.intents = ParseList(env("AICR_ALLOWED_INTENTS").value_or(""));
  c.allow.os = ParseList(env("AICR_ALLOWED_OS").value_or(""));
  if (auto v = get("AICR_RATE_LIMIT")) {
    AICR_ASSIGN_OR_RETURN(c.rate_limit.rate, ParseRate("AICR_RATE_LIMIT", *v));
  }
  if (auto v = get("AICR_RATE_BURST")) {
    AICR_ASSIGN_OR_RETURN(const long long b, ParseInt("AICR_RATE_BURST", *v, 1, 1000000000));
    c.rate_limit.burst = static_cast<double>(b);
  }
  if (auto v = get("AICR_RATE_LIMIT_PER_CLIENT")) {
    AICR_ASSIGN_OR_RETURN(c.rate_limit.per_client_rate,
                          ParseRate("AICR_RATE_LIMIT_PER_CLIENT", *v));
  }
  c.rate_limit.per_client_burst = std::max(1.0, std::ceil(2 * c.rate_limit.per_client_rate));
  if (auto v = get("AICR_RATE_BURST_PER_CLIENT")) {
    AICR_ASSIGN_OR_RETURN(const long long b,
                          ParseInt("AICR_RATE_BURST_PER_CLIENT", *v, 1, 1000000000));
    c.rate_limit.per_client_burst = static_cast<double>(b);
  }
  if (auto v = get("AICR_SERVER_THREADS")) {
    AICR_ASSIGN_OR_RETURN(const long long t, ParseInt("AICR_SERVER_THREADS", *v, 1, 4096));
    c.threads = static_cast<std::size_t>(t);
  }
  if (auto v = get("AICR_RESPONSE_CACHE_MB")) {
    AICR_ASSIGN_OR_RETURN(const long long mb, ParseInt("AICR_RESPONSE_CACHE_MB", *v, 0, 4096));
    c.response_cache_bytes = static_cast<std::size_t>(mb) << 20;
  }
  return c;
}

}  // namespace aicr::server
