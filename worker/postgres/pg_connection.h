// PgConnection: one libpq connection with a small, binary-safe Exec (all
// parameters through PQexecParams; byte strings sent in binary format) and
// libpq failures mapped to absl::Status (a lost connection is kUnavailable).
// Also UrlTarget, which names a connection URL's host:port without its user
// info, for error messages. Not thread-safe: one user at a time.
#ifndef TELEGATE_WORKER_POSTGRES_PG_CONNECTION_H_
#define TELEGATE_WORKER_POSTGRES_PG_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct pg_conn;
struct pg_result;

namespace telegate::worker::postgres {

// "host:port[/db]" of a postgresql:// URL, user info (and any password)
// stripped; query parameters dropped. Other strings: "(connection string)".
std::string UrlTarget(std::string_view url);

// One statement parameter: text, or bytes sent in binary format.
struct PgParam {
  static PgParam Int(int64_t value) { return {std::to_string(value), false}; }
  static PgParam Text(std::string value) { return {std::move(value), false}; }
  static PgParam Bytes(std::string value) { return {std::move(value), true}; }
  static PgParam Null() { return {std::string(), false, true}; }
  std::string value;
  bool binary = false;
  bool null = false;
};

// A statement's result rows (text format).
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  ~PgResult();
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  // Rows an INSERT/UPDATE/DELETE changed.
  int64_t AffectedRows() const;
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;
  // A bytea column (hex text format) decoded.
  std::string Bytes(int row, int column) const;

 private:
  friend class PgConnection;
  pg_result* result_;
};

class PgConnection {
 public:
  // Connects (timeout in the URL or 10 s). The error names UrlTarget(url).
  static absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` with $1.. bound to `params`; `what` names it in errors.
  absl::StatusOr<std::unique_ptr<PgResult>> Exec(
      const std::string& sql, const std::vector<PgParam>& params = {},
      std::string_view what = "statement");
  // Exec without rows wanted.
  absl::Status Run(const std::string& sql,
                   const std::vector<PgParam>& params = {},
                   std::string_view what = "statement");
  // False once the server went away; such a connection is discarded.
  bool healthy() const;

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
};

}  // namespace telegate::worker::postgres

#endif  // TELEGATE_WORKER_POSTGRES_PG_CONNECTION_H_
