#include "base/clock.h"

#include <gtest/gtest.h>

namespace aicr {
namespace {

TEST(ClockTest, FormatRfc3339) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1736937000));
  EXPECT_EQ(FormatRfc3339(t), "2025-01-15T10:30:00Z");
}

TEST(ClockTest, FakeClockAdvances) {
  FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(0)));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "1970-01-01T00:00:00Z");
  clock.Advance(std::chrono::hours(25));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "1970-01-02T01:00:00Z");
}

TEST(ClockTest, RealClockIsNotEpoch) {
  EXPECT_GT(Clock::Real().Now().time_since_epoch().count(), 0);
}

}  // namespace
}  // namespace aicr
