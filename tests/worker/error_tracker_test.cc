#include "worker/error_tracker.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

TEST(ErrorTrackerTest, StartsAtZeroWithOk) {
  ErrorTracker tracker(10);
  EXPECT_EQ(tracker.count(), 0);
  EXPECT_EQ(tracker.threshold(), 10);
  EXPECT_EQ(tracker.status(), "OK");
}

TEST(ErrorTrackerTest, CountsAndReportsTheLastError) {
  ErrorTracker tracker(10);
  EXPECT_FALSE(tracker.RecordError("first"));
  EXPECT_FALSE(tracker.RecordError("second"));
  EXPECT_EQ(tracker.count(), 2);
  EXPECT_EQ(tracker.status(), "second");
}

TEST(ErrorTrackerTest, SuccessResetsTheCount) {
  ErrorTracker tracker(10);
  for (int i = 0; i < 9; ++i) tracker.RecordError("boom");
  tracker.RecordSuccess();
  EXPECT_EQ(tracker.count(), 0);
  EXPECT_EQ(tracker.status(), "OK");
  // The run starts over: nine more errors do not reach the threshold.
  for (int i = 0; i < 9; ++i) EXPECT_FALSE(tracker.RecordError("boom"));
  EXPECT_EQ(tracker.count(), 9);
}

TEST(ErrorTrackerTest, ThresholdReachedAtEachMultiple) {
  ErrorTracker tracker(10);
  std::vector<int> fired;
  for (int i = 1; i <= 25; ++i) {
    if (tracker.RecordError("e")) fired.push_back(i);
  }
  EXPECT_EQ(fired, (std::vector<int>{10, 20}));
  EXPECT_EQ(tracker.count(), 25);
}

TEST(ErrorTrackerTest, ResetClearsCountAndStatus) {
  ErrorTracker tracker(3);
  tracker.RecordError("a");
  tracker.RecordError("b");
  tracker.Reset();
  EXPECT_EQ(tracker.count(), 0);
  EXPECT_EQ(tracker.status(), "OK");
  EXPECT_FALSE(tracker.RecordError("c"));
  EXPECT_EQ(tracker.status(), "c");
}

TEST(ErrorTrackerTest, ZeroThresholdNeverFires) {
  ErrorTracker tracker(0);
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(tracker.RecordError("e"));
}

TEST(ErrorTrackerTest, ConcurrentErrorsFireExactlyOncePerMultiple) {
  ErrorTracker tracker(10);
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (tracker.RecordError("e")) fired.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(tracker.count(), 4000);
  EXPECT_EQ(fired.load(), 400);
}

}  // namespace
}  // namespace telegate::worker
