// The journal's schema as an ordered list of migrations, and the function
// that brings a database up to the newest. The version lives in SQLite's
// PRAGMA user_version: 0 is an empty database or one written by a release
// before versioning (whose tables migration 1 creates only if missing), N
// means migrations 1..N are applied. Each migration runs in its own
// BEGIN IMMEDIATE transaction that re-reads the version first, so two
// processes opening one database at once apply each migration exactly once.
// A database newer than the code is refused before anything is written.
// Pure functions over a caller-owned connection; not thread-safe on it.
#ifndef TELEGATE_WORKER_JOURNAL_MIGRATIONS_H_
#define TELEGATE_WORKER_JOURNAL_MIGRATIONS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;

namespace telegate::worker {

struct JournalMigration {
  int version;       // 1, 2, ...: the user_version once applied
  const char* what;  // one line for logs and errors
  const char* sql;   // one or more statements, run in one transaction
};

// Every migration, oldest first; migration i has version i + 1.
const std::vector<JournalMigration>& JournalMigrations();

// The schema version this code writes: the last migration's.
int LatestJournalSchemaVersion();

// The database's PRAGMA user_version.
absl::StatusOr<int> JournalSchemaVersion(sqlite3* db);

// Applies the migrations `db` lacks, in order (`db` should have a busy
// timeout: a concurrent opener holds the write lock while it migrates).
// kFailedPrecondition, touching nothing, when the database is newer.
absl::Status ApplyJournalMigrations(sqlite3* db);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_JOURNAL_MIGRATIONS_H_
