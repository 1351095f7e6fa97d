#include "emulator/chat_rate_limit.h"

#include <optional>

#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(ChatRateLimitTest, OffLetsEverythingThrough) {
  ChatRateLimit limit(0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limit.Take(1, kT0), std::nullopt);
}

TEST(ChatRateLimitTest, OnePerSecondPerChat) {
  ChatRateLimit limit(1);
  struct Step {
    int64_t chat;
    absl::Duration at;
    std::optional<int> want;  // nullopt: allowed; else retry_after
  } steps[] = {
      {1, absl::ZeroDuration(), std::nullopt},
      {1, absl::Milliseconds(10), 1},    // too soon
      {2, absl::Milliseconds(20), std::nullopt},  // another chat
      {1, absl::Milliseconds(1000), std::nullopt},  // a token is back
      {1, absl::Milliseconds(1100), 1},
      {1, absl::Seconds(5), std::nullopt},  // saves at most one
      {1, absl::Seconds(5) + absl::Milliseconds(1), 1},
  };
  for (const Step& s : steps) {
    EXPECT_EQ(limit.Take(s.chat, kT0 + s.at), s.want)
        << "chat " << s.chat << " at " << s.at;
  }
}

TEST(ChatRateLimitTest, BurstUpToTheRateThenRetryAfterTheGap) {
  ChatRateLimit limit(3);
  EXPECT_EQ(limit.Take(7, kT0), std::nullopt);
  EXPECT_EQ(limit.Take(7, kT0), std::nullopt);
  EXPECT_EQ(limit.Take(7, kT0), std::nullopt);
  EXPECT_EQ(limit.Take(7, kT0), 1);
  EXPECT_EQ(limit.Take(7, kT0 + absl::Milliseconds(340)), std::nullopt);
}

TEST(ChatRateLimitTest, SlowRateAsksForALongerWait) {
  ChatRateLimit limit(0.25);  // one per 4 s
  EXPECT_EQ(limit.Take(7, kT0), std::nullopt);
  EXPECT_EQ(limit.Take(7, kT0 + absl::Seconds(1)), 3);
}

}  // namespace
}  // namespace telegate::emulator
