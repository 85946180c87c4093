#pragma once

/// \file
/// The error envelope (aicr-cli-and-api §5.5): `{code, message, details, requestId,
/// timestamp, retryable}`. A Status becomes an HTTP status here, once. The cause
/// goes to `details.error` for 4xx answers only, never for 5xx.

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "serialize/value.h"
#include "server/http.h"

namespace aicr::server {

struct ApiError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message{};       ///< public summary
  serialize::Value details{};  ///< null: omitted
  int http_status = 0;         ///< 0: the code's status (error_code.h)
  bool sent = false;           ///< the response already holds this error (nothing to write)
};

/// `summary` with `details.error` = the cause (plus `extra` keys) for 4xx codes; for
/// 5xx codes a generic message and no details at all.
ApiError ErrorFromStatus(const Status& status, std::string_view summary,
                         serialize::Value extra = {});

/// The HTTP status an error is sent with.
int HttpStatusOf(const ApiError& error);

/// Renders the envelope into `res` (status, JSON body, Content-Type), replacing
/// whatever it held except headers already set (X-Request-Id, rate-limit headers).
void WriteError(const HttpRequest& req, const ApiError& error, HttpResponse& res,
                const Clock& clock = Clock::Real());

/// The JSON content type of every API document.
inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

}  // namespace aicr::server
