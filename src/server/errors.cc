#include "server/errors.h"

#include "base/error_code.h"
#include "base/log.h"
#include "serialize/json_writer.h"

namespace aicr::server {
namespace {

std::string GenericMessage(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTimeout:
      return "request timed out";
    case ErrorCode::kUnavailable:
      return "service unavailable";
    case ErrorCode::kRateLimitExceeded:
      return "rate limit exceeded";
    default:
      return "internal server error";
  }
}

}  // namespace

ApiError ErrorFromStatus(const Status& status, std::string_view summary, serialize::Value extra) {
  ApiError e;
  e.code = status.code() == ErrorCode::kUnknown ? ErrorCode::kInternal : status.code();
  if (HttpStatusFor(e.code) >= 500) {
    e.message = GenericMessage(e.code);
    return e;
  }
  e.message = std::string(summary);
  serialize::Mapping details;
  details.Set("error", status.message());
  if (const serialize::Mapping* more = extra.if_mapping()) {
    for (const auto& [key, value] : *more) {
      if (key != "error") {
        details.Set(key, value);
      }
    }
  }
  e.details = serialize::Value(std::move(details));
  return e;
}

int HttpStatusOf(const ApiError& error) {
  return error.http_status != 0 ? error.http_status : HttpStatusFor(error.code);
}

void WriteError(const HttpRequest& req, const ApiError& error, HttpResponse& res,
                const Clock& clock) {
  serialize::Mapping env;
  env.Set("code", std::string(ErrorCodeName(error.code)));
  env.Set("message", error.message);
  if (!error.details.is_null()) {
    env.Set("details", error.details);
  }
  env.Set("requestId", req.request_id);
  env.Set("timestamp", FormatRfc3339(clock.Now()));
  env.Set("retryable", IsRetryable(error.code));
  Result<std::string> json = serialize::WriteJson(serialize::Value(std::move(env)),
                                                  serialize::JsonWriteOptions{.sort_keys = false});
  res.status = HttpStatusOf(error);
  res.body = json.ok() ? *json
                       : "{\"code\":\"INTERNAL\",\"message\":\"internal server error\","
                         "\"retryable\":true}\n";
  res.SetHeader("Content-Type", std::string(kJsonContentType));
  res.headers.erase("ETag");
  res.headers.erase("Cache-Control");
  res.SetHeader("Cache-Control", "no-store");
}

}  // namespace aicr::server
