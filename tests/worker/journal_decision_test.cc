// SqliteJournal's records for an upstream bot, on a real database: the
// decision journaled before it is acted on (and replayed with the entry),
// and failed deliveries of kind "upstream_update".
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/worker/journal_fixture.h"
#include "worker/journal.h"
#include "worker/sqlite_journal.h"

namespace telegate::worker {
namespace {

using JournalDecisionTest = JournalTest;

void Append(Journal& journal, int64_t update_id) {
  Result result = AppendAndWait(journal, Entry(update_id, "chat:7"));
  ASSERT_TRUE(result.outcome.ok()) << result.outcome.status();
}

TEST_F(JournalDecisionTest, DecisionIsCommittedBeforeItsCallbackAndReplayed) {
  const std::string decision =
      R"([{"method":"sendMessage","params":{"chat_id":7,"text":"hi"}}])";
  {
    auto journal = OpenOrDie();
    ASSERT_NE(journal, nullptr);
    Append(*journal, 11);
    Append(*journal, 12);
    absl::Notification recorded;
    absl::Status status = absl::UnknownError("not called");
    journal->RecordDecision(11, decision, [&](absl::Status s) {
      status = s;
      recorded.Notify();
    });
    ASSERT_TRUE(recorded.WaitForNotificationWithTimeout(absl::Seconds(30)));
    EXPECT_TRUE(status.ok()) << status;
    // Dropped without a Flush: the callback already means committed.
  }
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok()) << unfinished.status();
  ASSERT_EQ(unfinished->size(), 2u);
  EXPECT_EQ((*unfinished)[0].update_id, 11);
  EXPECT_EQ((*unfinished)[0].decision_json, decision);
  EXPECT_EQ((*unfinished)[1].update_id, 12);
  EXPECT_EQ((*unfinished)[1].decision_json, "");  // undecided
}

TEST_F(JournalDecisionTest, FailedDeliveryKeepsItsKind) {
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  FailedDelivery update;
  update.kind = FailedKind::kUpstreamUpdate;
  update.update_id = 5;
  update.chat_key = "chat:7";
  update.params_json = R"({"update_id":5})";
  update.error_code = 400;
  update.reason = "bot refused the update: HTTP 400";
  ASSERT_TRUE(journal->AddFailedDelivery(update).ok());
  FailedDelivery call;
  call.update_id = 6;
  call.chat_key = "chat:7";
  call.method = "sendMessage";
  call.params_json = "{}";
  ASSERT_TRUE(journal->AddFailedDelivery(call).ok());
  auto list = journal->ListFailedDeliveries(10);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].kind, FailedKind::kBotApiCall);  // newest first
  EXPECT_EQ((*list)[1].kind, FailedKind::kUpstreamUpdate);
  auto taken = journal->TakeFailedDelivery((*list)[1].id);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->kind, FailedKind::kUpstreamUpdate);
  EXPECT_EQ(taken->params_json, R"({"update_id":5})");
}

}  // namespace
}  // namespace telegate::worker
