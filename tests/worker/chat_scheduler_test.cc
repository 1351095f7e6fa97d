#include "worker/chat_scheduler.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

std::unique_ptr<Delivery> Make(const std::string& chat, int64_t id) {
  auto d = std::make_unique<Delivery>();
  d->update.chat_key = chat;
  d->update.update_id = id;
  return d;
}

// A clock the test moves by hand.
struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1000);
  Clock Fn() {
    return [this] { return now; };
  }
};

TEST(ChatSchedulerTest, OneChatRunsOneDeliveryAtATimeInOrder) {
  ChatScheduler s;
  s.Add(Make("c:1", 1));
  s.Add(Make("c:1", 2));
  Delivery* first = s.TryNext();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->update.update_id, 1);
  // The chat is busy: nothing else is ready.
  EXPECT_EQ(s.TryNext(), nullptr);
  s.Complete(first);
  Delivery* second = s.TryNext();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->update.update_id, 2);
  s.Complete(second);
  EXPECT_EQ(s.size(), 0);
}

TEST(ChatSchedulerTest, OtherChatsRunWhileOneIsBusy) {
  ChatScheduler s;
  s.Add(Make("c:1", 1));
  s.Add(Make("c:1", 2));
  s.Add(Make("c:2", 3));
  Delivery* a = s.TryNext();
  Delivery* b = s.TryNext();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->update.update_id, 1);
  EXPECT_EQ(b->update.update_id, 3);
  EXPECT_EQ(s.size(), 3);
}

TEST(ChatSchedulerTest, DeferredChatWaitsForItsTimeAndOthersGoOn) {
  FakeClock clock;
  ChatScheduler s(clock.Fn());
  s.Add(Make("c:1", 1));
  s.Add(Make("c:2", 2));
  Delivery* a = s.TryNext();
  ASSERT_EQ(a->update.update_id, 1);
  s.Defer(a, clock.now + absl::Seconds(5));
  EXPECT_EQ(s.parked(), 1);
  EXPECT_EQ(s.NextWake(), clock.now + absl::Seconds(5));
  Delivery* b = s.TryNext();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->update.update_id, 2);
  s.Complete(b);
  EXPECT_EQ(s.TryNext(), nullptr);  // chat 1 still parked
  clock.now += absl::Seconds(5);
  Delivery* again = s.TryNext();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again, a);  // the same head delivery, not a later one
  EXPECT_EQ(s.parked(), 0);
  EXPECT_EQ(s.NextWake(), absl::InfiniteFuture());
}

TEST(ChatSchedulerTest, AddOfAReadyChatNotifies) {
  ChatScheduler s;
  int notified = 0;
  s.SetOnReady([&] { ++notified; });
  s.Add(Make("c:1", 1));
  EXPECT_EQ(notified, 1);
  s.Add(Make("c:1", 2));  // already ready: no second wake-up
  EXPECT_EQ(notified, 1);
  Delivery* d = s.TryNext();
  s.Add(Make("c:1", 3));  // busy chat: nothing to wake
  EXPECT_EQ(notified, 1);
  s.Complete(d);
}

TEST(ChatSchedulerTest, WaitUntilEmptyReturnsOnceDrained) {
  ChatScheduler s;
  s.Add(Make("c:1", 1));
  EXPECT_FALSE(s.WaitUntilEmpty(absl::Milliseconds(1)));
  std::thread worker([&] {
    Delivery* d = s.TryNext();
    s.Complete(d);
  });
  EXPECT_TRUE(s.WaitUntilEmpty(absl::Seconds(30)));
  worker.join();
}

TEST(ChatSchedulerTest, ManyThreadsKeepPerChatOrder) {
  ChatScheduler s;
  constexpr int kChats = 50, kPerChat = 40;
  for (int i = 0; i < kPerChat; ++i) {
    for (int c = 0; c < kChats; ++c) {
      s.Add(Make("c:" + std::to_string(c), i * kChats + c));
    }
  }
  absl::Mutex mu;
  std::map<std::string, std::vector<int64_t>> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (s.size() > 0) {
        Delivery* d = s.TryNext();
        if (d == nullptr) continue;
        {
          absl::MutexLock lock(&mu);
          seen[d->update.chat_key].push_back(d->update.update_id);
        }
        s.Complete(d);
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
