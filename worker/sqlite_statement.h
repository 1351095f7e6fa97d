// Small helpers over SQLite's C API shared by the journal's source files:
// error-code mapping, statement reset on scope exit, text binding and
// column reading. Stateless; a statement is used by one thread at a time.
#ifndef TELEGATE_WORKER_SQLITE_STATEMENT_H_
#define TELEGATE_WORKER_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <string>

#include "absl/status/status.h"

namespace telegate::worker {

inline absl::StatusCode SqliteStatusCode(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::StatusCode::kUnavailable;
    case SQLITE_FULL:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_NOTADB:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_CORRUPT:
      return absl::StatusCode::kDataLoss;
    default:
      return absl::StatusCode::kInternal;
  }
}

// Resets a statement (and drops its bindings) when leaving the scope.
class ScopedReset {
 public:
  explicit ScopedReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ScopedReset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;

 private:
  sqlite3_stmt* const stmt_;
};

// The bound strings must outlive the step (SQLITE_STATIC): they do, since
// every statement is reset before the call that bound them returns.
inline void BindText(sqlite3_stmt* stmt, int index, const std::string& text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_STATIC);
}

inline std::string ColumnString(sqlite3_stmt* stmt, int index) {
  const void* data = sqlite3_column_blob(stmt, index);
  int size = sqlite3_column_bytes(stmt, index);
  if (data == nullptr || size <= 0) return std::string();
  return std::string(static_cast<const char*>(data), size);
}

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_SQLITE_STATEMENT_H_
