#include "worker/postgres/postgres_journal.h"

#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "worker/postgres/postgres_migrations.h"

namespace telegate::worker::postgres {
namespace {

constexpr char kComponent[] = "journal";

constexpr char kInsertUpdate[] =
    "INSERT INTO updates(bot_id, update_id, chat_key, payload, "
    "accepted_at_us) VALUES($1, $2, $3, $4, $5) "
    "ON CONFLICT (bot_id, update_id) DO NOTHING RETURNING seq";
constexpr char kMarkDone[] =
    "UPDATE updates SET done_at_us = $3 "
    "WHERE bot_id = $1 AND update_id = $2 AND done_at_us IS NULL";
constexpr char kRecordDecision[] =
    "UPDATE updates SET decision = $3 WHERE bot_id = $1 AND update_id = $2";
constexpr char kLoadUnfinished[] =
    "SELECT seq, update_id, chat_key, payload, accepted_at_us, decision "
    "FROM updates WHERE bot_id = $1 AND done_at_us IS NULL ORDER BY seq";
// Pruning deletes at most $3 rows per statement (its own transaction), so
// it never holds locks on many rows for long.
constexpr char kPruneUpdates[] =
    "DELETE FROM updates WHERE ctid = ANY(ARRAY(SELECT ctid FROM updates "
    "WHERE bot_id = $1 AND done_at_us IS NOT NULL AND done_at_us < $2 "
    "LIMIT $3))";
constexpr char kPruneFailed[] =
    "DELETE FROM failed_deliveries WHERE id = ANY(ARRAY(SELECT id FROM "
    "failed_deliveries WHERE bot_id = $1 AND failed_at_us < $2 LIMIT $3))";

constexpr char kFailedColumns[] =
    "id, update_id, chat_key, method, params_json, error_code, reason, "
    "failed_at_us, kind";

FailedDelivery ReadFailedDelivery(const PgResult& result, int row) {
  FailedDelivery failed;
  failed.id = result.Int(row, 0);
  failed.update_id = result.Int(row, 1);
  failed.chat_key = result.Text(row, 2);
  failed.method = result.Text(row, 3);
  failed.params_json = result.Text(row, 4);
  failed.error_code = static_cast<int>(result.Int(row, 5));
  failed.reason = result.Text(row, 6);
  failed.failed_at_us = result.Int(row, 7);
  failed.kind =
      result.Text(row, 8) == FailedKindName(FailedKind::kUpstreamUpdate)
          ? FailedKind::kUpstreamUpdate
          : FailedKind::kBotApiCall;
  return failed;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresJournal>> PostgresJournal::Open(
    PostgresJournalOptions options) {
  if (options.url.empty()) {
    return absl::InvalidArgumentError("journal url is empty");
  }
  if (options.max_batch < 1 || options.pool_size < 1 ||
      options.prune_batch < 1) {
    return absl::InvalidArgumentError(
        "journal max_batch, pool_size and prune_batch must be at least 1");
  }
  if (options.retention <= absl::ZeroDuration() ||
      options.prune_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "journal retention and prune_interval must be positive");
  }
  if (!options.clock) options.clock = [] { return absl::Now(); };
  auto journal = absl::WrapUnique(new PostgresJournal(std::move(options)));
  const std::string target = UrlTarget(journal->options_.url);
  ASSIGN_OR_RETURN(journal->writer_conn_,
                   PgConnection::Connect(journal->options_.url));
  absl::Status migrated = ApplyPostgresMigrations(*journal->writer_conn_);
  if (!migrated.ok()) {
    return absl::Status(migrated.code(),
                        absl::StrCat("cannot open journal at ", target, ": ",
                                     migrated.message()));
  }
  journal->MaybePrune(/*force=*/true);
  journal->writer_ = std::thread([j = journal.get()] {
    j->queue_.RunWriter(
        j->options_.max_batch, j->options_.prune_interval,
        [j](const std::vector<PendingOp>& batch,
            std::vector<AppendResult>* results) {
          return j->RunBatch(batch, results);
        },
        [j] { j->MaybePrune(/*force=*/false); }, kComponent);
  });
  return journal;
}

PostgresJournal::PostgresJournal(PostgresJournalOptions options)
    : options_(std::move(options)) {}

PostgresJournal::~PostgresJournal() {
  queue_.Stop();
  if (writer_.joinable()) writer_.join();
}

void PostgresJournal::Append(JournalEntry entry, AppendCallback done) {
  if (entry.accepted_at_us == 0) {
    entry.accepted_at_us = absl::ToUnixMicros(Now());
  }
  queue_.Append(std::move(entry), std::move(done));
}

void PostgresJournal::MarkDone(int64_t update_id) {
  queue_.MarkDone(update_id, absl::ToUnixMicros(Now()));
}

void PostgresJournal::RecordDecision(int64_t update_id,
                                     std::string decision_json,
                                     std::function<void(absl::Status)> done) {
  queue_.RecordDecision(update_id, std::move(decision_json), std::move(done));
}

void PostgresJournal::Flush() { queue_.Flush(); }

int64_t PostgresJournal::commits() const { return queue_.commits(); }

absl::StatusOr<PgConnection*> PostgresJournal::WriterConnection() {
  if (writer_conn_ != nullptr && !writer_conn_->healthy()) {
    writer_conn_.reset();
  }
  if (writer_conn_ == nullptr) {
    ASSIGN_OR_RETURN(writer_conn_, PgConnection::Connect(options_.url));
    log::Info(kComponent, "reconnected",
              {{"target", UrlTarget(options_.url)}});
  }
  return writer_conn_.get();
}

absl::Status PostgresJournal::RunBatch(const std::vector<PendingOp>& batch,
                                       std::vector<AppendResult>* results) {
  results->clear();
  ASSIGN_OR_RETURN(PgConnection * conn, WriterConnection());
  const PgParam bot = PgParam::Int(options_.bot_id);
  auto run = [&]() -> absl::Status {
    RETURN_IF_ERROR(conn->Run("BEGIN", {}, "begin"));
    for (const PendingOp& op : batch) {
      const PgParam update = PgParam::Int(op.entry.update_id);
      if (op.kind == OpKind::kAppend) {
        ASSIGN_OR_RETURN(
            auto inserted,
            conn->Exec(kInsertUpdate,
                       {bot, update, PgParam::Text(op.entry.chat_key),
                        PgParam::Bytes(op.entry.payload),
                        PgParam::Int(op.entry.accepted_at_us)},
                       "insert update"));
        // DO NOTHING returns no row for a known update_id, also one
        // inserted earlier in this very batch.
        if (inserted->rows() > 0) {
          results->push_back({AppendOutcome::kAccepted, inserted->Int(0, 0)});
        } else {
          results->push_back({AppendOutcome::kDuplicate, 0});
        }
      } else if (op.kind == OpKind::kRecordDecision) {
        RETURN_IF_ERROR(conn->Run(
            kRecordDecision,
            {bot, update, PgParam::Text(op.entry.decision_json)},
            "record decision"));
      } else {
        RETURN_IF_ERROR(conn->Run(kMarkDone,
                                  {bot, update, PgParam::Int(op.done_at_us)},
                                  "mark done"));
      }
    }
    return conn->Run("COMMIT", {}, "commit");
  };
  absl::Status status = run();
  if (!status.ok()) {
    if (conn->healthy()) {
      conn->Run("ROLLBACK").IgnoreError();
    } else {
      writer_conn_.reset();  // the next batch reconnects
    }
  }
  return status;
}

void PostgresJournal::MaybePrune(bool force) {
  absl::Time now = Now();
  if (!force && now - last_prune_ < options_.prune_interval) return;
  last_prune_ = now;
  absl::Status status = Prune(now);
  if (!status.ok()) {
    log::Warn(kComponent, "prune_failed",
              {{"error", std::string(status.message())}});
  }
}

absl::Status PostgresJournal::Prune(absl::Time now) {
  ASSIGN_OR_RETURN(PgConnection * conn, WriterConnection());
  const std::vector<PgParam> params = {
      PgParam::Int(options_.bot_id),
      PgParam::Int(absl::ToUnixMicros(now - options_.retention)),
      PgParam::Int(options_.prune_batch)};
  int64_t total[2] = {0, 0};
  const char* statements[2] = {kPruneUpdates, kPruneFailed};
  for (int i = 0; i < 2; ++i) {
    while (true) {
      ASSIGN_OR_RETURN(auto deleted,
                       conn->Exec(statements[i], params, "prune"));
      const int64_t rows = deleted->AffectedRows();
      total[i] += rows;
      if (rows < options_.prune_batch) break;
    }
  }
  if (total[0] > 0 || total[1] > 0) {
    log::Info(kComponent, "pruned",
              {{"updates", total[0]}, {"failed_deliveries", total[1]}});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<PgConnection>> PostgresJournal::Acquire() {
  {
    absl::MutexLock lock(&pool_mu_);
    while (idle_.empty() && open_ >= options_.pool_size) {
      pool_cv_.Wait(&pool_mu_);
    }
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;  // a slot for the connection made below, outside the lock
  }
  absl::StatusOr<std::unique_ptr<PgConnection>> conn =
      PgConnection::Connect(options_.url);
  if (!conn.ok()) {
    absl::MutexLock lock(&pool_mu_);
    --open_;
    pool_cv_.Signal();
  }
  return conn;
}

void PostgresJournal::Release(std::unique_ptr<PgConnection> conn) {
  absl::MutexLock lock(&pool_mu_);
  if (conn->healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // dropped; the next Acquire connects afresh
  }
  pool_cv_.Signal();
}

template <typename T>
absl::StatusOr<T> PostgresJournal::WithConnection(
    const std::function<absl::StatusOr<T>(PgConnection&)>& call) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, Acquire());
  absl::StatusOr<T> result = call(*conn);
  Release(std::move(conn));
  return result;
}

absl::StatusOr<std::vector<JournalEntry>> PostgresJournal::LoadUnfinished() {
  return WithConnection<std::vector<JournalEntry>>(
      [this](PgConnection& conn) -> absl::StatusOr<std::vector<JournalEntry>> {
        ASSIGN_OR_RETURN(auto result,
                         conn.Exec(kLoadUnfinished,
                                   {PgParam::Int(options_.bot_id)},
                                   "load unfinished"));
        std::vector<JournalEntry> entries;
        entries.reserve(result->rows());
        for (int row = 0; row < result->rows(); ++row) {
          JournalEntry entry;
          entry.seq = result->Int(row, 0);
          entry.update_id = result->Int(row, 1);
          entry.chat_key = result->Text(row, 2);
          entry.payload = result->Bytes(row, 3);
          entry.accepted_at_us = result->Int(row, 4);
          if (!result->IsNull(row, 5)) entry.decision_json = result->Text(row, 5);
          entries.push_back(std::move(entry));
        }
        return entries;
      });
}

absl::StatusOr<int64_t> PostgresJournal::AddFailedDelivery(
    FailedDelivery failed) {
  if (failed.failed_at_us == 0) {
    failed.failed_at_us = absl::ToUnixMicros(Now());
  }
  return WithConnection<int64_t>(
      [&](PgConnection& conn) -> absl::StatusOr<int64_t> {
        ASSIGN_OR_RETURN(
            auto result,
            conn.Exec("INSERT INTO failed_deliveries(bot_id, kind, update_id, "
                      "chat_key, method, params_json, error_code, reason, "
                      "failed_at_us) VALUES($1, $2, $3, $4, $5, $6, $7, $8, "
                      "$9) RETURNING id",
                      {PgParam::Int(options_.bot_id),
                       PgParam::Text(FailedKindName(failed.kind)),
                       PgParam::Int(failed.update_id),
                       PgParam::Text(failed.chat_key),
                       PgParam::Text(failed.method),
                       PgParam::Text(failed.params_json),
                       PgParam::Int(failed.error_code),
                       PgParam::Text(failed.reason),
                       PgParam::Int(failed.failed_at_us)},
                      "add failed delivery"));
        return result->Int(0, 0);
      });
}

absl::StatusOr<std::vector<FailedDelivery>>
PostgresJournal::ListFailedDeliveries(int limit) {
  if (limit < 0) {
    return absl::InvalidArgumentError("limit must not be negative");
  }
  if (limit == 0) return std::vector<FailedDelivery>();
  return WithConnection<std::vector<FailedDelivery>>(
      [&](PgConnection& conn)
          -> absl::StatusOr<std::vector<FailedDelivery>> {
        ASSIGN_OR_RETURN(
            auto result,
            conn.Exec(absl::StrCat("SELECT ", kFailedColumns,
                                   " FROM failed_deliveries WHERE bot_id = $1 "
                                   "ORDER BY id DESC LIMIT $2"),
                      {PgParam::Int(options_.bot_id), PgParam::Int(limit)},
                      "list failed deliveries"));
        std::vector<FailedDelivery> list;
        for (int row = 0; row < result->rows(); ++row) {
          list.push_back(ReadFailedDelivery(*result, row));
        }
        return list;
      });
}

absl::StatusOr<FailedDelivery> PostgresJournal::TakeFailedDelivery(
    int64_t id) {
  return WithConnection<FailedDelivery>(
      [&](PgConnection& conn) -> absl::StatusOr<FailedDelivery> {
        ASSIGN_OR_RETURN(
            auto result,
            conn.Exec(absl::StrCat("DELETE FROM failed_deliveries "
                                   "WHERE bot_id = $1 AND id = $2 RETURNING ",
                                   kFailedColumns),
                      {PgParam::Int(options_.bot_id), PgParam::Int(id)},
                      "take failed delivery"));
        if (result->rows() == 0) {
          return absl::NotFoundError(absl::StrCat("no failed delivery ", id));
        }
        return ReadFailedDelivery(*result, 0);
      });
}

}  // namespace telegate::worker::postgres
