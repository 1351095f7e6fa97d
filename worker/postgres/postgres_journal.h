// PostgresJournal: the Journal on PostgreSQL through libpq, for workers that
// share one database; every row carries the bot_id, so several bots (and
// later several workers) use the same tables. Same group commit as
// SqliteJournal: Append, MarkDone and RecordDecision only enqueue; one
// writer thread (with its own connection) takes what is queued (at most
// max_batch appends), runs it in ONE transaction, commits, then runs the
// callbacks on that thread. A failed batch reports its error to every
// callback of the batch (kUnavailable when the server went away); the next
// batch reconnects. LoadUnfinished and the failed-delivery calls run on the
// caller's thread on a connection from a small pool (pool_size). Done rows
// older than retention are pruned by the writer in small batches.
//
// Thread-safe. The destructor commits what is queued, joins the writer and
// closes the connections: no callback runs after it returns. Do not call
// Flush from a callback (it would wait for its own batch).
#ifndef TELEGATE_WORKER_POSTGRES_POSTGRES_JOURNAL_H_
#define TELEGATE_WORKER_POSTGRES_POSTGRES_JOURNAL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "worker/clock.h"
#include "worker/journal.h"
#include "worker/journal_queue.h"
#include "worker/postgres/pg_connection.h"

namespace telegate::worker::postgres {

struct PostgresJournalOptions {
  // "postgresql://user[:password]@host:port/db"; errors name only host:port.
  std::string url;
  int64_t bot_id = 0;  // the bot whose rows this journal reads and writes
  int max_batch = 512;  // appends committed in one transaction, at most
  // Done updates and failed deliveries older than this are pruned.
  absl::Duration retention = absl::Hours(48);
  absl::Duration prune_interval = absl::Minutes(10);
  int prune_batch = 1000;  // rows deleted per pruning transaction
  int pool_size = 2;  // connections for LoadUnfinished and failed deliveries
  Clock clock;  // default absl::Now
};

class PostgresJournal final : public Journal {
 public:
  // Connects, applies the migrations (postgres_migrations.h), prunes once
  // and starts the writer. Unavailable (naming host:port) when the server
  // cannot be reached.
  static absl::StatusOr<std::unique_ptr<PostgresJournal>> Open(
      PostgresJournalOptions options);

  ~PostgresJournal() override;
  PostgresJournal(const PostgresJournal&) = delete;
  PostgresJournal& operator=(const PostgresJournal&) = delete;

  void Append(JournalEntry entry, AppendCallback done) override;
  void RecordDecision(int64_t update_id, std::string decision_json,
                      std::function<void(absl::Status)> done) override;
  void MarkDone(int64_t update_id) override;
  absl::StatusOr<std::vector<JournalEntry>> LoadUnfinished() override;
  absl::StatusOr<int64_t> AddFailedDelivery(FailedDelivery failed) override;
  absl::StatusOr<std::vector<FailedDelivery>> ListFailedDeliveries(
      int limit) override;
  absl::StatusOr<FailedDelivery> TakeFailedDelivery(int64_t id) override;
  void Flush() override;

  // Batch transactions committed so far (for tests and stats).
  int64_t commits() const;

 private:
  using OpKind = JournalQueue::OpKind;
  using PendingOp = JournalQueue::PendingOp;
  using AppendResult = JournalQueue::AppendResult;

  explicit PostgresJournal(PostgresJournalOptions options);

  // Runs `batch` in one transaction on the writer's connection
  // (reconnecting first if needed); results follow the batch's appends
  // (JournalQueue::CommitFn).
  absl::Status RunBatch(const std::vector<PendingOp>& batch,
                        std::vector<AppendResult>* results);
  void MaybePrune(bool force);
  absl::Status Prune(absl::Time now);
  // The writer's connection, reconnected when it was lost (writer only).
  absl::StatusOr<PgConnection*> WriterConnection();

  // A pooled connection for a synchronous call; returned by Release.
  absl::StatusOr<std::unique_ptr<PgConnection>> Acquire()
      ABSL_LOCKS_EXCLUDED(pool_mu_);
  void Release(std::unique_ptr<PgConnection> conn)
      ABSL_LOCKS_EXCLUDED(pool_mu_);
  // Runs `call` on a pooled connection.
  template <typename T>
  absl::StatusOr<T> WithConnection(
      const std::function<absl::StatusOr<T>(PgConnection&)>& call);

  absl::Time Now() const { return options_.clock(); }

  const PostgresJournalOptions options_;

  // Writer thread only (Open before it starts).
  std::unique_ptr<PgConnection> writer_conn_;
  absl::Time last_prune_;

  absl::Mutex pool_mu_;
  absl::CondVar pool_cv_;  // a connection was returned or dropped
  std::vector<std::unique_ptr<PgConnection>> idle_ ABSL_GUARDED_BY(pool_mu_);
  int open_ ABSL_GUARDED_BY(pool_mu_) = 0;  // idle + in use

  JournalQueue queue_;  // between callers and the writer thread
  std::thread writer_;
};

}  // namespace telegate::worker::postgres

#endif  // TELEGATE_WORKER_POSTGRES_POSTGRES_JOURNAL_H_
