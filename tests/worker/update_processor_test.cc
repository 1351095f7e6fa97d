#include "worker/update_processor.h"

#include <map>
#include <vector>

#include "gtest/gtest.h"
#include "tests/worker/processor_rig.h"
#include "tests/worker/wait_until.h"

namespace telegate::worker {
namespace {

using testing::FakeBotApi;
using testing::ProcessorRig;
using testing::WaitUntil;

TEST(UpdateProcessorTest, EchoesAndMarksDone) {
  ProcessorRig rig;
  rig.Start();
  rig.Add(1, 10, "hello");
  rig.Add(2, 11, "world");
  ASSERT_TRUE(rig.Drain());
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 2u);
  EXPECT_TRUE(rig.journal.IsDone(1));
  EXPECT_TRUE(rig.journal.IsDone(2));
  EXPECT_EQ(rig.stats.processed.load(), 2);
  EXPECT_EQ(rig.stats.sends_ok.load(), 2);
}

TEST(UpdateProcessorTest, TransientFailuresAreRetriedThenSucceed) {
  ProcessorRig rig;
  rig.Start();
  rig.api.FailNext(2, FakeBotApi::Failure(502, "Bad Gateway"), "sendMessage");
  rig.Add(1, 10, "again");
  ASSERT_TRUE(rig.Drain());
  ASSERT_EQ(rig.api.CallsTo("sendMessage").size(), 3u);
  EXPECT_EQ(rig.stats.retries.load(), 2);
  EXPECT_EQ(rig.stats.processed.load(), 1);
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 0);  // success reset it
  EXPECT_EQ(rig.journal.failed_count(), 0u);
}

TEST(UpdateProcessorTest, TransientFailuresGiveUpAfterMaxAttempts) {
  ProcessorRig rig;
  ProcessorOptions options;
  options.retry.max_attempts = 3;
  rig.Start(options);
  rig.api.FailNext(100, FakeBotApi::Failure(500, "Internal Server Error"),
                   "sendMessage");
  rig.Add(1, 10, "doomed");
  ASSERT_TRUE(rig.Drain());
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 3u);
  EXPECT_EQ(rig.journal.failed_count(), 1u);
  EXPECT_EQ(rig.stats.failed.load(), 1);
  EXPECT_TRUE(rig.journal.IsDone(1));
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 3);
}

TEST(UpdateProcessorTest, PermanentFailureIsRecordedOnceNotRetried) {
  ProcessorRig rig;
  rig.Start();
  rig.api.FailNext(1,
                   FakeBotApi::Failure(403, "Forbidden: bot was blocked by the user"),
                   "sendMessage");
  rig.Add(1, 10, "blocked");
  ASSERT_TRUE(rig.Drain());
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 1u);
  auto failed = rig.journal.ListFailedDeliveries(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].error_code, 403);
  EXPECT_EQ((*failed)[0].method, "sendMessage");
  EXPECT_EQ((*failed)[0].update_id, 1);
  EXPECT_NE((*failed)[0].reason.find("blocked"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse((*failed)[0].params_json)["text"], "blocked");
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 1);
}

TEST(UpdateProcessorTest, FloodWaitIsNotAnErrorAndIsHonoured) {
  ProcessorRig rig;
  rig.Start();
  rig.api.FailNext(1, FakeBotApi::Failure(429, "Too Many Requests: retry after 1", 1),
                   "sendMessage");
  absl::Time start = absl::Now();
  rig.Add(1, 10, "patience");
  ASSERT_TRUE(rig.Drain());
  EXPECT_GE(absl::Now() - start, absl::Seconds(1));
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 2u);
  EXPECT_EQ(rig.stats.flood_waits.load(), 1);
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 0);
  EXPECT_EQ(rig.stats.processed.load(), 1);
}

TEST(UpdateProcessorTest, FloodWaitParksOnlyItsChat) {
  ProcessorRig rig;
  rig.Start();
  rig.api.FailNext(1, FakeBotApi::Failure(429, "Too Many Requests", 30),
                   "sendMessage");
  rig.Add(1, 10, "first, flood-waited");
  ASSERT_TRUE(rig.api.WaitForCalls("sendMessage", 1));
  ASSERT_TRUE(WaitUntil([&] { return rig.scheduler.parked() == 1; }));
  rig.Add(2, 10, "behind it, same chat");
  for (int i = 0; i < 20; ++i) rig.Add(100 + i, 20 + i, "other chat");
  ASSERT_TRUE(WaitUntil([&] { return rig.stats.processed.load() == 20; }));
  // Chat 10 waits for its 30 s: its second update was not sent.
  for (const auto& call : rig.api.CallsTo("sendMessage")) {
    EXPECT_NE(call.params["text"], "behind it, same chat");
  }
  EXPECT_EQ(rig.scheduler.size(), 2);
  EXPECT_EQ(rig.scheduler.parked(), 1);
}

TEST(UpdateProcessorTest, MigratedGroupGetsTheReplyAtItsNewId) {
  ProcessorRig rig;
  rig.Start();
  rig.api.FailNext(1,
                   FakeBotApi::Failure(400,
                                       "Bad Request: group chat was upgraded "
                                       "to a supergroup chat",
                                       0, -1001234567890),
                   "sendMessage");
  rig.Add(1, -555, "moved");
  ASSERT_TRUE(rig.Drain());
  auto sends = rig.api.CallsTo("sendMessage");
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(sends[1].params["chat_id"], -1001234567890);
  EXPECT_EQ(rig.stats.migrations.load(), 1);
  EXPECT_EQ(rig.journal.failed_count(), 0u);
}

TEST(UpdateProcessorTest, ProactiveLimitsSpaceOutOneChat) {
  ProcessorRig rig;
  ProcessorOptions options;
  options.rate_limits = RateLimits{30, absl::Milliseconds(300), 20};
  rig.Start(options);
  rig.Add(1, 10, "one");
  rig.Add(2, 10, "two");
  ASSERT_TRUE(rig.Drain());
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 2u);
  EXPECT_EQ(rig.stats.rate_limited.load(), 1);
}

TEST(UpdateProcessorTest, OperatorRetryIsNotMarkedDone) {
  ProcessorRig rig;
  rig.Start();
  auto d = std::make_unique<Delivery>();
  d->update.kind = UpdateKind::kOperatorRetry;
  d->update.retry_of = 7;
  d->update.update_id = 5;
  d->update.chat_key = "c:10";
  d->actions.push_back({"sendMessage", {{"chat_id", 10}, {"text", "again"}}});
  d->state.decided = true;
  d->state.action_count = 1;
  rig.scheduler.Add(std::move(d));
  ASSERT_TRUE(rig.Drain());
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 1u);
  EXPECT_FALSE(rig.journal.IsDone(5));  // not a Telegram update
  EXPECT_EQ(rig.stats.processed.load(), 1);
}

// Many chats with calls in flight at once; answers arrive in varied order.
// Each chat's replies are still sent in the order of its updates.
TEST(UpdateProcessorTest, EachChatKeepsItsOrderWhileOthersOverlap) {
  ProcessorRig rig;
  rig.api.SetDelayFn([](std::string_view, const nlohmann::json& params) {
    int64_t chat = params.value("chat_id", int64_t{0});
    return absl::Microseconds((chat * 7919) % 3000);
  });
  ProcessorOptions options;
  options.loops = 2;
  rig.Start(options);
  constexpr int kChats = 200, kPerChat = 20;
  for (int i = 0; i < kPerChat; ++i) {
    for (int c = 1; c <= kChats; ++c) {
      rig.Add(int64_t{i} * kChats + c, c, std::to_string(i));
    }
  }
  ASSERT_TRUE(rig.Drain());
  std::map<int64_t, std::vector<int>> seen;
  for (const auto& call : rig.api.CallsTo("sendMessage")) {
    seen[call.params["chat_id"].get<int64_t>()].push_back(
        std::stoi(call.params["text"].get<std::string>()));
  }
  ASSERT_EQ(seen.size(), static_cast<size_t>(kChats));
  for (const auto& [chat, texts] : seen) {
    ASSERT_EQ(texts.size(), static_cast<size_t>(kPerChat)) << chat;
    for (int i = 0; i < kPerChat; ++i) EXPECT_EQ(texts[i], i) << chat;
  }
  EXPECT_GT(rig.api.max_in_flight_seen(), 1);  // chats really overlapped
  EXPECT_EQ(rig.stats.processed.load(), kChats * kPerChat);
}

TEST(UpdateProcessorTest, InFlightCapHolds) {
  ProcessorRig rig;
  rig.api.SetDelay(absl::Milliseconds(2));
  ProcessorOptions options;
  options.max_in_flight = 8;
  rig.Start(options);
  for (int c = 1; c <= 100; ++c) rig.Add(c, c, "x");
  ASSERT_TRUE(rig.Drain());
  EXPECT_EQ(rig.stats.processed.load(), 100);
  EXPECT_LE(rig.api.max_in_flight_seen(), 8);
}

// One outage with hundreds of calls in flight: every one fails, yet the bot
// is re-initialised once (one new generation of clients, one getMe), and
// every update is delivered later.
TEST(UpdateProcessorTest, OutageWithHundredsInFlightRestartsOnceLosesNothing) {
  ProcessorRig rig(/*error_threshold=*/10);
  // Retries start after every failure of the outage was seen.
  rig.backoff = absl::Milliseconds(200);
  ProcessorOptions options;
  options.loops = 2;
  options.max_in_flight = 1024;
  options.retry.max_attempts = 5;
  rig.Start(options);
  // Each loop made its first client (loop 1's creation is posted to it).
  ASSERT_TRUE(WaitUntil([&] { return rig.api.clients_created() == 2; }));
  int clients_before = rig.api.clients_created();
  rig.api.FailNext(300, FakeBotApi::Failure(502, "Bad Gateway"), "sendMessage");
  rig.api.Hold();
  for (int c = 1; c <= 300; ++c) rig.Add(c, c, "through the outage");
  // All 300 calls are in flight at once, then all fail.
  ASSERT_TRUE(WaitUntil([&] { return rig.api.in_flight() == 300; }));
  EXPECT_EQ(rig.processor->calls_in_flight(), 300);
  rig.api.Release();
  ASSERT_TRUE(rig.scheduler.WaitUntilEmpty(absl::Seconds(60)));
  // The old generation's clients were destroyed once their calls completed:
  // one client per loop is left.
  EXPECT_TRUE(WaitUntil([&] { return rig.api.clients_alive() == 2; }));
  ASSERT_TRUE(rig.Drain());
  EXPECT_EQ(rig.runtime.Snapshot().restart_count, 1);
  EXPECT_EQ(rig.api.clients_created(), clients_before + 2);  // one per loop
  EXPECT_EQ(rig.api.CallsTo("getMe").size(), 2u);  // start + the restart
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 600u);
  EXPECT_EQ(rig.stats.processed.load(), 300);
  EXPECT_EQ(rig.journal.failed_count(), 0u);
  for (int c = 1; c <= 300; ++c) EXPECT_TRUE(rig.journal.IsDone(c)) << c;
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 0);
}

TEST(UpdateProcessorTest, LoopStatesCountCallsAndChats) {
  ProcessorRig rig;
  ProcessorOptions options;
  options.loops = 3;
  rig.Start(options);
  for (int c = 1; c <= 30; ++c) rig.Add(c, c, "x");
  ASSERT_TRUE(WaitUntil([&] { return rig.stats.processed.load() == 30; }));
  auto loops = rig.processor->LoopStates();
  ASSERT_EQ(loops.size(), 3u);
  int64_t chats = 0;
  for (const auto& l : loops) {
    chats += l.chats_served;
    EXPECT_EQ(l.calls_in_flight, 0);
    EXPECT_GT(l.client_generation, 0u);
  }
  EXPECT_EQ(chats, 30);
  EXPECT_EQ(rig.processor->calls_in_flight(), 0);
}

}  // namespace
}  // namespace telegate::worker
