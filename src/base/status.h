#pragma once

/// \file
/// The project's error currency. Every fallible function returns a `Status` or a
/// `Result<T>`; the CLI and the server convert it once, at the edge, to an exit
/// code or an HTTP status (see error_code.h).

#include <string>
#include <string_view>
#include <utility>

namespace aicr {

/// Error codes, mirroring AICR's structured error taxonomy.
enum class ErrorCode {
  kOk = 0,
  kInvalidRequest,
  kMethodNotAllowed,
  kConflict,
  kNotFound,
  kUnauthorized,
  kTimeout,
  kUnavailable,
  kRateLimitExceeded,
  kInternal,
  kCanceled,
  /// An error that carries no structured code; exit 1, HTTP 500.
  kUnknown,
};

/// A success or an error code with a message. Cheap to copy on success.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message);

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// Returns a copy whose message is `context + ": " + message()`; OK stays OK.
  Status WithContext(std::string_view context) const;

  /// `[CODE] message`, or `OK`.
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }

Status InvalidRequestError(std::string message);
Status MethodNotAllowedError(std::string message);
Status ConflictError(std::string message);
Status NotFoundError(std::string message);
Status UnauthorizedError(std::string message);
Status TimeoutError(std::string message);
Status UnavailableError(std::string message);
Status RateLimitExceededError(std::string message);
Status InternalError(std::string message);
Status CanceledError(std::string message);
Status UnknownError(std::string message);

}  // namespace aicr
