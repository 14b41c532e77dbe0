#include "common/log/rate_limiter.h"

#include "gtest/gtest.h"

namespace sales::log {
namespace {

TEST(LogRateLimiterTest, PassesPerSecondLinesThenCountsTheRest) {
  LogRateLimiter limiter(2);
  EXPECT_EQ(limiter.Admit(), 0u);
  EXPECT_EQ(limiter.Admit(), 0u);
  EXPECT_EQ(limiter.Admit(), std::nullopt);
  EXPECT_EQ(limiter.Admit(), std::nullopt);
  // One more line's room in this window (4 counted so far): it reports the two dropped.
  limiter.SetPerSecond(5);
  EXPECT_EQ(limiter.Admit(), 2u);
  EXPECT_EQ(limiter.Admit(), std::nullopt);
}

}  // namespace
}  // namespace sales::log
