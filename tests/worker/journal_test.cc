// Tests for SqliteJournal on a real database in a fresh temp dir per test,
// with an injected fake clock for pruning.
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

TEST_F(JournalTest, AppendIsAcceptedWithIncreasingSeq) {
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  EXPECT_TRUE(std::filesystem::exists(DbPath()));
  int64_t last_seq = 0;
  for (int64_t id = 100; id < 105; ++id) {
    Result result = AppendAndWait(*journal, Entry(id));
    ASSERT_TRUE(result.outcome.ok()) << result.outcome.status();
    EXPECT_EQ(*result.outcome, AppendOutcome::kAccepted);
    EXPECT_GT(result.seq, last_seq);
    last_seq = result.seq;
  }
}

TEST_F(JournalTest, SameUpdateIdIsDuplicate) {
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  Result first = AppendAndWait(*journal, Entry(7));
  ASSERT_TRUE(first.outcome.ok());
  EXPECT_EQ(*first.outcome, AppendOutcome::kAccepted);
  Result again = AppendAndWait(*journal, Entry(7, "other chat"));
  ASSERT_TRUE(again.outcome.ok());
  EXPECT_EQ(*again.outcome, AppendOutcome::kDuplicate);
  // Even once done, the update_id stays known until pruned.
  journal->MarkDone(7);
  journal->Flush();
  Result after_done = AppendAndWait(*journal, Entry(7));
  ASSERT_TRUE(after_done.outcome.ok());
  EXPECT_EQ(*after_done.outcome, AppendOutcome::kDuplicate);
}

TEST_F(JournalTest, DuplicateIsDetectedAcrossReopen) {
  {
    auto journal = OpenOrDie();
    ASSERT_NE(journal, nullptr);
    ASSERT_EQ(*AppendAndWait(*journal, Entry(1)).outcome,
              AppendOutcome::kAccepted);
  }
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  Result again = AppendAndWait(*journal, Entry(1));
  ASSERT_TRUE(again.outcome.ok());
  EXPECT_EQ(*again.outcome, AppendOutcome::kDuplicate);
  Result other = AppendAndWait(*journal, Entry(2));
  ASSERT_TRUE(other.outcome.ok());
  EXPECT_EQ(*other.outcome, AppendOutcome::kAccepted);
}

// Appends queued from inside a callback are all taken by the next batch: the
// writer is busy running callbacks while they are queued.
TEST_F(JournalTest, DuplicateWithinOneBatch) {
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  Result first, second;
  int64_t commits_before = -1;
  journal->Append(Entry(1), [&](absl::StatusOr<AppendOutcome>, int64_t) {
    commits_before = journal->commits();
    journal->Append(Entry(9), StoreIn(&first));
    journal->Append(Entry(9), StoreIn(&second));
  });
  journal->Flush();  // the callback has run
  journal->Flush();  // and what it queued is committed
  ASSERT_TRUE(first.outcome.ok()) << first.outcome.status();
  ASSERT_TRUE(second.outcome.ok()) << second.outcome.status();
  EXPECT_EQ(*first.outcome, AppendOutcome::kAccepted);
  EXPECT_EQ(*second.outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(journal->commits(), commits_before + 1);  // one transaction
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(UpdateIds(*unfinished), ElementsAre(1, 9));
}

TEST_F(JournalTest, MaxBatchBoundsAppendsPerTransaction) {
  SqliteJournalOptions options = Options();
  options.max_batch = 2;
  auto journal = OpenOrDie(std::move(options));
  ASSERT_NE(journal, nullptr);
  std::vector<Result> results(5);
  int64_t commits_before = -1;
  journal->Append(Entry(1), [&](absl::StatusOr<AppendOutcome>, int64_t) {
    commits_before = journal->commits();
    for (int i = 0; i < 5; ++i) {
      journal->Append(Entry(10 + i), StoreIn(&results[i]));
    }
  });
  journal->Flush();
  journal->Flush();
  for (const Result& result : results) {
    ASSERT_TRUE(result.outcome.ok());
    EXPECT_EQ(*result.outcome, AppendOutcome::kAccepted);
  }
  EXPECT_EQ(journal->commits(), commits_before + 3);  // 2 + 2 + 1
}

TEST_F(JournalTest, LoadUnfinishedAfterReopenInAcceptanceOrder) {
  std::vector<int64_t> seqs;
  {
    auto journal = OpenOrDie();
    ASSERT_NE(journal, nullptr);
    for (int64_t id : {50, 10, 40, 20, 30}) {
      JournalEntry entry = Entry(id, absl::StrCat("chat:", id));
      if (id == 40) entry.payload = std::string("bin\0ary", 7);
      if (id == 20) entry.payload.clear();
      Result result = AppendAndWait(*journal, std::move(entry));
      ASSERT_TRUE(result.outcome.ok());
      seqs.push_back(result.seq);
    }
    journal->MarkDone(10);
    journal->MarkDone(30);
    journal->MarkDone(12345);  // unknown: ignored
    journal->Flush();
  }
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok()) << unfinished.status();
  ASSERT_THAT(UpdateIds(*unfinished), ElementsAre(50, 40, 20));
  EXPECT_EQ((*unfinished)[0].seq, seqs[0]);
  EXPECT_EQ((*unfinished)[1].seq, seqs[2]);
  EXPECT_EQ((*unfinished)[2].seq, seqs[3]);
  EXPECT_EQ((*unfinished)[0].chat_key, "chat:50");
  EXPECT_EQ((*unfinished)[0].payload, "{\"update_id\":50}");
  EXPECT_EQ((*unfinished)[1].payload, std::string("bin\0ary", 7));
  EXPECT_EQ((*unfinished)[2].payload, "");
  EXPECT_EQ((*unfinished)[0].accepted_at_us, absl::ToUnixMicros(clock_.Now()));
}

TEST_F(JournalTest, MarkDoneIsAppliedAfterFlush) {
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  ASSERT_TRUE(AppendAndWait(*journal, Entry(1)).outcome.ok());
  ASSERT_TRUE(AppendAndWait(*journal, Entry(2)).outcome.ok());
  journal->MarkDone(1);
  journal->Flush();
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(UpdateIds(*unfinished), ElementsAre(2));
}

TEST_F(JournalTest, DestructorCommitsWhatIsQueued) {
  std::atomic<int> callbacks{0};
  {
    auto journal = OpenOrDie();
    ASSERT_NE(journal, nullptr);
    for (int64_t id = 1; id <= 3; ++id) {
      journal->Append(
          Entry(id), [&](absl::StatusOr<AppendOutcome> outcome, int64_t) {
            if (outcome.ok() && *outcome == AppendOutcome::kAccepted)
              ++callbacks;
          });
    }
    journal->MarkDone(2);
  }
  EXPECT_EQ(callbacks.load(), 3);
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(UpdateIds(*unfinished), ElementsAre(1, 3));
}

TEST_F(JournalTest, ConcurrentAppendersShareCommits) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  auto journal = OpenOrDie();
  ASSERT_NE(journal, nullptr);
  absl::Mutex mu;
  std::vector<int64_t> seqs;
  int errors = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        journal->Append(
            Entry(int64_t{t} * kPerThread + i + 1, absl::StrCat("chat:", t)),
            [&](absl::StatusOr<AppendOutcome> outcome, int64_t seq) {
              absl::MutexLock lock(&mu);
              if (outcome.ok() && *outcome == AppendOutcome::kAccepted) {
                seqs.push_back(seq);
              } else {
                ++errors;
              }
            });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  journal->Flush();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(errors, 0);
  ASSERT_EQ(seqs.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(std::set<int64_t>(seqs.begin(), seqs.end()).size(), seqs.size());
  const int64_t commits = journal->commits();
  std::printf("[ info ] %d appends in %lld commits\n", kThreads * kPerThread,
              static_cast<long long>(commits));
  EXPECT_LT(commits, kThreads * kPerThread / 4);
}

TEST_F(JournalTest, FailedCommitReportsErrorToEveryCallback) {
  auto opened = SqliteJournal::Open(Options(), absl::Milliseconds(50));
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<SqliteJournal> journal = std::move(*opened);
  const int64_t commits_before = journal->commits();

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(DbPath().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  Result first, second;
  journal->Append(Entry(1), StoreIn(&first));
  journal->Append(Entry(2), StoreIn(&second));
  journal->Flush();
  EXPECT_EQ(first.outcome.status().code(), absl::StatusCode::kUnavailable)
      << first.outcome.status();
  EXPECT_EQ(second.outcome.status().code(), absl::StatusCode::kUnavailable)
      << second.outcome.status();
  EXPECT_EQ(journal->commits(), commits_before);
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);

  EXPECT_EQ(*AppendAndWait(*journal, Entry(1)).outcome,
            AppendOutcome::kAccepted);
  auto unfinished = journal->LoadUnfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(UpdateIds(*unfinished), ElementsAre(1));
}

// Not a check: prints throughput with synchronous=FULL on this machine.
// Closed loop (each thread waits for its ack, like a gRPC handler) and open
// loop (all appends fired at once).
TEST_F(JournalTest, MeasureFortyThreadsSynchronousFull) {
  constexpr int kThreads = 40;
  constexpr int kTotal = 10'000;
  for (bool closed_loop : {true, false}) {
    SqliteJournalOptions options = Options();
    options.path = absl::StrCat(dir_, "/measure_", closed_loop, ".db");
    options.synchronous = "FULL";
    options.clock = nullptr;
    auto journal = OpenOrDie(std::move(options));
    ASSERT_NE(journal, nullptr);
    std::atomic<int> accepted{0};
    absl::Time start = absl::Now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kTotal / kThreads; ++i) {
          JournalEntry entry = Entry(int64_t{t} * kTotal + i + 1);
          entry.payload.resize(512, ' ');
          auto count = [&](absl::StatusOr<AppendOutcome> outcome, int64_t) {
            if (outcome.ok()) ++accepted;
          };
          if (closed_loop) {
            absl::Notification done;
            journal->Append(
                std::move(entry),
                [&](absl::StatusOr<AppendOutcome> outcome, int64_t seq) {
                  count(std::move(outcome), seq);
                  done.Notify();
                });
            done.WaitForNotification();
          } else {
            journal->Append(std::move(entry), count);
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    journal->Flush();
    absl::Duration elapsed = absl::Now() - start;
    EXPECT_EQ(accepted.load(), kTotal);
    std::printf(
        "[ measure ] %s, %d threads, synchronous=FULL: %d appends in %s, "
        "%.0f appends/s, %lld commits (%.1f appends/commit)\n",
        closed_loop ? "closed loop" : "open loop", kThreads, kTotal,
        absl::FormatDuration(elapsed).c_str(),
        kTotal / absl::ToDoubleSeconds(elapsed),
        static_cast<long long>(journal->commits()),
        static_cast<double>(kTotal) / journal->commits());
  }
}

}  // namespace
}  // namespace telegate::worker
