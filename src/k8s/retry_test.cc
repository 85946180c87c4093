#include "k8s/retry.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

using std::chrono::milliseconds;

TEST(RetryTest, FullJitterBounds) {
  const RetryPolicy p;  // 200ms base, 5s cap
  EXPECT_EQ(BackoffDelay(p, 0, 0.0), milliseconds(0));
  EXPECT_EQ(BackoffDelay(p, 0, 0.5), milliseconds(100));
  EXPECT_EQ(BackoffDelay(p, 0, 1.0), milliseconds(200));
  EXPECT_EQ(BackoffDelay(p, 1, 1.0), milliseconds(400));
  EXPECT_EQ(BackoffDelay(p, 3, 1.0), milliseconds(1600));
  EXPECT_EQ(BackoffDelay(p, 5, 1.0), milliseconds(5000));   // 6400 capped
  EXPECT_EQ(BackoffDelay(p, 60, 1.0), milliseconds(5000));  // no overflow
  for (int retry = 0; retry < 8; ++retry) {
    for (double r = 0.0; r < 1.0; r += 0.07) {
      const milliseconds d = BackoffDelay(p, retry, r);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d.count(), std::min<std::int64_t>(5000, 200LL << retry));
    }
  }
}

TEST(RetryTest, RetryAfterSeconds) {
  EXPECT_EQ(ParseRetryAfter("3"), milliseconds(3000));
  EXPECT_EQ(ParseRetryAfter(" 0 "), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("999999"), milliseconds(3600 * 1000));
  EXPECT_FALSE(ParseRetryAfter("").has_value());
  EXPECT_FALSE(ParseRetryAfter("-1").has_value());
  EXPECT_FALSE(ParseRetryAfter("1.5").has_value());
  EXPECT_FALSE(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
}

TEST(RetryTest, WhichStatusesAndMethods) {
  EXPECT_TRUE(IsRetryableHttpStatus(429));
  EXPECT_TRUE(IsRetryableHttpStatus(500));
  EXPECT_TRUE(IsRetryableHttpStatus(503));
  EXPECT_FALSE(IsRetryableHttpStatus(501));
  for (int s : {400, 401, 403, 404, 409, 410, 422, 200}) {
    EXPECT_FALSE(IsRetryableHttpStatus(s)) << s;
  }
  EXPECT_TRUE(IsIdempotentMethod("GET"));
  EXPECT_TRUE(IsIdempotentMethod("PUT"));
  EXPECT_TRUE(IsIdempotentMethod("DELETE"));
  EXPECT_FALSE(IsIdempotentMethod("POST"));
  EXPECT_FALSE(IsIdempotentMethod("PATCH"));
}

TEST(RetryTest, WaitRespectsDeadline) {
  RetryEnv env;
  auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  env.now = [&] { return t0; };
  std::vector<milliseconds> slept;
  env.sleep = [&](milliseconds d, const CancelToken&) {
    slept.push_back(d);
    return OkStatus();
  };
  EXPECT_THAT(WaitBeforeRetry(env, milliseconds(100), t0 + milliseconds(500), CancelToken()),
              IsOk());
  EXPECT_EQ(WaitBeforeRetry(env, milliseconds(600), t0 + milliseconds(500), CancelToken()).code(),
            ErrorCode::kTimeout);
  EXPECT_THAT(WaitBeforeRetry(env, milliseconds(600), std::nullopt, CancelToken()), IsOk());
  EXPECT_EQ(slept, (std::vector<milliseconds>{milliseconds(100), milliseconds(600)}));
}

TEST(RetryTest, CancelDuringRealSleep) {
  const RetryEnv env = RetryEnv::Real();
  CancelToken cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(milliseconds(50));
    cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  Status s = WaitBeforeRetry(env, milliseconds(10000), std::nullopt, cancel);
  t.join();
  EXPECT_EQ(s.code(), ErrorCode::kCanceled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RetryTest, RealRandomInRange) {
  const RetryEnv env = RetryEnv::Real();
  for (int i = 0; i < 100; ++i) {
    const double r = env.random();
    EXPECT_GE(r, 0.0);
    EXPECT_LT(r, 1.0);
  }
}

}  // namespace
}  // namespace aicr::k8s
