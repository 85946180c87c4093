#pragma once

/// \file
/// `aicrd` settings from the environment (aicr-cli-and-api §5.1), plus the rate
/// limit, thread and drain settings this implementation adds.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/log.h"
#include "base/result.h"

namespace aicr::server {

/// Criteria allowlists; an empty list allows everything. `any` is always allowed.
struct Allowlists {
  std::vector<std::string> accelerators;  ///< AICR_ALLOWED_ACCELERATORS
  std::vector<std::string> services;      ///< AICR_ALLOWED_SERVICES
  std::vector<std::string> intents;       ///< AICR_ALLOWED_INTENTS
  std::vector<std::string> os;            ///< AICR_ALLOWED_OS
};

/// Token buckets; a rate of 0 disables the bucket.
struct RateLimitConfig {
  double rate = 100;            ///< AICR_RATE_LIMIT, requests per second (process-global bucket)
  double burst = 200;           ///< AICR_RATE_BURST
  double per_client_rate = 0;   ///< AICR_RATE_LIMIT_PER_CLIENT (per remote address)
  double per_client_burst = 0;  ///< AICR_RATE_BURST_PER_CLIENT (default: 2 x rate)
  std::size_t max_clients = 10000;  ///< per-client buckets kept (least recently used evicted)
};

struct Config {
  std::string address;                        ///< AICR_SERVER_ADDRESS; "" = all interfaces
  int port = 8080;                            ///< PORT
  std::chrono::seconds shutdown_timeout{30};  ///< SHUTDOWN_TIMEOUT_SECONDS
  /// AICR_SHUTDOWN_DRAIN_SECONDS: how long /ready answers 503 before the listener closes.
  std::chrono::seconds shutdown_drain{0};
  log::Level log_level = log::Level::kInfo;  ///< AICR_LOG_LEVEL debug|info|warn|error
  Allowlists allow;
  RateLimitConfig rate_limit;
  std::size_t threads = 0;  ///< AICR_SERVER_THREADS; 0 = max(16, 4 x cores)
  /// AICR_RESPONSE_CACHE_MB: rendered recipe/query answers kept in memory; 0 disables.
  std::size_t response_cache_bytes = std::size_t{16} << 20;
  /// Compiled-in per-route limits (§5.1).
  std::chrono::seconds request_timeout{90};
  std::chrono::seconds recipe_timeout{30};
  std::chrono::seconds bundle_timeout{60};
  std::size_t recipe_body_limit = std::size_t{1} << 20;
  std::size_t bundle_body_limit = std::size_t{8} << 20;
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{90};
  std::chrono::seconds keep_alive_timeout{5};
};

/// Reads the settings. INVALID_REQUEST naming the variable for a value that does
/// not parse or is out of range.
Result<Config> ConfigFromEnv(const EnvLookup& env);

/// Comma-separated list: trimmed, lower-cased, empty items dropped.
std::vector<std::string> ParseList(std::string_view text);

}  // namespace aicr::server
