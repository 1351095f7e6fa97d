#include "worker/chat_scheduler.h"

#include <thread>

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

std::unique_ptr<Job> MakeJob(const std::string& chat, int64_t id) {
  auto job = std::make_unique<Job>();
  job->chat_key = chat;
  job->update_id = id;
  return job;
}

// A clock the test moves by hand.
struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1000);
  std::function<absl::Time()> Fn() {
    return [this] { return now; };
  }
};

TEST(ChatSchedulerTest, OneChatRunsOneJobAtATimeInOrder) {
  ChatScheduler s;
  s.Add(MakeJob("c:1", 1));
  s.Add(MakeJob("c:1", 2));
  Job* first = s.Next(absl::Now());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->update_id, 1);
  // The chat is busy: nothing else is ready.
  EXPECT_EQ(s.Next(absl::Now()), nullptr);
  s.Complete(first);
  Job* second = s.Next(absl::Now());
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->update_id, 2);
  s.Complete(second);
  EXPECT_EQ(s.size(), 0);
}

TEST(ChatSchedulerTest, OtherChatsRunWhileOneIsBusy) {
  ChatScheduler s;
  s.Add(MakeJob("c:1", 1));
  s.Add(MakeJob("c:1", 2));
  s.Add(MakeJob("c:2", 3));
  Job* a = s.Next(absl::Now());
  Job* b = s.Next(absl::Now());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->update_id, 1);
  EXPECT_EQ(b->update_id, 3);
  EXPECT_EQ(s.size(), 3);
}

TEST(ChatSchedulerTest, DeferredChatWaitsForItsTimeAndOthersGoOn) {
  FakeClock clock;
  ChatScheduler s(clock.Fn());
  s.Add(MakeJob("c:1", 1));
  s.Add(MakeJob("c:2", 2));
  Job* a = s.Next(clock.now);
  ASSERT_EQ(a->update_id, 1);
  s.Defer(a, clock.now + absl::Seconds(5));
  EXPECT_EQ(s.parked(), 1);
  Job* b = s.Next(clock.now);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->update_id, 2);
  s.Complete(b);
  EXPECT_EQ(s.Next(clock.now), nullptr);  // chat 1 still parked
  clock.now += absl::Seconds(5);
  Job* again = s.Next(clock.now);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again, a);  // the same head job, not a later one
  EXPECT_EQ(s.parked(), 0);
}

TEST(ChatSchedulerTest, StopWakesWaitingThreads) {
  ChatScheduler s;
  std::thread waiter([&] { EXPECT_EQ(s.Next(), nullptr); });
  s.Stop();
  waiter.join();
}

TEST(ChatSchedulerTest, StopWhenIdleDrainsThenReturnsNull) {
  ChatScheduler s;
  s.Add(MakeJob("c:1", 1));
  s.StopWhenIdle(absl::InfiniteFuture());
  Job* job = s.Next();
  ASSERT_NE(job, nullptr);
  s.Complete(job);
  EXPECT_EQ(s.Next(), nullptr);
}

TEST(ChatSchedulerTest, StopWhenIdleGivesUpAtTheDeadline) {
  FakeClock clock;
  ChatScheduler s(clock.Fn());
  s.Add(MakeJob("c:1", 1));
  s.StopWhenIdle(clock.now);
  EXPECT_EQ(s.Next(), nullptr);
  EXPECT_EQ(s.size(), 1);  // left for the journal's replay
}

TEST(ChatSchedulerTest, ManyThreadsKeepPerChatOrder) {
  ChatScheduler s;
  constexpr int kChats = 50, kPerChat = 40;
  for (int i = 0; i < kPerChat; ++i) {
    for (int c = 0; c < kChats; ++c) {
      s.Add(MakeJob("c:" + std::to_string(c), i * kChats + c));
    }
  }
  absl::Mutex mu;
  std::map<std::string, std::vector<int64_t>> seen;
  s.StopWhenIdle(absl::InfiniteFuture());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (Job* job = s.Next()) {
        {
          absl::MutexLock lock(&mu);
          seen[job->chat_key].push_back(job->update_id);
        }
        s.Complete(job);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(seen.size(), static_cast<size_t>(kChats));
  for (auto& [chat, ids] : seen) {
    ASSERT_EQ(ids.size(), static_cast<size_t>(kPerChat)) << chat;
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << chat;
  }
}

}  // namespace
}  // namespace telegate::worker
