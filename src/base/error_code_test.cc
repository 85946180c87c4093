#include "base/error_code.h"

#include <gtest/gtest.h>

namespace aicr {
namespace {

struct Row {
  ErrorCode code;
  const char* name;
  int exit_code;
  int http;
  bool retryable;
};

// The mapping AICR documents for its structured errors (CLI exit code, HTTP status).
constexpr Row kTable[] = {
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
};

TEST(ErrorCodeTest, MappingTable) {
  for (const Row& row : kTable) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(ErrorCodeName(row.code), row.name);
    EXPECT_EQ(ExitCodeFor(row.code), row.exit_code);
    EXPECT_EQ(HttpStatusFor(row.code), row.http);
    EXPECT_EQ(IsRetryable(row.code), row.retryable);
  }
}

TEST(ErrorCodeTest, ExitCodeForStatus) {
  EXPECT_EQ(ExitCodeFor(OkStatus()), 0);
  EXPECT_EQ(ExitCodeFor(NotFoundError("x")), 3);
  EXPECT_EQ(ExitCodeFor(CanceledError("x")), 9);
  EXPECT_EQ(ExitCodeFor(UnknownError("x")), 1);
}

TEST(ErrorCodeTest, NamesRoundTrip) {
  for (const Row& row : kTable) {
    EXPECT_EQ(ErrorCodeFromName(row.name), row.code) << row.name;
  }
  EXPECT_EQ(ErrorCodeFromName("POLICY_FETCH"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeFromName("NO_SUCH_CODE"), ErrorCode::kUnknown);
}

TEST(ErrorCodeTest, ExitCodesCoverZeroToNine) {
  bool seen[10] = {};
  for (const Row& row : kTable) {
    seen[ExitCodeFor(row.code)] = true;
  }
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(seen[i]) << "exit code " << i << " unused";
  }
}

}  // namespace
}  // namespace aicr
