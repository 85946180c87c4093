// Metrics rendering and the middleware that cannot be reached through a real
// route: exception recovery and the request timeout.

#include "server/metrics.h"

#include <stdexcept>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialize/json_reader.h"
#include "server/middleware.h"

namespace aicr::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, CountersAndCumulativeHistogram) {
  Metrics m;
  m.Observe("GET", "/v1/recipe", 200, 0.003);
  m.Observe("GET", "/v1/recipe", 200, 0.2);
  m.Observe("GET", "/v1/recipe", 400, 0.001);
  m.RateLimitReject();
  const std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr("aicr_http_requests_total{method=\"GET\",path=\"/v1/recipe\","
                              "status=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("aicr_http_requests_total{method=\"GET\",path=\"/v1/recipe\","
                              "status=\"400\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("aicr_http_request_duration_seconds_bucket{method=\"GET\",path=\"/"
                              "v1/recipe\",le=\"0.005\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("aicr_http_request_duration_seconds_bucket{method=\"GET\",path=\"/"
                              "v1/recipe\",le=\"0.25\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("aicr_rate_limit_rejects_total 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE aicr_http_request_duration_seconds histogram\n"));
}

TEST(MiddlewareTest, RecoveryHidesTheCause) {
  Metrics m;
  Next chain = Chain({RequestIdMiddleware(), RecoveryMiddleware(m)},
                     [](HttpRequest&, HttpResponse&) { throw std::runtime_error("secret /etc"); });
  HttpRequest req;
  req.method = "GET";
  req.path = "/v1/recipe";
  HttpResponse res;
  chain(req, res);
  EXPECT_EQ(res.status, 500);
  EXPECT_THAT(res.body, Not(HasSubstr("secret")));
  Result<serialize::Value> doc = serialize::ParseJson(res.body);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*doc->Find("code")->if_string(), "INTERNAL");
  EXPECT_TRUE(*doc->Find("retryable")->if_bool());
  EXPECT_EQ(doc->Find("details"), nullptr);
  EXPECT_EQ(m.panics_recovered(), 1U);
  EXPECT_THAT(m.Render(), HasSubstr("aicr_http_panics_recovered_total 1\n"));
}

TEST(MiddlewareTest, TimeoutCancelsTheRequestAndAnswers504) {
  Deadlines deadlines;
  bool canceled = false;
  Next chain = Chain({TimeoutMiddleware(deadlines, std::chrono::seconds(90))},
                     [&](HttpRequest& req, HttpResponse& res) {
                       // Cooperative work: poll the token like the client does.
                       while (!req.cancel.IsCanceled()) {
                         std::this_thread::sleep_for(std::chrono::milliseconds(20));
                       }
                       canceled = true;
                       res.status = 200;
                       res.body = "late";
                     });
  HttpRequest req;
  req.timeout = std::chrono::seconds(1);
  HttpResponse res;
  chain(req, res);
  EXPECT_TRUE(canceled);
  EXPECT_EQ(res.status, 504);
  EXPECT_THAT(res.body, HasSubstr("\"TIMEOUT\""));
}

// An earlier deadline added while the loop sleeps towards a later one still
// fires on time; a removed one never fires.
TEST(DeadlinesTest, EarlierDeadlineWakesTheLoopAndRemovedOnesNeverFire) {
  Deadlines deadlines;
  const auto now = std::chrono::steady_clock::now();
  CancelToken late;
  CancelToken soon;
  CancelToken removed;
  deadlines.Add(late, now + std::chrono::hours(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the loop now sleeps an hour
  const std::uint64_t gone = deadlines.Add(removed, now + std::chrono::milliseconds(50));
  deadlines.Remove(gone);
  deadlines.Add(soon, now + std::chrono::milliseconds(100));
  for (int i = 0; i < 200 && !soon.IsCanceled(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(soon.IsCanceled());
  EXPECT_FALSE(removed.IsCanceled());
  EXPECT_FALSE(late.IsCanceled());
  deadlines.CancelAll();
  EXPECT_TRUE(late.IsCanceled());
}

TEST(MiddlewareTest, UuidHelpers) {
  EXPECT_TRUE(IsUuid("550e8400-e29b-41d4-a716-446655440000"));
  EXPECT_FALSE(IsUuid("550e8400e29b41d4a716446655440000"));
  EXPECT_FALSE(IsUuid("550e8400-e29b-41d4-a716-44665544000g"));
  const std::string a = NewUuid();
  EXPECT_TRUE(IsUuid(a));
  EXPECT_NE(a, NewUuid());
}

}  // namespace
}  // namespace aicr::server
