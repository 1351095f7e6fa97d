#include "worker/update_processor.h"

#include "gtest/gtest.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/fake_journal.h"
#include "worker/echo_bot.h"

namespace telegate::worker {
namespace {

using testing::FakeBotApi;
using testing::FakeJournal;

std::string TextUpdate(int64_t chat, const std::string& text) {
  return nlohmann::json{{"update_id", 1},
                        {"message",
                         {{"chat", {{"id", chat}}}, {"text", text}}}}
      .dump();
}

// Processor wired to fakes; the scheduler drains and stops when idle.
struct Rig {
  FakeBotApi api;
  FakeJournal journal;
  BotRuntime runtime{&api, 10};
  EchoBot bot;
  WorkerStats stats;
  ChatScheduler scheduler;

  void Add(int64_t update_id, int64_t chat, const std::string& text) {
    auto job = std::make_unique<Job>();
    job->update_id = update_id;
    job->chat_key = "c:" + std::to_string(chat);
    job->payload = TextUpdate(chat, text);
    scheduler.Add(std::move(job));
  }
  // Runs until every job finished (parked ones included).
  void RunToCompletion(ProcessorOptions options = {}) {
    options.retry.initial_backoff = absl::Milliseconds(1);
    options.retry.jitter = 0;
    UpdateProcessor processor(options, &scheduler, &journal, &runtime, &bot,
                              &stats);
    processor.Start();
    processor.Stop(absl::Seconds(30));
  }
};

ApiResult Failure(int status, std::string description, int retry_after = 0,
                  int64_t migrate_to = 0) {
  ApiResult r;
  r.http_status = status;
  r.error_code = status;
  r.description = std::move(description);
  r.retry_after = retry_after;
  r.migrate_to_chat_id = migrate_to;
  return r;
}

TEST(UpdateProcessorTest, EchoesAndMarksDone) {
  Rig rig;
  rig.Add(1, 10, "hello");
  rig.Add(2, 11, "world");
  rig.RunToCompletion();
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 2u);
  EXPECT_TRUE(rig.journal.IsDone(1));
  EXPECT_TRUE(rig.journal.IsDone(2));
  EXPECT_EQ(rig.stats.processed.load(), 2);
  EXPECT_EQ(rig.stats.sends_ok.load(), 2);
}

TEST(UpdateProcessorTest, TransientFailuresAreRetriedThenSucceed) {
  Rig rig;
  rig.api.FailNext(2, Failure(502, "Bad Gateway"), "sendMessage");
  rig.Add(1, 10, "again");
  rig.RunToCompletion();
  auto sends = rig.api.CallsTo("sendMessage");
  ASSERT_EQ(sends.size(), 3u);
  EXPECT_EQ(rig.stats.retries.load(), 2);
  EXPECT_EQ(rig.stats.processed.load(), 1);
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 0);  // success reset it
  EXPECT_EQ(rig.journal.failed_count(), 0u);
}

TEST(UpdateProcessorTest, TransientFailuresGiveUpAfterMaxAttempts) {
  Rig rig;
  rig.api.FailNext(100, Failure(500, "Internal Server Error"), "sendMessage");
  rig.Add(1, 10, "doomed");
  ProcessorOptions options;
  options.retry.max_attempts = 3;
  rig.RunToCompletion(options);
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 3u);
  EXPECT_EQ(rig.journal.failed_count(), 1u);
  EXPECT_EQ(rig.stats.failed.load(), 1);
  EXPECT_TRUE(rig.journal.IsDone(1));
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 3);
}

TEST(UpdateProcessorTest, PermanentFailureIsRecordedOnceNotRetried) {
  Rig rig;
  rig.api.FailNext(1, Failure(403, "Forbidden: bot was blocked by the user"),
                   "sendMessage");
  rig.Add(1, 10, "blocked");
  rig.RunToCompletion();
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 1u);
  auto failed = rig.journal.ListFailedDeliveries(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].error_code, 403);
  EXPECT_EQ((*failed)[0].method, "sendMessage");
  EXPECT_NE((*failed)[0].reason.find("blocked"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse((*failed)[0].params_json)["text"], "blocked");
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 1);
}

TEST(UpdateProcessorTest, FloodWaitIsNotAnErrorAndIsHonoured) {
  Rig rig;
  rig.api.FailNext(1, Failure(429, "Too Many Requests: retry after 1", 1),
                   "sendMessage");
  rig.Add(1, 10, "patience");
  absl::Time start = absl::Now();
  rig.RunToCompletion();
  EXPECT_GE(absl::Now() - start, absl::Seconds(1));
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 2u);
  EXPECT_EQ(rig.stats.flood_waits.load(), 1);
  EXPECT_EQ(rig.runtime.Snapshot().error_count, 0);
  EXPECT_EQ(rig.stats.processed.load(), 1);
}

TEST(UpdateProcessorTest, MigratedGroupGetsTheReplyAtItsNewId) {
  Rig rig;
  rig.api.FailNext(1,
                   Failure(400,
                           "Bad Request: group chat was upgraded to a "
                           "supergroup chat",
                           0, -1001234567890),
                   "sendMessage");
  rig.Add(1, -555, "moved");
  rig.RunToCompletion();
  auto sends = rig.api.CallsTo("sendMessage");
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(sends[1].params["chat_id"], -1001234567890);
  EXPECT_EQ(rig.stats.migrations.load(), 1);
  EXPECT_EQ(rig.journal.failed_count(), 0u);
}

TEST(UpdateProcessorTest, ProactiveLimitsSpaceOutOneChat) {
  Rig rig;
  rig.Add(1, 10, "one");
  rig.Add(2, 10, "two");
  ProcessorOptions options;
  options.rate_limits = RateLimits{30, absl::Milliseconds(300), 20};
  rig.RunToCompletion(options);
  EXPECT_EQ(rig.api.CallsTo("sendMessage").size(), 2u);
  EXPECT_EQ(rig.stats.rate_limited.load(), 1);
}

}  // namespace
}  // namespace telegate::worker
