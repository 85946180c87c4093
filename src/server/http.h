#pragma once

/// \file
/// Transport-neutral request and response types. The httplib transport
/// (server.cc) converts to and from these, so routing, middleware and handlers
/// never see the HTTP library and can be driven directly by tests and fuzzers.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "base/cancel.h"

namespace aicr::server {

/// Case-insensitive ordering for header names.
struct HeaderNameLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};

using Headers = std::multimap<std::string, std::string, HeaderNameLess>;

/// The outcome of reading a request body under a size limit.
struct BodyRead {
  std::string bytes;
  bool too_large = false;  ///< more than the limit arrived (bytes then holds nothing useful)
  bool failed = false;     ///< the connection broke or timed out while reading
};

struct HttpRequest {
  std::string method;
  std::string path;       ///< decoded path, no query
  std::string raw_query;  ///< the undecoded text after `?`
  Headers headers;
  std::string remote_addr;
  /// Reads the whole body; at most once. Null: the request has no body.
  std::function<BodyRead(std::size_t limit)> read_body;

  // Filled by the middleware chain.
  std::string route;                ///< matched route path, or `unmatched`
  std::string request_id;           ///< validated or generated UUID
  std::size_t body_limit = 0;       ///< the route's body cap
  std::chrono::seconds timeout{0};  ///< the route's timeout; 0 = the general one
  CancelToken cancel;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  /// The first value of header `name`, or "".
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  /// Replaces every value of header `name` with `value`.
  void SetHeader(const std::string& name, const std::string& value);
  /// The first value of header `name`, or "".
  std::string Header(std::string_view name) const;
};

}  // namespace aicr::server
