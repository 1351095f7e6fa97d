#include "emulator/delay_queue.h"

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

class Recorder {
 public:
  DelayQueue::Task Add(int id) {
    return [this, id] {
      absl::MutexLock lock(&mu_);
      order_.push_back(id);
    };
  }
  std::vector<int> order() {
    absl::MutexLock lock(&mu_);
    return order_;
  }
  // Polls (generous deadline) until `n` tasks ran.
  bool WaitFor(size_t n) {
    absl::MutexLock lock(&mu_);
    auto done = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return order_.size() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(30));
  }

 private:
  absl::Mutex mu_;
  std::vector<int> order_ ABSL_GUARDED_BY(mu_);
};

TEST(DelayQueueTest, RunsDueTasksAndKeepsLaterOnesWaiting) {
  DelayQueue queue;
  Recorder rec;
  queue.RunAt(absl::Now() + absl::Hours(1), rec.Add(2));
  queue.RunAt(absl::Now() - absl::Seconds(1), rec.Add(1));
  ASSERT_TRUE(rec.WaitFor(1));
  EXPECT_EQ(rec.order(), std::vector<int>({1}));
  EXPECT_EQ(queue.pending(), 1u);
  queue.Stop();  // runs the hour-long one at once
  EXPECT_EQ(rec.order(), std::vector<int>({1, 2}));
  EXPECT_EQ(queue.pending(), 0u);
}

TEST(DelayQueueTest, FlushRunsInDueOrderThenAddedOrder) {
  DelayQueue queue;
  Recorder rec;
  const absl::Time base = absl::Now() + absl::Hours(1);
  queue.RunAt(base + absl::Seconds(3), rec.Add(4));
  queue.RunAt(base + absl::Seconds(1), rec.Add(1));
  queue.RunAt(base + absl::Seconds(2), rec.Add(2));
  queue.RunAt(base + absl::Seconds(2), rec.Add(3));
  queue.Flush();
  ASSERT_TRUE(rec.WaitFor(4));
  EXPECT_EQ(rec.order(), std::vector<int>({1, 2, 3, 4}));
  // Still running after a flush.
  queue.RunAt(absl::Now(), rec.Add(5));
  ASSERT_TRUE(rec.WaitFor(5));
}

TEST(DelayQueueTest, AfterStopTasksRunAtOnceOnTheCaller) {
  DelayQueue queue;
  queue.Stop();
  queue.Stop();  // idempotent
  bool ran = false;
  queue.RunAt(absl::Now() + absl::Hours(1), [&ran] { ran = true; });
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace telegate::emulator
