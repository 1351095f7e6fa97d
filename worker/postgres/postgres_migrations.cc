#include "worker/postgres/postgres_migrations.h"

#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace telegate::worker::postgres {
namespace {

// The key of the advisory lock that serialises migrations (any constant
// no other application of the database uses; "tg-jrnl" in ASCII).
constexpr char kLockKey[] = "7451672202135150";

// Every table carries bot_id so that several bots share one database.
// Migrations after the first must be additive or carry their data forward.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE updates(
  bot_id bigint NOT NULL,
  update_id bigint NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  chat_key text NOT NULL,
  payload bytea NOT NULL,
  accepted_at_us bigint NOT NULL,
  decision text,
  done_at_us bigint,
  PRIMARY KEY (bot_id, update_id));
-- Replay reads the unfinished rows of one bot in acceptance order.
CREATE INDEX updates_unfinished ON updates(bot_id, seq)
  WHERE done_at_us IS NULL;
-- Pruning finds old done rows without scanning the unfinished ones.
CREATE INDEX updates_done ON updates(bot_id, done_at_us)
  WHERE done_at_us IS NOT NULL;
CREATE TABLE failed_deliveries(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bot_id bigint NOT NULL,
  kind text NOT NULL,
  update_id bigint NOT NULL,
  chat_key text NOT NULL,
  method text NOT NULL,
  params_json text NOT NULL,
  error_code integer NOT NULL,
  reason text NOT NULL,
  failed_at_us bigint NOT NULL,
  retry_of bigint);
CREATE INDEX failed_deliveries_by_bot ON failed_deliveries(bot_id, id);
CREATE INDEX failed_deliveries_by_age ON failed_deliveries(bot_id, failed_at_us);
)sql",
};

constexpr char kCreateSchemaTable[] =
    "CREATE TABLE IF NOT EXISTS telegate_schema("
    "version integer PRIMARY KEY, applied_at timestamptz NOT NULL "
    "DEFAULT now())";

absl::StatusOr<int> VersionLocked(PgConnection& conn) {
  ASSIGN_OR_RETURN(auto result,
                   conn.Exec("SELECT coalesce(max(version), 0) "
                             "FROM telegate_schema",
                             {}, "read schema version"));
  return static_cast<int>(result->Int(0, 0));
}

// One transaction: lock, check, apply `version` if still missing.
absl::Status ApplyOne(PgConnection& conn, int version, bool* applied) {
  RETURN_IF_ERROR(conn.Run(
      absl::StrCat("SELECT pg_advisory_xact_lock(", kLockKey, ")"), {},
      "lock schema"));
  RETURN_IF_ERROR(conn.Run(kCreateSchemaTable, {}, "create telegate_schema"));
  ASSIGN_OR_RETURN(int current, VersionLocked(conn));
  if (current > LatestPostgresSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "journal schema version ", current, " is newer than this binary's ",
        LatestPostgresSchemaVersion()));
  }
  *applied = false;
  if (current >= version) return absl::OkStatus();
  RETURN_IF_ERROR(conn.Run(kMigrations[version - 1], {},
                           absl::StrCat("migration ", version)));
  RETURN_IF_ERROR(conn.Run("INSERT INTO telegate_schema(version) VALUES($1)",
                           {PgParam::Int(version)}, "record schema version"));
  *applied = true;
  return absl::OkStatus();
}

}  // namespace

int LatestPostgresSchemaVersion() {
  return static_cast<int>(std::size(kMigrations));
}

absl::StatusOr<int> PostgresSchemaVersion(PgConnection& conn) {
  ASSIGN_OR_RETURN(auto missing,
                   conn.Exec("SELECT to_regclass('telegate_schema') IS NULL",
                             {}, "find telegate_schema"));
  if (missing->Text(0, 0) == "t") return 0;
  return VersionLocked(conn);
}

absl::Status ApplyPostgresMigrations(PgConnection& conn) {
  for (int version = 1; version <= LatestPostgresSchemaVersion(); ++version) {
    RETURN_IF_ERROR(conn.Run("BEGIN", {}, "begin"));
    bool applied = false;
    absl::Status status = ApplyOne(conn, version, &applied);
    if (status.ok()) status = conn.Run("COMMIT", {}, "commit");
    if (!status.ok()) {
      conn.Run("ROLLBACK").IgnoreError();
      return status;
    }
    if (applied) {
      log::Info("journal", "schema_migrated", {{"version", version}});
    }
  }
  return absl::OkStatus();
}

}  // namespace telegate::worker::postgres
