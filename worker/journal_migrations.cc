#include "worker/journal_migrations.h"

#include <sqlite3.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace telegate::worker {
namespace {

// Migration 1 is the schema as released before versioning, verbatim apart
// from IF NOT EXISTS guards, so that such a database (user_version 0, tables
// present) passes through it unchanged. Later migrations must be additive
// or carry their data forward: a database is never recreated.
constexpr char kBaseline[] = R"sql(
CREATE TABLE IF NOT EXISTS updates(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  update_id INTEGER NOT NULL UNIQUE,
  chat_key TEXT NOT NULL,
  payload BLOB NOT NULL,
  accepted_at_us INTEGER NOT NULL,
  done_at_us INTEGER);
-- No index on done_at_us: marking an update done then rewrites one row
-- only. Replay (once at start) and pruning (every few minutes) scan the
-- table, which retention keeps bounded.
DROP INDEX IF EXISTS updates_by_done_at;
CREATE TABLE IF NOT EXISTS failed_deliveries(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  update_id INTEGER NOT NULL,
  chat_key TEXT NOT NULL,
  method TEXT NOT NULL,
  params_json TEXT NOT NULL,
  error_code INTEGER NOT NULL,
  reason TEXT NOT NULL,
  failed_at_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS failed_deliveries_by_failed_at
  ON failed_deliveries(failed_at_us);
)sql";

// What failed (a Bot API call today; an update a bot's endpoint refused
// later) and, for an operator's retry that failed again, the failed delivery
// it retried. Existing rows become Bot API calls that retried nothing.
constexpr char kFailedDeliveryKind[] = R"sql(
ALTER TABLE failed_deliveries
  ADD COLUMN kind TEXT NOT NULL DEFAULT 'bot_api_call';
ALTER TABLE failed_deliveries ADD COLUMN retry_of INTEGER;
)sql";

// The decision an upstream bot answered with, journaled before it is acted
// on, so a crash after the bot answered does not put the update to the bot
// again (NULL: not decided yet; every row written before stays NULL).
constexpr char kUpdateDecision[] = R"sql(
ALTER TABLE updates ADD COLUMN decision TEXT;
)sql";

absl::Status Exec(sqlite3* db, const std::string& sql,
                  const std::string& what) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return absl::OkStatus();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  absl::StatusCode code = (rc & 0xff) == SQLITE_BUSY ||
                                  (rc & 0xff) == SQLITE_LOCKED
                              ? absl::StatusCode::kUnavailable
                              : absl::StatusCode::kInternal;
  return absl::Status(code, absl::StrCat(what, " failed: ", text));
}

absl::Status CheckNotNewer(int version) {
  if (version <= LatestJournalSchemaVersion()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "its schema version ", version, " is newer than this worker's ",
      LatestJournalSchemaVersion(),
      ": run the release that wrote it (the database is left as it is)"));
}

// One migration in one transaction; a no-op when another process applied it
// between our first look and our taking the write lock.
absl::Status Apply(sqlite3* db, const JournalMigration& m) {
  RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin migration"));
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int version, JournalSchemaVersion(db));
    RETURN_IF_ERROR(CheckNotNewer(version));
    if (version >= m.version) return absl::OkStatus();
    if (version != m.version - 1) {
      return absl::InternalError(absl::StrCat("schema version ", version,
                                              " before migration ", m.version));
    }
    RETURN_IF_ERROR(Exec(db, m.sql, absl::StrCat("migration ", m.version)));
    RETURN_IF_ERROR(Exec(db, absl::StrCat("PRAGMA user_version=", m.version),
                         "set user_version"));
    log::Info("journal", "schema_migrated",
              {{"version", m.version}, {"migration", m.what}});
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    Exec(db, "ROLLBACK", "rollback migration").IgnoreError();
    return absl::Status(status.code(),
                        absl::StrCat("schema migration ", m.version, " (",
                                     m.what, "): ", status.message()));
  }
  return Exec(db, "COMMIT", "commit migration");
}

}  // namespace

const std::vector<JournalMigration>& JournalMigrations() {
  static const auto* migrations = new std::vector<JournalMigration>{
      {1, "updates and failed_deliveries tables", kBaseline},
      {2, "failed_deliveries.kind and retry_of", kFailedDeliveryKind},
      {3, "updates.decision", kUpdateDecision},
  };
  return *migrations;
}

int LatestJournalSchemaVersion() { return JournalMigrations().back().version; }

absl::StatusOr<int> JournalSchemaVersion(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  int version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) {
    return absl::InternalError(
        absl::StrCat("read user_version failed: ", sqlite3_errmsg(db)));
  }
  return version;
}

absl::Status ApplyJournalMigrations(sqlite3* db) {
  ASSIGN_OR_RETURN(int version, JournalSchemaVersion(db));
  RETURN_IF_ERROR(CheckNotNewer(version));
  for (const JournalMigration& m : JournalMigrations()) {
    if (m.version > version) RETURN_IF_ERROR(Apply(db, m));
  }
  return absl::OkStatus();
}

}  // namespace telegate::worker
