#include "server/rate_limit.h"

#include "gtest/gtest.h"

namespace aicr::server {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucketTest, BurstThenRefill) {
  const SteadyTime t0{};
  TokenBucket b(10, 3, t0);
  EXPECT_TRUE(b.Take(t0));
  EXPECT_TRUE(b.Take(t0));
  EXPECT_TRUE(b.Take(t0));
  EXPECT_FALSE(b.Take(t0));
  EXPECT_FALSE(b.Take(t0 + milliseconds(50)));  // half a token
  EXPECT_TRUE(b.Take(t0 + milliseconds(100)));
  EXPECT_DOUBLE_EQ(b.Tokens(t0 + std::chrono::seconds(10)), 3);  // capped at burst
}

TEST(RateLimiterTest, GlobalBucketRejectsWithRetryAfter) {
  RateLimitConfig c;
  c.rate = 2;
  c.burst = 2;
  RateLimiter l(c);
  const SteadyTime now = std::chrono::steady_clock::now();
  RateDecision d = l.Allow("a", now);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.limit, 2);
  EXPECT_EQ(d.remaining, 1);
  EXPECT_TRUE(l.Allow("b", now).allowed);
  d = l.Allow("c", now);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.retry_after_s, 1);
  EXPECT_EQ(d.burst, 2);
}

TEST(RateLimiterTest, PerClientBucketsIsolateClients) {
  RateLimitConfig c;
  c.rate = 1000;
  c.burst = 1000;
  c.per_client_rate = 1;
  c.per_client_burst = 2;
  RateLimiter l(c);
  const SteadyTime now = std::chrono::steady_clock::now();
  EXPECT_TRUE(l.Allow("10.0.0.1", now).allowed);
  EXPECT_TRUE(l.Allow("10.0.0.1", now).allowed);
  const RateDecision greedy = l.Allow("10.0.0.1", now);
  EXPECT_FALSE(greedy.allowed);
  EXPECT_EQ(greedy.limit, 1);
  // Another client is unaffected by the first one's exhaustion.
  EXPECT_TRUE(l.Allow("10.0.0.2", now).allowed);
  EXPECT_TRUE(l.Allow("10.0.0.1", now + std::chrono::seconds(1)).allowed);
}

TEST(RateLimiterTest, ClientTableIsBounded) {
  RateLimitConfig c;
  c.rate = 0;
  c.per_client_rate = 1;
  c.per_client_burst = 1;
  c.max_clients = 3;
  RateLimiter l(c);
  const SteadyTime now = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(l.Allow("client-" + std::to_string(i), now).allowed);
  }
  EXPECT_EQ(l.ClientCount(), 3U);
}

TEST(RateLimiterTest, DisabledNeverRejects) {
  RateLimitConfig c;
  c.rate = 0;
  RateLimiter l(c);
  EXPECT_FALSE(l.enabled());
  const SteadyTime now = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(l.Allow("x", now).allowed);
  }
}

}  // namespace
}  // namespace aicr::server
