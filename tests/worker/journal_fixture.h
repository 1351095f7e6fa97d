// The SqliteJournal tests' shared pieces: a fake clock, entries, appends
// that wait, and the fixture with a fresh temp dir per test. Test-only.
#ifndef TELEGATE_TESTS_WORKER_JOURNAL_FIXTURE_H_
#define TELEGATE_TESTS_WORKER_JOURNAL_FIXTURE_H_

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "worker/journal.h"
#include "worker/sqlite_journal.h"

namespace telegate::worker {

class FakeClock {
 public:
  absl::Time Now() const {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_) = absl::FromUnixSeconds(1'700'000'000);
};

struct Result {
  absl::StatusOr<AppendOutcome> outcome = absl::UnknownError("no callback");
  int64_t seq = -1;
};

inline JournalEntry Entry(int64_t update_id, std::string chat_key = "chat:1") {
  JournalEntry entry;
  entry.update_id = update_id;
  entry.chat_key = std::move(chat_key);
  entry.payload = absl::StrCat("{\"update_id\":", update_id, "}");
  return entry;
}

inline Result AppendAndWait(Journal& journal, JournalEntry entry) {
  Result result;
  absl::Notification done;
  journal.Append(std::move(entry),
                 [&](absl::StatusOr<AppendOutcome> outcome, int64_t seq) {
                   result.outcome = std::move(outcome);
                   result.seq = seq;
                   done.Notify();
                 });
  done.WaitForNotification();
  return result;
}

// A callback that stores into `*result`; read it after Flush.
inline AppendCallback StoreIn(Result* result) {
  return [result](absl::StatusOr<AppendOutcome> outcome, int64_t seq) {
    result->outcome = std::move(outcome);
    result->seq = seq;
  };
}

inline std::vector<int64_t> UpdateIds(const std::vector<JournalEntry>& entries) {
  std::vector<int64_t> ids;
  for (const JournalEntry& entry : entries) ids.push_back(entry.update_id);
  return ids;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "journal_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // The "data" level does not exist yet: Open creates it.
  std::string DbPath() const { return dir_ + "/data/journal.db"; }

  SqliteJournalOptions Options() {
    SqliteJournalOptions options;
    options.path = DbPath();
    options.synchronous = "NORMAL";
    options.clock = [this] { return clock_.Now(); };
    return options;
  }

  std::unique_ptr<SqliteJournal> OpenOrDie(SqliteJournalOptions options) {
    auto journal = SqliteJournal::Open(std::move(options));
    EXPECT_TRUE(journal.ok()) << journal.status();
    return journal.ok() ? std::move(*journal) : nullptr;
  }
  std::unique_ptr<SqliteJournal> OpenOrDie() { return OpenOrDie(Options()); }

  std::string dir_;
  FakeClock clock_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_TESTS_WORKER_JOURNAL_FIXTURE_H_
