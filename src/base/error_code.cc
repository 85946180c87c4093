#include "base/error_code.h"

#include <array>

namespace aicr {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  int exit_code;
  int http_status;
  bool retryable;
};

constexpr std::array<CodeInfo, 12> kCodes = {{
    {ErrorCode::kOk, "OK", 0, 200, false},
    {ErrorCode::kInvalidRequest, "INVALID_REQUEST", 2, 400, false},
    {ErrorCode::kMethodNotAllowed, "METHOD_NOT_ALLOWED", 2, 405, false},
    {ErrorCode::kConflict, "CONFLICT", 2, 409, false},
    {ErrorCode::kNotFound, "NOT_FOUND", 3, 404, false},
    {ErrorCode::kUnauthorized, "UNAUTHORIZED", 4, 401, false},
    {ErrorCode::kTimeout, "TIMEOUT", 5, 504, true},
    {ErrorCode::kUnavailable, "SERVICE_UNAVAILABLE", 6, 503, true},
    {ErrorCode::kRateLimitExceeded, "RATE_LIMIT_EXCEEDED", 7, 429, true},
    {ErrorCode::kInternal, "INTERNAL", 8, 500, true},
    {ErrorCode::kCanceled, "CANCELED", 9, 408, false},
    {ErrorCode::kUnknown, "UNKNOWN", 1, 500, true},
}};

const CodeInfo& Info(ErrorCode code) {
  for (const CodeInfo& info : kCodes) {
    if (info.code == code) {
      return info;
    }
  }
  return kCodes.back();
}

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) { return Info(code).name; }

ErrorCode ErrorCodeFromName(std::string_view name) {
  for (const CodeInfo& info : kCodes) {
    if (info.name == name) {
      return info.code;
    }
  }
  if (name == "POLICY_FETCH") {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kUnknown;
}

int ExitCodeFor(ErrorCode code) { return Info(code).exit_code; }
int HttpStatusFor(ErrorCode code) { return Info(code).http_status; }
bool IsRetryable(ErrorCode code) { return Info(code).retryable; }

}  // namespace aicr
