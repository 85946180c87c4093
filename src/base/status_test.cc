#include "base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/result.h"
#include "base/status_macros.h"
#include "tests/testing/status_matchers.h"

namespace aicr {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_THAT(OkStatus(), IsOk());
}

TEST(StatusTest, OkCodeDropsMessage) {
  Status s(ErrorCode::kOk, "ignored");
  EXPECT_EQ(s.message(), "");
}

TEST(StatusTest, FactoriesSetCodeAndMessage) {
  struct Case {
    Status status;
    ErrorCode code;
    const char* text;
  };
  const Case cases[] = {
      {InvalidRequestError("a"), ErrorCode::kInvalidRequest, "[INVALID_REQUEST] a"},
      {MethodNotAllowedError("b"), ErrorCode::kMethodNotAllowed, "[METHOD_NOT_ALLOWED] b"},
      {ConflictError("c"), ErrorCode::kConflict, "[CONFLICT] c"},
      {NotFoundError("d"), ErrorCode::kNotFound, "[NOT_FOUND] d"},
      {UnauthorizedError("e"), ErrorCode::kUnauthorized, "[UNAUTHORIZED] e"},
      {TimeoutError("f"), ErrorCode::kTimeout, "[TIMEOUT] f"},
      {UnavailableError("g"), ErrorCode::kUnavailable, "[SERVICE_UNAVAILABLE] g"},
      {RateLimitExceededError("h"), ErrorCode::kRateLimitExceeded, "[RATE_LIMIT_EXCEEDED] h"},
      {InternalError("i"), ErrorCode::kInternal, "[INTERNAL] i"},
      {CanceledError("j"), ErrorCode::kCanceled, "[CANCELED] j"},
      {UnknownError("k"), ErrorCode::kUnknown, "[UNKNOWN] k"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.ToString(), c.text);
  }
}

TEST(StatusTest, WithContextPrefixesMessage) {
  Status s = NotFoundError("unknown base \"x\"").WithContext("overlay \"h100-eks\"");
  EXPECT_THAT(s, StatusIs(ErrorCode::kNotFound, "overlay \"h100-eks\": unknown base \"x\""));
  EXPECT_THAT(OkStatus().WithContext("ctx"), IsOk());
}

TEST(StatusTest, Equality) {
  EXPECT_EQ(NotFoundError("a"), NotFoundError("a"));
  EXPECT_FALSE(NotFoundError("a") == NotFoundError("b"));
  EXPECT_FALSE(NotFoundError("a") == TimeoutError("a"));
}

TEST(ResultTest, HoldsValue) {
  Result<int> r = 42;
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(r.value_or(7), 42);
  EXPECT_THAT(r, IsOkAndHolds(42));
}

TEST(ResultTest, HoldsError) {
  Result<std::string> r = TimeoutError("waited 5m0s");
  EXPECT_THAT(r, StatusIs(ErrorCode::kTimeout, "waited 5m0s"));
  EXPECT_EQ(r.value_or("fallback"), "fallback");
}

TEST(ResultTest, OkStatusWithoutValueBecomesInternal) {
  Result<int> r = OkStatus();
  EXPECT_THAT(r, StatusIs(ErrorCode::kInternal, HasSubstr("without a value")));
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_THAT(r, IsOk());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(ResultTest, ConvertingConstructor) {
  Result<std::string> r = "text";
  EXPECT_THAT(r, IsOkAndHolds(std::string("text")));
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> r = NotFoundError("x");
  EXPECT_DEATH((void)r.value(), "");
}

Result<int> Half(int x) {
  if (x % 2 != 0) {
    return InvalidRequestError("odd value " + std::to_string(x));
  }
  return x / 2;
}

Result<int> Quarter(int x) {
  AICR_ASSIGN_OR_RETURN(int h, Half(x));
  AICR_ASSIGN_OR_RETURN(h, Half(h));
  return h;
}

Status CheckEven(int x) {
  AICR_RETURN_IF_ERROR(Half(x));
  return OkStatus();
}

TEST(StatusMacrosTest, AssignOrReturnPropagates) {
  EXPECT_THAT(Quarter(8), IsOkAndHolds(2));
  EXPECT_THAT(Quarter(6), StatusIs(ErrorCode::kInvalidRequest, "odd value 3"));
  EXPECT_THAT(Quarter(5), StatusIs(ErrorCode::kInvalidRequest, "odd value 5"));
}

TEST(StatusMacrosTest, ReturnIfErrorPropagates) {
  EXPECT_THAT(CheckEven(4), IsOk());
  EXPECT_THAT(CheckEven(3), StatusIs(ErrorCode::kInvalidRequest, "odd value 3"));
}

TEST(StatusMatchersTest, StatusIsRejectsWrongCodeOrMessage) {
  const Status s = NotFoundError("missing");
  EXPECT_THAT(s, Not(StatusIs(ErrorCode::kTimeout, "missing")));
  EXPECT_THAT(s, Not(StatusIs(ErrorCode::kNotFound, "other")));
  EXPECT_THAT(s, Not(IsOk()));
}

}  // namespace
}  // namespace aicr
