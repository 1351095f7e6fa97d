// SqliteJournal's failed_deliveries table: add, list newest first, take one
// (for an operator's retry). Pruned with the updates (PruneLocked).
#include <sqlite3.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "worker/sqlite_journal.h"
#include "worker/sqlite_statement.h"

namespace telegate::worker {
namespace {

// retry_of (schema version 2) keeps its default until the record type
// carries it.
constexpr char kFailedColumns[] =
    "id, update_id, chat_key, method, params_json, error_code, reason, "
    "failed_at_us, kind";

FailedDelivery ReadFailedDelivery(sqlite3_stmt* stmt) {
  FailedDelivery failed;
  failed.id = sqlite3_column_int64(stmt, 0);
  failed.update_id = sqlite3_column_int64(stmt, 1);
  failed.chat_key = ColumnString(stmt, 2);
  failed.method = ColumnString(stmt, 3);
  failed.params_json = ColumnString(stmt, 4);
  failed.error_code = sqlite3_column_int(stmt, 5);
  failed.reason = ColumnString(stmt, 6);
  failed.failed_at_us = sqlite3_column_int64(stmt, 7);
  failed.kind = ColumnString(stmt, 8) == FailedKindName(FailedKind::kUpstreamUpdate)
                    ? FailedKind::kUpstreamUpdate
                    : FailedKind::kBotApiCall;
  return failed;
}

}  // namespace

const char* FailedKindName(FailedKind kind) {
  return kind == FailedKind::kUpstreamUpdate ? "upstream_update"
                                             : "bot_api_call";
}

absl::Status SqliteJournal::PrepareFailedDeliveriesLocked() {
  RETURN_IF_ERROR(
      Prepare("DELETE FROM failed_deliveries WHERE failed_at_us < ?1",
              &prune_failed_));
  RETURN_IF_ERROR(
      Prepare("INSERT INTO failed_deliveries(update_id, chat_key, method, "
              "params_json, error_code, reason, failed_at_us, kind) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
              &insert_failed_));
  RETURN_IF_ERROR(Prepare(absl::StrCat("SELECT ", kFailedColumns,
                                       " FROM failed_deliveries "
                                       "ORDER BY id DESC LIMIT ?1"),
                          &list_failed_));
  return Prepare(absl::StrCat("DELETE FROM failed_deliveries "
                              "WHERE id = ?1 RETURNING ",
                              kFailedColumns),
                 &take_failed_);
}

absl::StatusOr<int64_t> SqliteJournal::AddFailedDelivery(
    FailedDelivery failed) {
  if (failed.failed_at_us == 0) {
    failed.failed_at_us = absl::ToUnixMicros(Now());
  }
  absl::MutexLock lock(&db_mu_);
  sqlite3_bind_int64(insert_failed_, 1, failed.update_id);
  BindText(insert_failed_, 2, failed.chat_key);
  BindText(insert_failed_, 3, failed.method);
  BindText(insert_failed_, 4, failed.params_json);
  sqlite3_bind_int(insert_failed_, 5, failed.error_code);
  BindText(insert_failed_, 6, failed.reason);
  sqlite3_bind_int64(insert_failed_, 7, failed.failed_at_us);
  const std::string kind = FailedKindName(failed.kind);  // outlives the step
  BindText(insert_failed_, 8, kind);
  RETURN_IF_ERROR(StepDone(insert_failed_, "add failed delivery"));
  return sqlite3_last_insert_rowid(db_);
}

absl::StatusOr<std::vector<FailedDelivery>> SqliteJournal::ListFailedDeliveries(
    int limit) {
  if (limit < 0) {
    return absl::InvalidArgumentError("limit must not be negative");
  }
  std::vector<FailedDelivery> list;
  if (limit == 0) return list;
  absl::MutexLock lock(&db_mu_);
  ScopedReset reset(list_failed_);
  sqlite3_bind_int(list_failed_, 1, limit);
  int rc;
  while ((rc = sqlite3_step(list_failed_)) == SQLITE_ROW) {
    list.push_back(ReadFailedDelivery(list_failed_));
  }
  if (rc != SQLITE_DONE) return Error(rc, "list failed deliveries");
  return list;
}

absl::StatusOr<FailedDelivery> SqliteJournal::TakeFailedDelivery(int64_t id) {
  absl::MutexLock lock(&db_mu_);
  ScopedReset reset(take_failed_);
  sqlite3_bind_int64(take_failed_, 1, id);
  // DELETE ... RETURNING: one statement, so one implicit transaction.
  int rc = sqlite3_step(take_failed_);
  if (rc == SQLITE_DONE) {
    return absl::NotFoundError(absl::StrCat("no failed delivery ", id));
  }
  if (rc != SQLITE_ROW) return Error(rc, "take failed delivery");
  FailedDelivery failed = ReadFailedDelivery(take_failed_);
  rc = sqlite3_step(take_failed_);
  if (rc != SQLITE_DONE) return Error(rc, "take failed delivery");
  return failed;
}

}  // namespace telegate::worker
