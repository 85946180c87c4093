#pragma once

/// \file
/// gmock matchers for Status and Result<T>. There is deliberately no "not ok"
/// matcher: a test of a failure names the code and the message it expects.

#include <gmock/gmock.h>

#include <ostream>
#include <string>

#include "base/error_code.h"
#include "base/result.h"
#include "base/status.h"

namespace aicr {

inline void PrintTo(const Status& s, std::ostream* os) { *os << s.ToString(); }
inline void PrintTo(ErrorCode c, std::ostream* os) { *os << ErrorCodeName(c); }

template <typename T>
void PrintTo(const Result<T>& r, std::ostream* os) {
  if (r.ok()) {
    *os << "OK result";
  } else {
    *os << r.status().ToString();
  }
}

namespace testing_internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace testing_internal

/// Matches an OK Status or a Result holding a value.
MATCHER(IsOk, "is OK") {
  const Status& s = testing_internal::GetStatus(arg);
  if (!s.ok()) {
    *result_listener << "status is " << s.ToString();
  }
  return s.ok();
}

/// Matches a Result holding a value that matches `m`.
MATCHER_P(IsOkAndHolds, m, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(m, arg.value(), result_listener);
}

/// Matches a Status/Result whose code equals `code` and whose message matches `msg`
/// (a string for an exact match, or any string matcher such as HasSubstr).
MATCHER_P2(StatusIs, code, msg,
           std::string("has code ") + std::string(ErrorCodeName(code)) + " and matching message") {
  const Status& s = testing_internal::GetStatus(arg);
  if (s.code() != code) {
    *result_listener << "status is " << s.ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(::testing::SafeMatcherCast<const std::string&>(msg),
                                       s.message(), result_listener);
}

}  // namespace aicr
