// The PostgresJournal schema as numbered migrations, recorded in the
// telegate_schema table (one row per applied version). Each migration runs
// in its own transaction that first takes a transaction-scoped advisory
// lock, so workers starting at once apply each version exactly once.
#ifndef TELEGATE_WORKER_POSTGRES_POSTGRES_MIGRATIONS_H_
#define TELEGATE_WORKER_POSTGRES_POSTGRES_MIGRATIONS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "worker/postgres/pg_connection.h"

namespace telegate::worker::postgres {

// The version a database has after ApplyPostgresMigrations.
int LatestPostgresSchemaVersion();

// Brings the database up to LatestPostgresSchemaVersion(). A database newer
// than this binary is refused (FailedPrecondition).
absl::Status ApplyPostgresMigrations(PgConnection& conn);

// The version recorded in the database (0 before any migration).
absl::StatusOr<int> PostgresSchemaVersion(PgConnection& conn);

}  // namespace telegate::worker::postgres

#endif  // TELEGATE_WORKER_POSTGRES_POSTGRES_MIGRATIONS_H_
