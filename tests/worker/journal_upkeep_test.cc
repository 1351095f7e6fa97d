// SqliteJournal's upkeep on a real database: pruning (fake clock), failed
// deliveries, and refusing to open where it cannot.
#include "worker/journal.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/worker/journal_fixture.h"
#include "worker/sqlite_journal.h"

namespace telegate::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(JournalTest, PrunesOldDoneEntriesAndFailedDeliveries) {
  SqliteJournalOptions options = Options();
  options.retention = absl::Hours(48);
  options.prune_interval = absl::Minutes(10);
  auto journal = OpenOrDie(std::move(options));
  ASSERT_NE(journal, nullptr);
  for (int64_t id = 1; id <= 4; ++id) {
    ASSERT_EQ(*AppendAndWait(*journal, Entry(id)).outcome,
              AppendOutcome::kAccepted);
  }
  FailedDelivery old_failure;
  old_failure.update_id = 1;
  old_failure.method = "sendMessage";
  // At T0: a failed delivery, and updates 1 and 2 done.
  ASSERT_TRUE(journal->AddFailedDelivery(old_failure).ok());
  journal->MarkDone(1);
  journal->MarkDone(2);
  journal->Flush();

  clock_.Advance(absl::Hours(47));
  journal->MarkDone(3);  // done at T0+47h; this pass prunes nothing yet
  journal->Flush();
  FailedDelivery recent_failure = old_failure;
  recent_failure.update_id = 3;
  auto recent_id = journal->AddFailedDelivery(recent_failure);
  ASSERT_TRUE(recent_id.ok());

  clock_.Advance(absl::Hours(2));  // T0+49h: 1 and 2 are past retention
  journal->MarkDone(999);          // any request wakes the writer
  journal->Flush();                // returns after the prune of that pass

  auto failures = journal->ListFailedDeliveries(10);
  ASSERT_TRUE(failures.ok());
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ((*failures)[0].id, *recent_id);

  // Pruned ids are new again; kept ones (done recently, or unfinished) not.
  EXPECT_EQ(*AppendAndWait(*journal, Entry(1)).outcome,
            AppendOutcome::kAccepted);
  EXPECT_EQ(*AppendAndWait(*journal, Entry(2)).outcome,
            AppendOutcome::kAccepted);
  EXPECT_EQ(*AppendAndWait(*journal, Entry(3)).outcome,
            AppendOutcome::kDuplicate);
  EXPECT_EQ(*AppendAndWait(*journal, Entry(4)).outcome,
            AppendOutcome::kDuplicate);
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(UpdateIds(*unfinished), ElementsAre(4, 1, 2));
}

TEST_F(JournalTest, PrunesOnOpen) {
  {
    auto journal = OpenOrDie();
    ASSERT_NE(journal, nullptr);
    ASSERT_TRUE(AppendAndWait(*journal, Entry(1)).outcome.ok());
    journal->MarkDone(1);
    journal->Flush();
  }
  clock_.Advance(absl::Hours(49));
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  EXPECT_EQ(*AppendAndWait(*journal, Entry(1)).outcome,
            AppendOutcome::kAccepted);
}

TEST_F(JournalTest, FailedDeliveriesAddListTake) {
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    FailedDelivery failed;
    failed.update_id = 100 + i;
    failed.chat_key = absl::StrCat("chat:", i);
    failed.method = "sendMessage";
    failed.params_json = absl::StrCat("{\"chat_id\":", i, "}");
    failed.error_code = 400 + i;
    failed.reason = "Bad Request: chat not found";
    auto id = journal->AddFailedDelivery(failed);
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);

  auto newest_two = journal->ListFailedDeliveries(2);
  ASSERT_TRUE(newest_two.ok());
  ASSERT_EQ(newest_two->size(), 2u);
  EXPECT_EQ((*newest_two)[0].id, ids[2]);
  EXPECT_EQ((*newest_two)[1].id, ids[1]);
  const FailedDelivery& newest = (*newest_two)[0];
  EXPECT_EQ(newest.update_id, 102);
  EXPECT_EQ(newest.chat_key, "chat:2");
  EXPECT_EQ(newest.method, "sendMessage");
  EXPECT_EQ(newest.params_json, "{\"chat_id\":2}");
  EXPECT_EQ(newest.error_code, 402);
  EXPECT_EQ(newest.reason, "Bad Request: chat not found");
  EXPECT_EQ(newest.failed_at_us, absl::ToUnixMicros(clock_.Now()));
  EXPECT_TRUE(journal->ListFailedDeliveries(0)->empty());
  EXPECT_EQ(journal->ListFailedDeliveries(-1).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto taken = journal->TakeFailedDelivery(ids[1]);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->id, ids[1]);
  EXPECT_EQ(taken->update_id, 101);
  auto again = journal->TakeFailedDelivery(ids[1]);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kNotFound);

  auto rest = journal->ListFailedDeliveries(10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].id, ids[2]);
  EXPECT_EQ((*rest)[1].id, ids[0]);
}

TEST_F(JournalTest, OpenFailsWhereTheDirectoryCannotBeCreated) {
  const std::string blocker = dir_ + "/blocker";
  std::ofstream(blocker) << "a file, not a directory";
  SqliteJournalOptions options = Options();
  options.path = blocker + "/sub/journal.db";
  auto journal = OpenSqliteJournal(std::move(options));
  ASSERT_FALSE(journal.ok());
  EXPECT_EQ(journal.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(journal.status().message()),
              HasSubstr("cannot create journal directory"));
  EXPECT_THAT(std::string(journal.status().message()), HasSubstr(blocker));
}

TEST_F(JournalTest, OpenFailsWhenThePathIsADirectory) {
  SqliteJournalOptions options = Options();
  options.path = dir_;
  auto journal = OpenSqliteJournal(std::move(options));
  ASSERT_FALSE(journal.ok());
  EXPECT_THAT(std::string(journal.status().message()),
              HasSubstr("cannot open journal " + dir_));
}

TEST_F(JournalTest, OpenRejectsBadOptions) {
  SqliteJournalOptions options = Options();
  options.synchronous = "sometimes";
  EXPECT_EQ(OpenSqliteJournal(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = Options();
  options.max_batch = 0;
  EXPECT_EQ(OpenSqliteJournal(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Another connection holds the write lock: the batch fails after the busy
// timeout, every callback gets the error, and nothing of it is kept.

}  // namespace
}  // namespace telegate::worker
