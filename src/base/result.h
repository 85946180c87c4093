#pragma once

/// \file
/// `Result<T>`: a value or a non-OK `Status` (the shape of absl::StatusOr).

#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/status.h"

namespace aicr {

template <typename T>
class [[nodiscard]] Result {
 public:
  /// REQUIRES: !status.ok(). An OK status without a value becomes kInternal.
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) {
      status_ = InternalError("result constructed from an ok status without a value");
    }
  }
  Result(const T& value) : value_(value) {}        // NOLINT(google-explicit-constructor)
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status> &&
                                                    !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value) : value_(std::forward<U>(value)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  /// REQUIRES: ok(). Aborts otherwise: reading a failed result is a programming error.
  const T& value() const& {
    CheckOk();
    return *value_;
  }
  T& value() & {
    CheckOk();
    return *value_;
  }
  T&& value() && {
    CheckOk();
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  /// The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  void CheckOk() const {
    if (!value_.has_value()) {
      std::abort();
    }
  }

  Status status_;
  std::optional<T> value_;
};

}  // namespace aicr
