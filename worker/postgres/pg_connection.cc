#include "worker/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace telegate::worker::postgres {
namespace {

std::string Trimmed(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

std::string UrlTarget(std::string_view url) {
  absl::string_view rest(url.data(), url.size());
  if (!absl::ConsumePrefix(&rest, "postgresql://") &&
      !absl::ConsumePrefix(&rest, "postgres://")) {
    return "(connection string)";
  }
  size_t end = rest.find_first_of("?");
  if (end != absl::string_view::npos) rest = rest.substr(0, end);
  size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  size_t at = authority.rfind('@');
  if (at != absl::string_view::npos) {
    rest = rest.substr(at + 1);
    authority = authority.substr(at + 1);
  }
  std::string target(rest);
  if (authority.find(':') == absl::string_view::npos &&
      authority.find(']') == absl::string_view::npos) {
    // No port given: libpq's default.
    target = absl::StrCat(authority.empty() ? "localhost" : authority, ":5432",
                          rest.substr(authority.size()));
  }
  return target;
}

PgResult::PgResult(pg_result* result) : result_(result) {}
PgResult::~PgResult() { PQclear(result_); }
int PgResult::rows() const { return PQntuples(result_); }
int64_t PgResult::AffectedRows() const {
  return std::strtoll(PQcmdTuples(result_), nullptr, 10);
}
bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}
std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     PQgetlength(result_, row, column));
}
int64_t PgResult::Int(int row, int column) const {
  return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}
std::string PgResult::Bytes(int row, int column) const {
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row, column)),
      &length);
  if (bytes == nullptr) return std::string();
  std::string value(reinterpret_cast<char*>(bytes), length);
  PQfreemem(bytes);
  return value;
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(
    const std::string& url) {
  // connect_timeout unless the URL sets one.
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {url.c_str(), "10", nullptr};
  pg_conn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("libpq out of memory");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return absl::UnavailableError(
        absl::StrCat("cannot connect to PostgreSQL at ", UrlTarget(url), ": ",
                     message));
  }
  // Quiet NOTICEs ("relation already exists, skipping") off stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

absl::StatusOr<std::unique_ptr<PgResult>> PgConnection::Exec(
    const std::string& sql, const std::vector<PgParam>& params,
    std::string_view what) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const PgParam& param : params) {
    values.push_back(param.null ? nullptr : param.value.data());
    lengths.push_back(static_cast<int>(param.value.size()));
    formats.push_back(param.binary ? 1 : 0);
  }
  // Without parameters the simple protocol, which allows several
  // statements in one string (migrations).
  auto result = std::make_unique<PgResult>(
      params.empty()
          ? PQexec(conn_, sql.c_str())
          : PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()),
                         nullptr, values.data(), lengths.data(),
                         formats.data(), /*resultFormat=*/0));
  pg_result* raw = result->result_;
  ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR
                                         : PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  std::string message = Trimmed(raw != nullptr ? PQresultErrorMessage(raw)
                                               : PQerrorMessage(conn_));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
  std::string text = absl::StrCat(absl::string_view(what.data(), what.size()),
                                  " failed: ", message);
  if (!healthy()) return absl::UnavailableError(text);
  const char* state =
      raw == nullptr ? nullptr : PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  // Class 08: connection exception; 57P0x: server shutting down.
  if (state != nullptr && (absl::StartsWith(state, "08") ||
                           absl::StartsWith(state, "57P0"))) {
    return absl::UnavailableError(text);
  }
  return absl::InternalError(text);
}

absl::Status PgConnection::Run(const std::string& sql,
                               const std::vector<PgParam>& params,
                               std::string_view what) {
  return Exec(sql, params, what).status();
}

}  // namespace telegate::worker::postgres
