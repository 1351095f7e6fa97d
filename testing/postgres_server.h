// PostgresServer: a private PostgreSQL 15 for one test (suite): initdb into a
// fresh temp dir, pg_ctl start on a free 127.0.0.1 port, trust auth. As root
// the server's commands run as the postgres user (runuser), otherwise as the
// current user. Stop/Start may be called again (same data, same port) to
// simulate a database that goes away and comes back. The destructor stops
// the server (immediate) and removes the dir. Not thread-safe: one owner.
#ifndef TELEGATE_TESTING_POSTGRES_SERVER_H_
#define TELEGATE_TESTING_POSTGRES_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace telegate::testing {

class PostgresServer {
 public:
  // Where Debian's postgresql-15 puts initdb, pg_ctl and postgres.
  static constexpr char kDefaultBinDir[] = "/usr/lib/postgresql/15/bin";

  // initdb + start. FailedPrecondition when the binaries are missing.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Create(
      std::string bin_dir = kDefaultBinDir);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // "postgresql://postgres@127.0.0.1:PORT/<database>".
  std::string Url(const std::string& database = "postgres") const;
  int port() const { return port_; }

  absl::Status Start();  // pg_ctl start -w (after Stop)
  absl::Status Stop();   // pg_ctl stop -m immediate
  // Runs one SQL command through psql on the "postgres" database, e.g.
  // "CREATE DATABASE test_1".
  absl::Status Psql(const std::string& sql);

 private:
  PostgresServer(std::string bin_dir, std::string dir, int port);
  // Runs argv (as postgres when root) with output appended to dir/cmd.log.
  absl::Status Run(const std::vector<std::string>& argv);

  const std::string bin_dir_;
  const std::string dir_;
  const int port_;
  bool running_ = false;
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTING_POSTGRES_SERVER_H_
