#include "k8s/errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

using ::testing::HasSubstr;

std::string StatusBody(int code, const std::string& reason, const std::string& message) {
  return R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":)" + std::to_string(code) +
         R"(,"reason":")" + reason + R"(","message":")" + message + "\"}";
}

constexpr char kWhat[] = "configmaps \"x\" in namespace \"ns\"";

TEST(ErrorsTest, ParsesStatus) {
  auto s = ParseApiStatus(StatusBody(404, "NotFound", "configmaps \\\"x\\\" not found"));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, 404);
  EXPECT_EQ(s->reason, "NotFound");
  EXPECT_EQ(s->message, "configmaps \"x\" not found");
  EXPECT_FALSE(ParseApiStatus("{\"kind\":\"ConfigMap\"}").has_value());
  EXPECT_FALSE(ParseApiStatus("not json").has_value());
  EXPECT_FALSE(ParseApiStatus("").has_value());
}

TEST(ErrorsTest, NotFoundNamesTheObject) {
  Status s = StatusFromHttp(404, StatusBody(404, "NotFound", "gone"), kWhat);
  EXPECT_EQ(s, NotFoundError("configmaps \"x\" in namespace \"ns\": not found"));
}

TEST(ErrorsTest, CodeMapping) {
  struct Case {
    int http;
    ErrorCode code;
    const char* phrase;
  };
  const Case cases[] = {
      {400, ErrorCode::kInvalidRequest, "invalid"},
      {422, ErrorCode::kInvalidRequest, "invalid"},
      {401, ErrorCode::kUnauthorized, "unauthorized"},
      {403, ErrorCode::kUnauthorized, "forbidden"},
      {405, ErrorCode::kMethodNotAllowed, "method not allowed"},
      {409, ErrorCode::kConflict, "conflict"},
      {410, ErrorCode::kConflict, "expired"},
      {413, ErrorCode::kInvalidRequest, "request entity too large"},
      {429, ErrorCode::kRateLimitExceeded, "too many requests"},
      {500, ErrorCode::kUnavailable, "server error"},
      {503, ErrorCode::kUnavailable, "server error"},
      {504, ErrorCode::kTimeout, "timed out"},
  };
  for (const Case& c : cases) {
    Status s = StatusFromHttp(c.http, StatusBody(c.http, "Why", "the message"), kWhat);
    EXPECT_EQ(s.code(), c.code) << c.http;
    EXPECT_THAT(s.message(), HasSubstr(std::string(kWhat) + ": " + c.phrase + ": the message"))
        << c.http;
    EXPECT_THAT(s.message(), HasSubstr("reason Why")) << c.http;
  }
}

TEST(ErrorsTest, ExpiredIsDistinguishable) {
  Status gone = StatusFromHttp(410, StatusBody(410, "Expired", "too old resource version"), kWhat);
  EXPECT_TRUE(IsExpired(gone));
  EXPECT_THAT(gone.message(), HasSubstr("(reason Expired, HTTP 410)"));
  EXPECT_FALSE(IsExpired(StatusFromHttp(409, StatusBody(409, "Conflict", "x"), kWhat)));
  EXPECT_FALSE(IsExpired(ConflictError("x (reason Expired)")));
  // Without a body the reason is still Expired.
  EXPECT_TRUE(IsExpired(StatusFromHttp(410, "", kWhat)));
}

TEST(ErrorsTest, NonStatusBodyIsQuotedShort) {
  Status s = StatusFromHttp(502, "<html>\nbad gateway</html>", kWhat);
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("<html> bad gateway</html>"));
  Status big = StatusFromHttp(500, std::string(5000, 'a'), kWhat);
  EXPECT_LT(big.message().size(), 400U);
  EXPECT_THAT(big.message(), HasSubstr("..."));
}

}  // namespace
}  // namespace aicr::k8s
