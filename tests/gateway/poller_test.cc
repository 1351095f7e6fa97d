// Poller with FakeTelegramClient (scripted getUpdates) and FakeUpdateSink
// (scripted acks). Backoff waits go through PollerOptions::wait_for, which
// records the delays and returns at once.
#include "gateway/poller.h"

#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/gateway/fake_telegram_client.h"
#include "tests/gateway/fake_update_sink.h"

namespace telegate::gateway {
namespace {

using nlohmann::json;
using telegate::testing::FakeTelegramClient;
using telegate::testing::FakeUpdateSink;
using telegate::v1::Ack;

json Message(int64_t update_id, int64_t chat_id) {
  return {{"update_id", update_id},
          {"message",
           {{"message_id", update_id},
            {"date", 1700000000},
            {"chat", {{"id", chat_id}, {"type", "private"}}},
            {"text", "hi"}}}};
}

std::vector<int64_t> DeliveredIds(const FakeUpdateSink& sink) {
  std::vector<int64_t> ids;
  for (const auto& d : sink.deliveries()) ids.push_back(d.update_id);
  return ids;
}

class PollerTest : public ::testing::Test {
 protected:
  // Starts a Poller whose backoffs call `on_backoff(delay)` (after
  // recording the delay) instead of waiting.
  void StartPoller(std::function<void(absl::Duration)> on_backoff = nullptr,
                   std::vector<std::string> allowed = {}) {
    auto client = std::make_unique<FakeTelegramClient>();
    client_ = client.get();
    PollerOptions options;
    options.allowed_updates = std::move(allowed);
    options.wait_for = [this, on_backoff](absl::Duration d) {
      {
        absl::MutexLock lock(&mu_);
        delays_.push_back(d);
      }
      if (on_backoff) on_backoff(d);
    };
    poller_ = std::make_unique<Poller>(std::move(client), &sink_, options);
  }
  std::vector<absl::Duration> delays() {
    absl::MutexLock lock(&mu_);
    return delays_;
  }

  FakeUpdateSink sink_;
  FakeTelegramClient* client_ = nullptr;
  std::unique_ptr<Poller> poller_;
  absl::Mutex mu_;
  std::vector<absl::Duration> delays_ ABSL_GUARDED_BY(mu_);
};

TEST_F(PollerTest, DeliversInOrderAndAdvancesTheOffset) {
  StartPoller(nullptr, {"message", "callback_query"});
  client_->ThenUpdates(
      json::array({Message(10, 1), Message(11, 2), Message(12, 1)}));
  client_->ThenUpdates(json::array({Message(13, 3)}));
  poller_->Start();
  ASSERT_TRUE(client_->WaitForCalls("getUpdates", 3));  // the 3rd waits
  poller_->Stop();
  EXPECT_EQ(DeliveredIds(sink_), (std::vector<int64_t>{10, 11, 12, 13}));
  EXPECT_EQ(sink_.deliveries()[1].chat_key, "c:2");
  EXPECT_EQ(json::parse(sink_.deliveries()[0].payload), Message(10, 1));
  std::vector<testing::ApiCall> calls = client_->calls();
  EXPECT_EQ(calls[0].params["offset"], 0);
  EXPECT_EQ(calls[0].params["timeout"], 25);
  EXPECT_EQ(calls[0].params["allowed_updates"],
            json::array({"message", "callback_query"}));
  EXPECT_EQ(calls[1].params["offset"], 13);
  EXPECT_EQ(calls[2].params["offset"], 14);
  EXPECT_EQ(poller_->offset(), 14);
  EXPECT_EQ(poller_->stats().updates_polled.load(), 4u);
  EXPECT_EQ(poller_->stats().updates_delivered.load(), 4u);
  EXPECT_EQ(poller_->stats().backoffs.load(), 0u);
}

TEST_F(PollerTest, DuplicateCountsAsAcknowledged) {
  StartPoller();
  sink_.AnswerWith(Ack::DUPLICATE);
  // As parsed from an HTTP answer: update_id is held unsigned.
  client_->ThenUpdates(json::parse(json::array({Message(5, 1)}).dump()));
  poller_->Start();
  ASSERT_TRUE(client_->WaitForCalls("getUpdates", 2));
  poller_->Stop();
  EXPECT_EQ(client_->calls()[1].params["offset"], 6);
  EXPECT_EQ(poller_->stats().updates_delivered.load(), 1u);
}

TEST_F(PollerTest, OverloadedRetriesTheSameUpdateAfterRetryAfter) {
  StartPoller([this](absl::Duration) { sink_.AnswerWith(Ack::ACCEPTED); });
  sink_.AnswerWith(Ack::OVERLOADED, "queue full", 3);
  client_->ThenUpdates(json::array({Message(1, 1), Message(2, 1)}));
  poller_->Start();
  ASSERT_TRUE(client_->WaitForCalls("getUpdates", 2));
  poller_->Stop();
  EXPECT_EQ(DeliveredIds(sink_), (std::vector<int64_t>{1, 1, 2}));
  ASSERT_EQ(delays().size(), 1u);
  EXPECT_EQ(delays()[0], absl::Seconds(3));
  EXPECT_EQ(poller_->offset(), 3);
  EXPECT_EQ(poller_->stats().backoffs.load(), 1u);
}

TEST_F(PollerTest, UnavailableWorkerBacksOffExponentiallyWithJitter) {
  int backoffs = 0;
  StartPoller([&](absl::Duration) {
    if (++backoffs == 4) sink_.AnswerWith(Ack::ACCEPTED);
  });
  sink_.AnswerWith(absl::UnavailableError("no worker"));
  client_->ThenUpdates(json::array({Message(7, 1)}));
  poller_->Start();
  ASSERT_TRUE(client_->WaitForCalls("getUpdates", 2));
  poller_->Stop();
  std::vector<absl::Duration> d = delays();
  ASSERT_EQ(d.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    absl::Duration base = absl::Milliseconds(100) * (1 << i);
    EXPECT_GE(d[i], base / 2) << i;
    EXPECT_LE(d[i], base) << i;
  }
  EXPECT_EQ(DeliveredIds(sink_).size(), 5u);
  EXPECT_EQ(poller_->offset(), 8);
}

TEST_F(PollerTest, MalformedAndRejectedUpdatesAreSkipped) {
  StartPoller();
  client_->ThenUpdates(json::array({Message(1, 1), json{{"no_id", true}},
                                    json{{"update_id", "x"}}, Message(3, 1)}));
  poller_->Start();
  ASSERT_TRUE(client_->WaitForCalls("getUpdates", 2));
  EXPECT_EQ(DeliveredIds(sink_), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(poller_->stats().updates_skipped.load(), 2u);
  EXPECT_EQ(client_->calls()[1].params["offset"], 4);

  sink_.AnswerWith(Ack::REJECTED, "unusable");
  client_->ThenUpdates(json::array({Message(4, 1)}));
  ASSERT_TRUE(client_->WaitForCalls("getUpdates", 3));
  poller_->Stop();
  EXPECT_EQ(client_->calls()[2].params["offset"], 5);
  EXPECT_EQ(poller_->stats().updates_skipped.load(), 3u);
  EXPECT_EQ(poller_->stats().updates_delivered.load(), 2u);
}

TEST_F(PollerTest, GetUpdatesFailuresBackOffAndRetryTheSameOffset) {
  StartPoller();
  client_->Then(FakeTelegramClient::Failure(429, 7));
  client_->Then(FakeTelegramClient::Failure(502));
  client_->Then(FakeTelegramClient::Failure(409));
  client_->Then(FakeTelegramClient::Ok("not an array"));
  client_->ThenUpdates(json::array({Message(20, 1)}));
  poller_->Start();
  ASSERT_TRUE(client_->WaitForCalls("getUpdates", 6));
  poller_->Stop();
  std::vector<absl::Duration> d = delays();
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0], absl::Seconds(7));
  EXPECT_GE(d[1], absl::Milliseconds(100));  // 2nd failure in a row
  EXPECT_LE(d[1], absl::Milliseconds(200));
  std::vector<testing::ApiCall> calls = client_->calls();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(calls[i].params["offset"], 0) << i;
  EXPECT_EQ(calls[5].params["offset"], 21);
  EXPECT_EQ(DeliveredIds(sink_), (std::vector<int64_t>{20}));
}

TEST_F(PollerTest, StopInterruptsALongPollAndABackoff) {
  // The real wait (no hook) during a 5 s backoff, then a blocked poll.
  auto client = std::make_unique<FakeTelegramClient>();
  FakeTelegramClient* raw = client.get();
  PollerOptions options;
  options.min_backoff = absl::Seconds(5);
  Poller poller(std::move(client), &sink_, options);
  sink_.AnswerWith(absl::UnavailableError("no worker"));
  raw->ThenUpdates(json::array({Message(1, 1)}));
  poller.Start();
  absl::Time start = absl::Now();
  poller.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));

  FakeUpdateSink idle;
  auto client2 = std::make_unique<FakeTelegramClient>();
  FakeTelegramClient* raw2 = client2.get();
  Poller polling(std::move(client2), &idle, PollerOptions{});
  polling.Start();
  ASSERT_TRUE(raw2->WaitForCalls("getUpdates", 1));
  start = absl::Now();
  polling.Stop();
  polling.Stop();  // idempotent
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
  EXPECT_TRUE(idle.deliveries().empty());
}

TEST_F(PollerTest, NextUpdateGoesOnlyAfterTheAckOfThePrevious) {
  StartPoller();
  sink_.HoldAnswers();
  client_->ThenUpdates(json::array({Message(1, 1), Message(2, 2)}));
  poller_->Start();
  ASSERT_TRUE(sink_.AwaitHeld(1));
  // The ack comes later from another thread; until then 2 waits.
  EXPECT_EQ(DeliveredIds(sink_), (std::vector<int64_t>{1}));
  EXPECT_EQ(poller_->offset(), 0);
  sink_.Release();
  ASSERT_TRUE(client_->WaitForCalls("getUpdates", 2));
  poller_->Stop();
  EXPECT_EQ(DeliveredIds(sink_), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(client_->calls()[1].params["offset"], 3);
}

TEST_F(PollerTest, StopInterruptsTheWaitForAnAck) {
  StartPoller();
  sink_.HoldAnswers();
  client_->ThenUpdates(json::array({Message(1, 1)}));
  poller_->Start();
  ASSERT_TRUE(sink_.AwaitHeld(1));
  poller_->Stop();  // returns without the ack: Telegram keeps update 1
  EXPECT_EQ(poller_->offset(), 0);
  EXPECT_EQ(poller_->stats().updates_delivered.load(), 0u);
  poller_.reset();
  sink_.Release();  // the late ack lands nowhere, harmlessly
  EXPECT_EQ(DeliveredIds(sink_), (std::vector<int64_t>{1}));
}

TEST(PollBackoffTest, RetryAfterWinsElseDoublesUpToTheCap) {
  const absl::Duration lo = absl::Milliseconds(100), hi = absl::Seconds(5);
  EXPECT_EQ(PollBackoff(1, 9, lo, hi, 0.5), absl::Seconds(9));
  EXPECT_EQ(PollBackoff(1, 0, lo, hi, 1.0), lo);
  EXPECT_EQ(PollBackoff(3, 0, lo, hi, 1.0), absl::Milliseconds(400));
  EXPECT_EQ(PollBackoff(3, 0, lo, hi, 0.5), absl::Milliseconds(200));
  EXPECT_EQ(PollBackoff(30, 0, lo, hi, 1.0), hi);
  EXPECT_EQ(PollBackoff(1000, 0, lo, hi, 2.0), hi);  // jitter clamped
}

}  // namespace
}  // namespace telegate::gateway
