#include "base/status.h"

#include "base/error_code.h"

namespace aicr {

Status::Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {
  if (code_ == ErrorCode::kOk) {
    message_.clear();
  }
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) {
    return *this;
  }
  std::string out(context);
  out += ": ";
  out += message_;
  return Status(code_, std::move(out));
}

std::string Status::ToString() const {
  if (ok()) {
    return "OK";
  }
  std::string out = "[";
  out += ErrorCodeName(code_);
  out += "] ";
  out += message_;
  return out;
}

Status InvalidRequestError(std::string m) { return {ErrorCode::kInvalidRequest, std::move(m)}; }
Status MethodNotAllowedError(std::string m) { return {ErrorCode::kMethodNotAllowed, std::move(m)}; }
Status ConflictError(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
Status NotFoundError(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
Status UnauthorizedError(std::string m) { return {ErrorCode::kUnauthorized, std::move(m)}; }
Status TimeoutError(std::string m) { return {ErrorCode::kTimeout, std::move(m)}; }
Status UnavailableError(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
Status RateLimitExceededError(std::string m) {
  return {ErrorCode::kRateLimitExceeded, std::move(m)};
}
Status InternalError(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
Status CanceledError(std::string m) { return {ErrorCode::kCanceled, std::move(m)}; }
Status UnknownError(std::string m) { return {ErrorCode::kUnknown, std::move(m)}; }

}  // namespace aicr
