#include "common/retry_policy.h"

#include "gtest/gtest.h"

namespace telegate {
namespace {

TEST(RetryPolicyTest, ExponentialAndCapped) {
  RetryPolicy p;
  EXPECT_EQ(BackoffDelay(p, 1, 1.0), absl::Milliseconds(200));
  EXPECT_EQ(BackoffDelay(p, 2, 1.0), absl::Milliseconds(400));
  EXPECT_EQ(BackoffDelay(p, 4, 1.0), absl::Milliseconds(1600));
  EXPECT_EQ(BackoffDelay(p, 20, 1.0), absl::Seconds(30));
  EXPECT_EQ(BackoffDelay(p, 1000, 1.0), absl::Seconds(30));
}

TEST(RetryPolicyTest, JitterStaysInItsBand) {
  RetryPolicy p;
  for (int i = 0; i < 1000; ++i) {
    double j = DrawJitter(p);
    ASSERT_GE(j, 0.8);
    ASSERT_LE(j, 1.2);
  }
  EXPECT_EQ(BackoffDelay(p, 1, 0.5), absl::Milliseconds(100));
  p.jitter = 0;
  EXPECT_EQ(DrawJitter(p), 1.0);
}

}  // namespace
}  // namespace telegate
