#include "testing/postgres_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "testing/loopback_servers.h"

extern char** environ;

namespace telegate::testing {
namespace {

constexpr char kRunuser[] = "/usr/sbin/runuser";

std::string ReadTail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Create(
    std::string bin_dir) {
  for (const char* binary : {"initdb", "pg_ctl", "postgres"}) {
    std::string path = absl::StrCat(bin_dir, "/", binary);
    if (access(path.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " not found: install postgresql-15"));
    }
  }
  const bool root = geteuid() == 0;
  if (root && access(kRunuser, X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(kRunuser, " not found (needed to run PostgreSQL as root)"));
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "telegate-pg-XXXXXX")
                         .string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp failed for ", tmpl));
  }
  if (root) {
    struct passwd* pw = getpwnam("postgres");
    if (pw == nullptr || chown(tmpl.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      std::error_code ec;
      std::filesystem::remove_all(tmpl, ec);
      return absl::FailedPreconditionError(
          "running as root but no postgres user to own the data dir");
    }
  }
  auto server = std::unique_ptr<PostgresServer>(
      new PostgresServer(std::move(bin_dir), tmpl, UnusedPort()));
  absl::Status init = server->Run(
      {absl::StrCat(server->bin_dir_, "/initdb"), "-D", server->dir_ + "/pg",
       "--auth=trust", "-U", "postgres", "--no-sync"});
  if (!init.ok()) return init;
  absl::Status started = server->Start();
  if (!started.ok()) return started;
  return server;
}

PostgresServer::PostgresServer(std::string bin_dir, std::string dir, int port)
    : bin_dir_(std::move(bin_dir)), dir_(std::move(dir)), port_(port) {}

PostgresServer::~PostgresServer() {
  if (running_) Stop().IgnoreError();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PostgresServer::Url(const std::string& database) const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/",
                      database);
}

absl::Status PostgresServer::Start() {
  // fsync off: a test's data need not survive a power cut.
  absl::Status status = Run(
      {absl::StrCat(bin_dir_, "/pg_ctl"), "-D", dir_ + "/pg", "-l",
       dir_ + "/pg.log", "-w", "-o",
       absl::StrCat("-p ", port_, " -k ", dir_,
                    " -c listen_addresses=127.0.0.1 -c fsync=off"),
       "start"});
  if (!status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat(status.message(), "; server log: ",
                                     ReadTail(dir_ + "/pg.log")));
  }
  running_ = true;
  return absl::OkStatus();
}

absl::Status PostgresServer::Stop() {
  absl::Status status = Run({absl::StrCat(bin_dir_, "/pg_ctl"), "-D",
                             dir_ + "/pg", "-m", "immediate", "-w", "stop"});
  if (status.ok()) running_ = false;
  return status;
}

absl::Status PostgresServer::Psql(const std::string& sql) {
  return Run({absl::StrCat(bin_dir_, "/psql"), "-X", "-q", "-v",
              "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
              std::to_string(port_), "-U", "postgres", "-d", "postgres", "-c",
              sql});
}

absl::Status PostgresServer::Run(const std::vector<std::string>& argv) {
  std::vector<std::string> full;
  if (geteuid() == 0) full = {kRunuser, "-u", "postgres", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  std::vector<char*> args;
  for (std::string& arg : full) args.push_back(arg.data());
  args.push_back(nullptr);

  const std::string log_path = dir_ + "/cmd.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  const std::string what = absl::StrJoin(argv, " ");
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("cannot run ", what, ": errno ", rc));
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return absl::InternalError("waitpid failed");
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return absl::InternalError(absl::StrCat(what, " failed: ",
                                            ReadTail(log_path)));
  }
  return absl::OkStatus();
}

}  // namespace telegate::testing
