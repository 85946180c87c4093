#pragma once

/// \file
/// Early-return helpers in the shape of Abseil's status macros.

#include <utility>

#include "base/result.h"
#include "base/status.h"

namespace aicr::internal {
inline const Status& AsStatus(const Status& s) { return s; }
template <typename T>
const Status& AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace aicr::internal

#define AICR_STATUS_CONCAT_INNER(a, b) a##b
#define AICR_STATUS_CONCAT(a, b) AICR_STATUS_CONCAT_INNER(a, b)

/// Returns the status of `expr` from the enclosing function when it is not OK.
#define AICR_RETURN_IF_ERROR(expr)                                  \
  do {                                                              \
    ::aicr::Status aicr_status_ = ::aicr::internal::AsStatus(expr); \
    if (!aicr_status_.ok()) {                                       \
      return aicr_status_;                                          \
    }                                                               \
  } while (false)

/// Evaluates `rexpr` (a Result<T>); on error returns its status, otherwise
/// assigns the value to `lhs` (which may be a declaration such as `auto x`).
#define AICR_ASSIGN_OR_RETURN(lhs, rexpr) \
  AICR_ASSIGN_OR_RETURN_IMPL(AICR_STATUS_CONCAT(aicr_result_, __LINE__), lhs, rexpr)

// `lhs` may be a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define AICR_ASSIGN_OR_RETURN_IMPL(result, lhs, rexpr) \
  auto result = (rexpr);                               \
  if (!result.ok()) {                                  \
    return result.status();                            \
  }                                                    \
  lhs = std::move(result).value()
// NOLINTEND(bugprone-macro-parentheses)
