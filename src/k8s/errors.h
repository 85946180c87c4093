#pragma once

/// \file
/// Turning an API server's error answer (an HTTP status with, usually, a metav1
/// Status body) into an aicr Status whose message names the object:
///
///   400, 422  kInvalidRequest     `<what>: invalid: <message> (reason Invalid)`
///   401       kUnauthorized       `<what>: unauthorized: <message> ...`
///   403       kUnauthorized       `<what>: forbidden: <message> ...`
///   404       kNotFound           `<what>: not found`
///   405       kMethodNotAllowed
///   409       kConflict           `<what>: conflict: <message> (reason AlreadyExists)`
///   410       kConflict           `<what>: expired: <message> (reason Expired, HTTP 410)`
///   413       kInvalidRequest     `<what>: request entity too large: ...`
///   429       kRateLimitExceeded
///   408, 504  kTimeout
///   5xx       kUnavailable
///
/// There is no dedicated code for 410 Gone; IsExpired() recognises it (the watcher
/// relists on it).

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace aicr::k8s {

/// The fields of a metav1 Status object that matter to a client.
struct ApiStatus {
  int code = 0;        ///< HTTP status it stands for (0 when absent)
  std::string status;  ///< Success | Failure
  std::string reason;  ///< NotFound, AlreadyExists, Expired, ...
  std::string message;
};

/// Parses `body` as a metav1 Status (`"kind":"Status"`); nullopt when it is not one
/// (not JSON, another kind, too large).
std::optional<ApiStatus> ParseApiStatus(std::string_view body);

/// The Status for an HTTP error answer about `what` (e.g. `configmaps "x" in
/// namespace "ns"`). `body` may be anything: a Status object is decoded, other text
/// is quoted (shortened) in the message.
Status StatusFromHttp(int http_status, std::string_view body, std::string_view what);

/// Same, from an already decoded Status object (e.g. a watch ERROR event).
Status StatusFromApiStatus(int http_status, const ApiStatus& api, std::string_view what);

/// Whether `s` came from a 410 Gone (an expired resourceVersion).
bool IsExpired(const Status& s);

}  // namespace aicr::k8s
