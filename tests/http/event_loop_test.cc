#include "http/event_loop.h"

#include <unistd.h>

#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace telegate::http {
namespace {

class EventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(loop_.Start("test-loop").ok()); }

  // Runs `task` on the loop and waits for it.
  void OnLoop(std::function<void()> task) {
    absl::Notification done;
    loop_.Post([&] {
      task();
      done.Notify();
    });
    ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  }

  EventLoop loop_;
};

TEST_F(EventLoopTest, PostedTasksRunInOrderOnTheLoopThread) {
  absl::Mutex mu;
  std::vector<int> order;
  bool all_on_loop = true;
  absl::Notification last;
  for (int i = 0; i < 200; ++i) {
    loop_.Post([&, i] {
      absl::MutexLock lock(&mu);
      order.push_back(i);
      all_on_loop = all_on_loop && loop_.InLoopThread();
      if (i == 199) last.Notify();
    });
  }
  ASSERT_TRUE(last.WaitForNotificationWithTimeout(absl::Seconds(10)));
  absl::MutexLock lock(&mu);
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[i], i);
  EXPECT_TRUE(all_on_loop);
  EXPECT_FALSE(loop_.InLoopThread());
}

TEST_F(EventLoopTest, TimersRunInTimeOrderAndTiesInSchedulingOrder) {
  absl::Mutex mu;
  std::vector<int> order;
  absl::Notification last;
  auto record = [&](int v) {
    return [&, v] {
      absl::MutexLock lock(&mu);
      order.push_back(v);
      if (order.size() == 5) last.Notify();
    };
  };
  absl::Time base = absl::Now();
  loop_.RunAt(base + absl::Milliseconds(60), record(5));
  loop_.RunAt(base + absl::Milliseconds(20), record(2));
  loop_.RunAt(base + absl::Milliseconds(20), record(3));
  loop_.RunAt(base - absl::Seconds(1), record(1));  // already due
  loop_.RunAt(base + absl::Milliseconds(40), record(4));
  ASSERT_TRUE(last.WaitForNotificationWithTimeout(absl::Seconds(10)));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST_F(EventLoopTest, TimerNeverRunsBeforeItsTime) {
  absl::Time when = absl::Now() + absl::Milliseconds(30);
  absl::Time ran_at;
  absl::Notification ran;
  loop_.RunAt(when, [&] {
    ran_at = absl::Now();
    ran.Notify();
  });
  ASSERT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_GE(ran_at, when);
}

TEST_F(EventLoopTest, CancelledTimerNeverRunsEvenWhenDueInTheSameBatch) {
  bool cancelled_ran = false;
  absl::Notification sentinel;
  EventLoop::TimerId victim = 0;
  OnLoop([&] {
    absl::Time due = absl::Now() - absl::Milliseconds(1);
    // Both due at once: the first cancels the second.
    loop_.RunAt(due, [&] { loop_.Cancel(victim); });
    victim = loop_.RunAt(due, [&] { cancelled_ran = true; });
    EventLoop::TimerId later =
        loop_.RunAt(absl::Now() + absl::Milliseconds(5),
                    [&] { cancelled_ran = true; });
    loop_.Cancel(later);
    loop_.RunAt(absl::Now() + absl::Milliseconds(20),
                [&] { sentinel.Notify(); });
  });
  ASSERT_TRUE(sentinel.WaitForNotificationWithTimeout(absl::Seconds(10)));
  OnLoop([&] { EXPECT_FALSE(cancelled_ran); });
}

TEST_F(EventLoopTest, WatchFdReportsReadabilityUntilUnwatched) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  absl::Mutex mu;
  std::string got;
  OnLoop([&] {
    loop_.WatchFd(fds[0], EventLoop::kReadable, [&](int fd, int ready) {
      EXPECT_TRUE(ready & EventLoop::kReadable);
      char buf[16];
      ssize_t n = read(fd, buf, sizeof(buf));
      absl::MutexLock lock(&mu);
      if (n > 0) got.append(buf, n);
    });
  });
  std::thread writer([&] { ASSERT_EQ(write(fds[1], "ping", 4), 4); });
  writer.join();
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (true) {
    {
      absl::MutexLock lock(&mu);
      if (got == "ping" || absl::Now() > deadline) break;
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  OnLoop([&] { loop_.WatchFd(fds[0], 0, nullptr); });
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(got, "ping");
  }
  close(fds[0]);
  close(fds[1]);
}

// An unwatched fd stays parked in epoll (no DEL + ADD per keep-alive
// request): data arriving then reaches nobody, watching it again delivers
// it, and a closed fd whose number is reused by a new pipe is watched anew.
TEST_F(EventLoopTest, UnwatchedFdIsSilentAndRewatchAndReuseWork) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  absl::Mutex mu;
  int first_calls = 0;
  std::string got;
  auto reader = [&](int fd, int) {
    char buf[16];
    ssize_t n = read(fd, buf, sizeof(buf));
    absl::MutexLock lock(&mu);
    if (n > 0) got.append(buf, n);
  };
  OnLoop([&] {
    loop_.WatchFd(fds[0], EventLoop::kReadable, [&](int, int) {
      absl::MutexLock lock(&mu);
      ++first_calls;
    });
    loop_.WatchFd(fds[0], 0, nullptr);
  });
  ASSERT_EQ(write(fds[1], "a", 1), 1);
  // The parked fd is readable now; a few loop turns must not call anyone.
  for (int i = 0; i < 5; ++i) OnLoop([] {});
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(first_calls, 0);
  }
  OnLoop([&] { loop_.WatchFd(fds[0], EventLoop::kReadable, reader); });
  auto wait_for = [&](const std::string& want) {
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    absl::MutexLock lock(&mu);
    while (got != want && absl::Now() < deadline) {
      mu.AwaitWithTimeout(absl::Condition(+[](bool*) { return false; },
                                          static_cast<bool*>(nullptr)),
                          absl::Milliseconds(2));
    }
    return got;
  };
  EXPECT_EQ(wait_for("a"), "a");
  // Park, close, and reuse the same fd number for a new pipe.
  OnLoop([&] { loop_.WatchFd(fds[0], 0, nullptr); });
  const int old_read_fd = fds[0];
  close(fds[0]);
  close(fds[1]);
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(fds[0], old_read_fd);  // the lowest free number comes back
  {
    absl::MutexLock lock(&mu);
    got.clear();
  }
  OnLoop([&] { loop_.WatchFd(fds[0], EventLoop::kReadable, reader); });
  ASSERT_EQ(write(fds[1], "b", 1), 1);
  EXPECT_EQ(wait_for("b"), "b");
  OnLoop([&] { loop_.WatchFd(fds[0], 0, nullptr); });
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoopStopTest, HooksRunOnTheLoopAfterTheLastTaskAndNothingAfter) {
  EventLoop loop;
  ASSERT_TRUE(loop.Start("stop-test").ok());
  bool hook_on_loop = false;
  int hook_runs = 0;
  int removed_runs = 0;
  loop.AddStopHook([&] {
    hook_on_loop = loop.InLoopThread();
    ++hook_runs;
  });
  EventLoop::HookId removed = loop.AddStopHook([&] { ++removed_runs; });
  loop.RemoveStopHook(removed);
  absl::Notification ran;
  loop.Post([&] { ran.Notify(); });
  ASSERT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
  loop.Stop();
  EXPECT_EQ(hook_runs, 1);
  EXPECT_TRUE(hook_on_loop);
  EXPECT_EQ(removed_runs, 0);
  EXPECT_FALSE(loop.running());

  // Work handed over after Stop is destroyed without running.
  auto token = std::make_shared<int>(0);
  bool ran_after = false;
  loop.Post([&ran_after, token] { ran_after = true; });
  loop.RunAt(absl::Now(), [&ran_after, token] { ran_after = true; });
  EXPECT_EQ(token.use_count(), 1);
  EXPECT_FALSE(ran_after);
  loop.Stop();  // idempotent
  EXPECT_EQ(hook_runs, 1);
}

TEST(EventLoopStopTest, QueuedTimersAreDroppedAtStop) {
  auto token = std::make_shared<int>(0);
  {
    EventLoop loop;
    ASSERT_TRUE(loop.Start("stop-test").ok());
    loop.RunAt(absl::Now() + absl::Hours(1), [token] {});
    EXPECT_EQ(token.use_count(), 2);
    loop.Stop();
    EXPECT_EQ(token.use_count(), 1);
  }
}

TEST(EventLoopStopTest, HooksOfALoopThatNeverRanRunInStop) {
  EventLoop loop;
  int hook_runs = 0;
  loop.AddStopHook([&] { ++hook_runs; });
  loop.Stop();
  EXPECT_EQ(hook_runs, 1);
}

}  // namespace
}  // namespace telegate::http
