#pragma once

/// \file
/// Test-only state of the API server: injected faults and the request log.

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace aicr::testing::apiserver {

/// One injected fault (POST /_test/faults).
struct Fault {
  std::string method;  ///< "" = any
  std::string path;    ///< URL path prefix
  int status = 0;      ///< 0 = answer normally (with the other effects)
  int retry_after = 0;
  int count = 1;
  bool close_connection = false;
  bool truncate = false;
  int delay_ms = 0;
};

/// Faults waiting to fire, in the order they were added.
class Faults {
 public:
  /// Parses and adds a fault; false with `err` when malformed.
  bool Add(const nlohmann::json& spec, std::string* err);
  /// The first fault matching the request, consuming one of its uses.
  std::optional<Fault> Take(const std::string& method, const std::string& path);
  void Clear();

 private:
  std::mutex mu_;
  std::vector<Fault> faults_;
};

/// Requests in arrival order (GET /_test/requests).
class RequestLog {
 public:
  void Add(nlohmann::json entry);
  nlohmann::json Dump();
  void Clear();

 private:
  static constexpr std::size_t kCap = 100000;
  std::mutex mu_;
  std::vector<nlohmann::json> entries_;
};

}  // namespace aicr::testing::apiserver
