// The worker's processing path end to end, without gRPC: Intake →
// FakeJournal → ChatScheduler → UpdateProcessor (several loops) → EchoBot
// → FakeBotApi. Each test drains with UpdateProcessor::Stop, which returns
// once every queued delivery finished.
#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/fake_journal.h"
#include "tests/worker/wait_until.h"
#include "worker/echo_bot.h"
#include "worker/intake.h"
#include "worker/update_processor.h"

namespace telegate::worker {
namespace {

using testing::FakeBotApi;
using testing::FakeJournal;
using testing::RecordedCall;
using testing::TextUpdate;
using testing::WaitUntil;

constexpr absl::Duration kDrain = absl::Seconds(30);

// Echoes, but first waits until `release` is notified.
class GatedEchoBot : public BotHandler {
 public:
  std::vector<BotAction> Decide(const nlohmann::json& update) override {
    release.WaitForNotification();
    decided.fetch_add(1);
    return EchoBot().Decide(update);
  }
  absl::Notification release;
  std::atomic<int> decided{0};
};

struct PipelineOptions {
  int threads = 4;
  int64_t queue_limit = 1000;
  int64_t error_threshold = 10;
  BotHandler* handler = nullptr;  // default: EchoBot
};

class PipelineTest : public ::testing::Test {
 protected:
  void Start(PipelineOptions o = {}) {
    runtime_ = std::make_unique<BotRuntime>(o.error_threshold);
    intake_ = std::make_unique<Intake>(&journal_, &scheduler_, &stats_,
                                       o.queue_limit);
    ProcessorOptions options;
    options.loops = o.threads;
    options.retry.initial_backoff = absl::Milliseconds(1);
    processor_ = std::make_unique<UpdateProcessor>(
        options, &scheduler_, &journal_, runtime_.get(),
        o.handler ? o.handler : &echo_, &stats_, &api_);
    ASSERT_TRUE(processor_->Start().ok());
    ASSERT_TRUE(runtime_->InitializeAndWait().ok());
  }

  void TearDown() override {
    if (!gated_.release.HasBeenNotified()) gated_.release.Notify();
    if (processor_) processor_->Stop(kDrain);
  }

  // The fake journal commits inline, so the answer is there on return.
  SubmitResult Send(int64_t update_id, int64_t chat_id,
                    const std::string& text) {
    std::optional<SubmitResult> result;
    intake_->Submit(update_id, absl::StrCat("c:", chat_id),
                    TextUpdate(update_id, chat_id, text).dump(),
                    [&](SubmitResult r) { result = r; });
    EXPECT_TRUE(result.has_value());
    return result.value_or(SubmitResult::kJournalError);
  }

  void Drain() { processor_->Stop(kDrain); }

  FakeBotApi api_;
  FakeJournal journal_;
  EchoBot echo_;
  GatedEchoBot gated_;
  WorkerStats stats_;
  ChatScheduler scheduler_;
  std::unique_ptr<BotRuntime> runtime_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<UpdateProcessor> processor_;
};

TEST_F(PipelineTest, EverySubmittedUpdateIsProcessed) {
  Start();
  for (int i = 1; i <= 200; ++i) {
    ASSERT_EQ(Send(i, i % 10, absl::StrCat("text ", i)),
              SubmitResult::kAccepted);
  }
  Drain();
  EXPECT_EQ(api_.CallsTo("sendMessage").size(), 200u);
  EXPECT_EQ(stats_.received.load(), 200);
  EXPECT_EQ(stats_.accepted.load(), 200);
  EXPECT_EQ(stats_.processed.load(), 200);
  EXPECT_EQ(stats_.failed.load(), 0);
  EXPECT_EQ(stats_.sends_ok.load(), 200);
  EXPECT_EQ(intake_->in_flight(), 0);
  for (int i = 1; i <= 200; ++i) EXPECT_TRUE(journal_.IsDone(i)) << i;
}

TEST_F(PipelineTest, KeepsEachChatsOrderAcrossLoops) {
  Start();
  constexpr int kChats = 25, kMessages = 40;
  int64_t update_id = 1;
  for (int m = 0; m < kMessages; ++m) {
    for (int c = 0; c < kChats; ++c) {
      int64_t chat = c % 2 == 0 ? 1000 + c : -1001000000000 - c;
      ASSERT_EQ(Send(update_id++, chat, absl::StrCat("m", m)),
                SubmitResult::kAccepted);
    }
  }
  Drain();
  std::map<int64_t, std::vector<std::string>> per_chat;
  for (const RecordedCall& call : api_.CallsTo("sendMessage")) {
    per_chat[call.params["chat_id"].get<int64_t>()].push_back(
        call.params["text"]);
  }
  ASSERT_EQ(per_chat.size(), static_cast<size_t>(kChats));
  std::vector<std::string> expected;
  for (int m = 0; m < kMessages; ++m) expected.push_back(absl::StrCat("m", m));
  for (const auto& [chat, texts] : per_chat) {
    EXPECT_EQ(texts, expected) << "chat " << chat;
  }
}

TEST_F(PipelineTest, DuplicateUpdateIdIsProcessedOnce) {
  Start();
  EXPECT_EQ(Send(7, 1, "once"), SubmitResult::kAccepted);
  EXPECT_EQ(Send(7, 1, "once"), SubmitResult::kDuplicate);
  EXPECT_EQ(Send(7, 2, "other chat, same id"), SubmitResult::kDuplicate);
  Drain();
  EXPECT_EQ(api_.CallsTo("sendMessage").size(), 1u);
  EXPECT_EQ(stats_.received.load(), 3);
  EXPECT_EQ(stats_.accepted.load(), 1);
  EXPECT_EQ(stats_.duplicate.load(), 2);
  // Still a duplicate after it was handled (the journal remembers).
  EXPECT_TRUE(journal_.IsDone(7));
}

TEST_F(PipelineTest, FullQueueAnswersOverloaded) {
  Start({.threads = 1, .queue_limit = 2, .handler = &gated_});
  EXPECT_EQ(Send(1, 1, "a"), SubmitResult::kAccepted);
  EXPECT_EQ(Send(2, 2, "b"), SubmitResult::kAccepted);
  EXPECT_EQ(Send(3, 3, "c"), SubmitResult::kOverloaded);
  EXPECT_EQ(Send(4, 1, "d"), SubmitResult::kOverloaded);
  EXPECT_EQ(stats_.overloaded.load(), 2);
  EXPECT_EQ(intake_->in_flight(), 2);

  gated_.release.Notify();
  ASSERT_TRUE(WaitUntil([&] { return intake_->in_flight() == 0; }));
  // An update refused as overloaded was not journaled: its redelivery runs.
  EXPECT_EQ(Send(3, 3, "c"), SubmitResult::kAccepted);
  Drain();
  EXPECT_EQ(gated_.decided.load(), 3);
  EXPECT_EQ(stats_.processed.load(), 3);
}

TEST_F(PipelineTest, StoppedIntakeRefusesAndQueuedWorkStillFinishes) {
  Start({.threads = 1, .handler = &gated_});
  ASSERT_EQ(Send(1, 1, "queued before stop"), SubmitResult::kAccepted);
  intake_->Stop();
  EXPECT_EQ(Send(2, 1, "late"), SubmitResult::kStopping);
  gated_.release.Notify();
  Drain();
  EXPECT_EQ(api_.CallsTo("sendMessage").size(), 1u);
  EXPECT_EQ(stats_.accepted.load(), 1);
}

TEST_F(PipelineTest, FailuresCountInStatsAndErrorCount) {
  Start({.threads = 1});
  api_.FailNext(3, FakeBotApi::Failure(403, "Forbidden: bot was blocked"),
                "sendMessage");
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(Send(i, 5, "x"), SubmitResult::kAccepted);
  }
  Drain();
  EXPECT_EQ(stats_.failed.load(), 3);
  EXPECT_EQ(stats_.processed.load(), 0);
  EXPECT_EQ(stats_.sends_failed.load(), 3);
  EXPECT_EQ(stats_.sends_ok.load(), 0);
  EXPECT_EQ(stats_.failed_deliveries.load(), 3);
  EXPECT_EQ(journal_.failed_count(), 3u);
  BotSnapshot s = runtime_->Snapshot();
  EXPECT_EQ(s.error_count, 3);
  EXPECT_EQ(s.bot_status, "sendMessage: 403 Forbidden: bot was blocked");
  // A failed delivery still finishes its update: no replay after restart.
  for (int i = 1; i <= 3; ++i) EXPECT_TRUE(journal_.IsDone(i));
}

TEST_F(PipelineTest, ThresholdRestartGivesLoopsFreshClients) {
  Start({.threads = 1, .error_threshold = 3});
  api_.FailNext(3, FakeBotApi::Failure(403, "Forbidden"), "sendMessage");
  for (int i = 1; i <= 4; ++i) {
    ASSERT_EQ(Send(i, 5, "x"), SubmitResult::kAccepted);
  }
  // getMe is re-checked asynchronously, through the new client.
  ASSERT_TRUE(api_.WaitForCalls("getMe", 2));
  Drain();
  BotSnapshot s = runtime_->Snapshot();
  EXPECT_EQ(s.restart_count, 1);
  EXPECT_EQ(s.error_count, 0);  // the fourth update succeeded
  EXPECT_EQ(api_.CallsTo("getMe").size(), 2u);
  std::vector<RecordedCall> sends = api_.CallsTo("sendMessage");
  ASSERT_EQ(sends.size(), 4u);
  EXPECT_EQ(sends[0].client_id, sends[2].client_id);
  EXPECT_GT(sends[3].client_id, sends[2].client_id);
}

TEST_F(PipelineTest, FloodWaitOnOneChatDoesNotHoldUpAnother) {
  Start({.threads = 1});
  api_.FailNext(1, FakeBotApi::Failure(429, "Too Many Requests", 1),
                "sendMessage");
  ASSERT_EQ(Send(1, 100, "first chat"), SubmitResult::kAccepted);
  ASSERT_TRUE(api_.WaitForCalls("sendMessage", 1));
  ASSERT_EQ(Send(2, 200, "second chat"), SubmitResult::kAccepted);
  Drain();
  std::vector<RecordedCall> sends = api_.CallsTo("sendMessage");
  ASSERT_EQ(sends.size(), 3u);
  // The only loop served chat 200 while chat 100 waited retry_after.
  EXPECT_EQ(sends[0].params["chat_id"], 100);
  EXPECT_EQ(sends[1].params["chat_id"], 200);
  EXPECT_EQ(sends[2].params["chat_id"], 100);
  EXPECT_EQ(stats_.flood_waits.load(), 1);
  EXPECT_EQ(runtime_->Snapshot().error_count, 0);
}

}  // namespace
}  // namespace telegate::worker
