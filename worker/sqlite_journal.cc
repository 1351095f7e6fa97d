#include "worker/sqlite_journal.h"

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "worker/journal_migrations.h"
#include "worker/sqlite_statement.h"

namespace telegate::worker {
namespace {

constexpr char kComponent[] = "journal";

// "full" -> "FULL"; empty when not a valid PRAGMA synchronous value (the
// value is spliced into SQL, so only these four are allowed).
std::string NormalizeSynchronous(const std::string& value) {
  std::string upper = absl::AsciiStrToUpper(value);
  if (upper == "OFF" || upper == "NORMAL" || upper == "FULL" ||
      upper == "EXTRA") {
    return upper;
  }
  return std::string();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Journal>> OpenSqliteJournal(
    SqliteJournalOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteJournal> journal,
                   SqliteJournal::Open(std::move(options)));
  return std::unique_ptr<Journal>(std::move(journal));
}

absl::StatusOr<std::unique_ptr<SqliteJournal>> SqliteJournal::Open(
    SqliteJournalOptions options, absl::Duration busy_timeout) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("journal path is empty");
  }
  if (options.max_batch < 1) {
    return absl::InvalidArgumentError("journal max_batch must be at least 1");
  }
  if (options.retention <= absl::ZeroDuration() ||
      options.prune_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "journal retention and prune_interval must be positive");
  }
  std::string synchronous = NormalizeSynchronous(options.synchronous);
  if (synchronous.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("journal synchronous must be OFF, NORMAL, FULL or EXTRA, "
                     "not \"",
                     options.synchronous, "\""));
  }
  options.synchronous = synchronous;
  if (!options.clock) options.clock = [] { return absl::Now(); };

  std::filesystem::path parent =
      std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create journal directory ", parent.string(),
                       ": ", ec.message()));
    }
  }

  auto journal = absl::WrapUnique(new SqliteJournal(std::move(options)));
  absl::Status init = journal->Init(busy_timeout);
  if (!init.ok()) {
    return absl::Status(init.code(), absl::StrCat("cannot open journal ",
                                                  journal->options_.path, ": ",
                                                  std::string(init.message())));
  }
  return journal;
}

SqliteJournal::SqliteJournal(SqliteJournalOptions options)
    : options_(std::move(options)) {}

absl::Status SqliteJournal::Init(absl::Duration busy_timeout) {
  {
    absl::MutexLock lock(&db_mu_);
    int rc = sqlite3_open_v2(
        options_.path.c_str(), &db_,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
        nullptr);
    if (rc != SQLITE_OK) {
      if (db_ == nullptr) {
        return absl::Status(SqliteStatusCode(rc), sqlite3_errstr(rc));
      }
      return Error(rc, "open");
    }
    sqlite3_busy_timeout(
        db_, static_cast<int>(absl::ToInt64Milliseconds(busy_timeout)));

    auto exec = [this](const std::string& sql,
                       const char* what) -> absl::Status {
      int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
      return rc == SQLITE_OK ? absl::OkStatus() : Error(rc, what);
    };
    // journal_mode answers with the mode actually in effect.
    sqlite3_stmt* mode = nullptr;
    rc = sqlite3_prepare_v2(db_, "PRAGMA journal_mode=WAL", -1, &mode, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "set journal_mode");
    rc = sqlite3_step(mode);
    std::string actual = rc == SQLITE_ROW ? ColumnString(mode, 0) : "";
    absl::Status mode_status =
        rc == SQLITE_ROW ? absl::OkStatus() : Error(rc, "set journal_mode");
    sqlite3_finalize(mode);
    RETURN_IF_ERROR(mode_status);
    if (actual != "wal") {
      return absl::FailedPreconditionError(
          absl::StrCat("WAL mode unavailable (journal_mode is ", actual, ")"));
    }
    RETURN_IF_ERROR(exec(
        absl::StrCat("PRAGMA synchronous=", options_.synchronous), "pragma"));
    // A small page cache (256 KiB): the journal is written, rarely read.
    RETURN_IF_ERROR(exec("PRAGMA cache_size=-256", "pragma"));
    RETURN_IF_ERROR(ApplyJournalMigrations(db_));
    RETURN_IF_ERROR(Prepare("BEGIN IMMEDIATE", &begin_));
    RETURN_IF_ERROR(Prepare("COMMIT", &commit_));
    RETURN_IF_ERROR(Prepare("ROLLBACK", &rollback_));
    RETURN_IF_ERROR(Prepare(
        "INSERT INTO updates(update_id, chat_key, payload, accepted_at_us) "
        "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(update_id) DO NOTHING",
        &insert_update_));
    RETURN_IF_ERROR(
        Prepare("UPDATE updates SET done_at_us = ?2 "
                "WHERE update_id = ?1 AND done_at_us IS NULL",
                &mark_done_));
    RETURN_IF_ERROR(Prepare("UPDATE updates SET decision = ?2 "
                            "WHERE update_id = ?1",
                            &record_decision_));
    RETURN_IF_ERROR(Prepare(
        "DELETE FROM updates WHERE done_at_us IS NOT NULL AND done_at_us < ?1",
        &prune_updates_));
    RETURN_IF_ERROR(
        Prepare("SELECT seq, update_id, chat_key, payload, accepted_at_us, "
                "decision FROM updates WHERE done_at_us IS NULL ORDER BY seq",
                &load_unfinished_));
    RETURN_IF_ERROR(PrepareFailedDeliveriesLocked());
  }
  RETURN_IF_ERROR(MaybePrune(/*force=*/true));
  writer_ = std::thread([this] {
    queue_.RunWriter(
        options_.max_batch, options_.prune_interval,
        [this](const std::vector<PendingOp>& batch,
               std::vector<AppendResult>* results) {
          return CommitBatch(batch, results);
        },
        [this] {
          absl::Status pruned = MaybePrune(/*force=*/false);
          if (!pruned.ok()) {
            log::Warn(kComponent, "prune_failed",
                      {{"error", std::string(pruned.message())}});
          }
        },
        kComponent);
  });
  return absl::OkStatus();
}

SqliteJournal::~SqliteJournal() {
  queue_.Stop();
  if (writer_.joinable()) writer_.join();
  absl::MutexLock lock(&db_mu_);
  for (sqlite3_stmt* stmt :
       {begin_, commit_, rollback_, insert_update_, mark_done_,
        record_decision_, prune_updates_,
        prune_failed_, load_unfinished_, insert_failed_, list_failed_,
        take_failed_}) {
    sqlite3_finalize(stmt);  // no-op on nullptr
  }
  if (db_ != nullptr) {
    int rc = sqlite3_close(db_);
    if (rc != SQLITE_OK) {
      log::Error(kComponent, "close_failed", {{"error", sqlite3_errstr(rc)}});
    }
    db_ = nullptr;
  }
}

void SqliteJournal::Append(JournalEntry entry, AppendCallback done) {
  if (entry.accepted_at_us == 0) {
    entry.accepted_at_us = absl::ToUnixMicros(Now());
  }
  queue_.Append(std::move(entry), std::move(done));
}

void SqliteJournal::MarkDone(int64_t update_id) {
  queue_.MarkDone(update_id, absl::ToUnixMicros(Now()));
}

void SqliteJournal::RecordDecision(int64_t update_id,
                                   std::string decision_json,
                                   std::function<void(absl::Status)> done) {
  queue_.RecordDecision(update_id, std::move(decision_json), std::move(done));
}

void SqliteJournal::Flush() { queue_.Flush(); }

int64_t SqliteJournal::commits() const { return queue_.commits(); }

absl::Status SqliteJournal::CommitBatch(const std::vector<PendingOp>& batch,
                                        std::vector<AppendResult>* results) {
  absl::MutexLock lock(&db_mu_);
  absl::Status status = RunBatchLocked(batch, results);
  if (!status.ok() && sqlite3_get_autocommit(db_) == 0) {
    absl::Status rolled_back = StepDone(rollback_, "rollback");
    if (!rolled_back.ok()) {
      log::Error(kComponent, "rollback_failed",
                 {{"error", std::string(rolled_back.message())}});
    }
  }
  return status;
}

absl::Status SqliteJournal::RunBatchLocked(const std::vector<PendingOp>& batch,
                                           std::vector<AppendResult>* results) {
  results->clear();
  RETURN_IF_ERROR(StepDone(begin_, "begin"));
  for (const PendingOp& op : batch) {
    if (op.kind == OpKind::kRecordDecision) {
      sqlite3_bind_int64(record_decision_, 1, op.entry.update_id);
      BindText(record_decision_, 2, op.entry.decision_json);
      RETURN_IF_ERROR(StepDone(record_decision_, "record decision"));
    } else if (op.kind == OpKind::kAppend) {
      const JournalEntry& entry = op.entry;
      sqlite3_bind_int64(insert_update_, 1, entry.update_id);
      BindText(insert_update_, 2, entry.chat_key);
      sqlite3_bind_blob(insert_update_, 3, entry.payload.data(),
                        static_cast<int>(entry.payload.size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert_update_, 4, entry.accepted_at_us);
      RETURN_IF_ERROR(StepDone(insert_update_, "insert update"));
      // ON CONFLICT DO NOTHING changes no row for a known update_id, also
      // one inserted earlier in this very batch.
      if (sqlite3_changes(db_) > 0) {
        results->push_back(
            {AppendOutcome::kAccepted, sqlite3_last_insert_rowid(db_)});
      } else {
        results->push_back({AppendOutcome::kDuplicate, 0});
      }
    } else {
      sqlite3_bind_int64(mark_done_, 1, op.entry.update_id);
      sqlite3_bind_int64(mark_done_, 2, op.done_at_us);
      RETURN_IF_ERROR(StepDone(mark_done_, "mark done"));
    }
  }
  return StepDone(commit_, "commit");
}

absl::Status SqliteJournal::MaybePrune(bool force) {
  absl::Time now = Now();
  if (!force && now - last_prune_ < options_.prune_interval) {
    return absl::OkStatus();
  }
  last_prune_ = now;
  absl::MutexLock lock(&db_mu_);
  absl::Status status = PruneLocked(now);
  if (!status.ok() && sqlite3_get_autocommit(db_) == 0) {
    StepDone(rollback_, "rollback").IgnoreError();
  }
  return status;
}

absl::Status SqliteJournal::PruneLocked(absl::Time now) {
  const int64_t cutoff_us = absl::ToUnixMicros(now - options_.retention);
  RETURN_IF_ERROR(StepDone(begin_, "begin"));
  sqlite3_bind_int64(prune_updates_, 1, cutoff_us);
  RETURN_IF_ERROR(StepDone(prune_updates_, "prune updates"));
  const int64_t updates = sqlite3_changes(db_);
  sqlite3_bind_int64(prune_failed_, 1, cutoff_us);
  RETURN_IF_ERROR(StepDone(prune_failed_, "prune failed deliveries"));
  const int64_t failed = sqlite3_changes(db_);
  RETURN_IF_ERROR(StepDone(commit_, "commit"));
  if (updates > 0 || failed > 0) {
    log::Info(kComponent, "pruned",
              {{"updates", updates}, {"failed_deliveries", failed}});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<JournalEntry>> SqliteJournal::LoadUnfinished() {
  absl::MutexLock lock(&db_mu_);
  ScopedReset reset(load_unfinished_);
  std::vector<JournalEntry> entries;
  int rc;
  while ((rc = sqlite3_step(load_unfinished_)) == SQLITE_ROW) {
    JournalEntry entry;
    entry.seq = sqlite3_column_int64(load_unfinished_, 0);
    entry.update_id = sqlite3_column_int64(load_unfinished_, 1);
    entry.chat_key = ColumnString(load_unfinished_, 2);
    entry.payload = ColumnString(load_unfinished_, 3);
    entry.accepted_at_us = sqlite3_column_int64(load_unfinished_, 4);
    entry.decision_json = ColumnString(load_unfinished_, 5);
    entries.push_back(std::move(entry));
  }
  if (rc != SQLITE_DONE) return Error(rc, "load unfinished");
  return entries;
}

absl::Status SqliteJournal::Prepare(const std::string& sql,
                                    sqlite3_stmt** stmt) {
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                              stmt, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : Error(rc, "prepare");
}

absl::Status SqliteJournal::StepDone(sqlite3_stmt* stmt, const char* what) {
  ScopedReset reset(stmt);
  int rc = sqlite3_step(stmt);
  return rc == SQLITE_DONE ? absl::OkStatus() : Error(rc, what);
}

absl::Status SqliteJournal::Error(int rc, const char* what) {
  return absl::Status(SqliteStatusCode(rc),
                      absl::StrCat(what, " failed: ", sqlite3_errmsg(db_)));
}

}  // namespace telegate::worker
