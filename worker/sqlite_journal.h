// SqliteJournal: the Journal on one SQLite database in WAL mode, with group
// commit, its schema brought up to date at open (journal_migrations.h). Append and MarkDone only enqueue; one writer thread takes what is
// queued (at most max_batch appends), commits it in ONE transaction and then
// runs the append callbacks on that thread. The failed-delivery calls and
// LoadUnfinished run on the caller's thread, sharing the connection under a
// mutex. Thread-safe. The destructor commits what is queued, joins the writer
// and closes the database: no callback runs after it returns. Do not call
// Flush from an append callback (it would wait for its own batch).
#ifndef TELEGATE_WORKER_SQLITE_JOURNAL_H_
#define TELEGATE_WORKER_SQLITE_JOURNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "worker/journal.h"
#include "worker/journal_queue.h"

struct sqlite3;
struct sqlite3_stmt;

namespace telegate::worker {

class SqliteJournal final : public Journal {
 public:
  // How long a statement waits for a lock held by another connection.
  static constexpr absl::Duration kDefaultBusyTimeout = absl::Seconds(5);

  // See OpenSqliteJournal. `busy_timeout` is a seam for tests.
  static absl::StatusOr<std::unique_ptr<SqliteJournal>> Open(
      SqliteJournalOptions options,
      absl::Duration busy_timeout = kDefaultBusyTimeout);

  ~SqliteJournal() override;
  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  void Append(JournalEntry entry, AppendCallback done) override;
  void MarkDone(int64_t update_id) override;
  absl::StatusOr<std::vector<JournalEntry>> LoadUnfinished() override;
  absl::StatusOr<int64_t> AddFailedDelivery(FailedDelivery failed) override;
  absl::StatusOr<std::vector<FailedDelivery>> ListFailedDeliveries(
      int limit) override;
  absl::StatusOr<FailedDelivery> TakeFailedDelivery(int64_t id) override;
  void Flush() override;
  void RecordDecision(int64_t update_id, std::string decision_json,
                      std::function<void(absl::Status)> done) override;

  // Batch transactions committed so far (for tests and stats).
  int64_t commits() const;

 private:
  using OpKind = JournalQueue::OpKind;
  using PendingOp = JournalQueue::PendingOp;
  using AppendResult = JournalQueue::AppendResult;

  explicit SqliteJournal(SqliteJournalOptions options);

  absl::Status Init(absl::Duration busy_timeout);
  // Runs `batch` in one transaction (rolled back on failure); the results
  // follow the batch's appends (JournalQueue::CommitFn).
  absl::Status CommitBatch(const std::vector<PendingOp>& batch,
                           std::vector<AppendResult>* results)
      ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::Status RunBatchLocked(const std::vector<PendingOp>& batch,
                              std::vector<AppendResult>* results)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);
  // Prunes when prune_interval passed since the last prune (writer thread,
  // or Init before the writer starts).
  absl::Status MaybePrune(bool force) ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::Status PruneLocked(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);
  // Prepares a statement kept for the connection's lifetime.
  absl::Status Prepare(const std::string& sql, sqlite3_stmt** stmt)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);
  // The failed-delivery statements (sqlite_failed_deliveries.cc).
  absl::Status PrepareFailedDeliveriesLocked()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);
  // Steps a statement that returns no rows, then resets it.
  absl::Status StepDone(sqlite3_stmt* stmt, const char* what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);
  absl::Status Error(int rc, const char* what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);
  absl::Time Now() const { return options_.clock(); }

  const SqliteJournalOptions options_;

  // The connection and its prepared statements, used by the writer thread
  // and by the synchronous calls.
  mutable absl::Mutex db_mu_;
  sqlite3* db_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* begin_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* commit_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* rollback_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* insert_update_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* mark_done_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* record_decision_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* prune_updates_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* prune_failed_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* load_unfinished_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* insert_failed_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* list_failed_ ABSL_GUARDED_BY(db_mu_) = nullptr;
  sqlite3_stmt* take_failed_ ABSL_GUARDED_BY(db_mu_) = nullptr;

  JournalQueue queue_;  // between callers and the writer thread

  absl::Time last_prune_;  // writer thread only (Init before it starts)
  std::thread writer_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_SQLITE_JOURNAL_H_
