#include "worker/rate_limiter.h"

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1000);

TEST(RateLimiterTest, OnePerSecondPerPrivateChat) {
  RateLimiter limiter(RateLimits{});
  EXPECT_EQ(limiter.Acquire(7, kT0), kT0);
  EXPECT_EQ(limiter.Acquire(7, kT0 + absl::Milliseconds(300)),
            kT0 + absl::Seconds(1));
  EXPECT_EQ(limiter.Acquire(8, kT0 + absl::Milliseconds(300)),
            kT0 + absl::Milliseconds(300));  // another chat is free
  EXPECT_EQ(limiter.Acquire(7, kT0 + absl::Seconds(1)), kT0 + absl::Seconds(1));
}

TEST(RateLimiterTest, TwentyPerMinutePerGroup) {
  RateLimiter limiter(RateLimits{.per_chat_interval = absl::ZeroDuration()});
  for (int i = 0; i < 20; ++i) {
    absl::Time t = kT0 + absl::Seconds(i);
    ASSERT_EQ(limiter.Acquire(-100, t), t);
  }
  EXPECT_EQ(limiter.Acquire(-100, kT0 + absl::Seconds(20)),
            kT0 + absl::Minutes(1));
}

TEST(RateLimiterTest, GlobalPerSecond) {
  RateLimiter limiter(RateLimits{.global_per_second = 3});
  EXPECT_EQ(limiter.Acquire(1, kT0), kT0);
  EXPECT_EQ(limiter.Acquire(2, kT0), kT0);
  EXPECT_EQ(limiter.Acquire(3, kT0), kT0);
  EXPECT_EQ(limiter.Acquire(4, kT0 + absl::Milliseconds(10)),
            kT0 + absl::Seconds(1));
}

TEST(RateLimiterTest, OnlySendingMethodsAreLimited) {
  EXPECT_TRUE(IsRateLimitedMethod("sendMessage"));
  EXPECT_TRUE(IsRateLimitedMethod("sendPhoto"));
  EXPECT_TRUE(IsRateLimitedMethod("forwardMessage"));
  EXPECT_TRUE(IsRateLimitedMethod("copyMessage"));
  EXPECT_FALSE(IsRateLimitedMethod("answerCallbackQuery"));
  EXPECT_FALSE(IsRateLimitedMethod("getMe"));
}

}  // namespace
}  // namespace telegate::worker
