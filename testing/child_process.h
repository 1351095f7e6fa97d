// ChildProcess: runs one of our binaries for an integration test, captures
// its stderr (our JSON log lines) and lets the test wait for a log event,
// e.g. the "listening" line that carries the bound port. Thread-safe.
// The destructor kills (SIGKILL) a process that is still running.
#ifndef TELEGATE_TESTING_CHILD_PROCESS_H_
#define TELEGATE_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace telegate::testing {

class ChildProcess {
 public:
  // Starts `path` with `args`; `env` replaces the environment entirely.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::string& path, const std::vector<std::string>& args,
      const std::map<std::string, std::string>& env);
  ~ChildProcess();

  // Waits for a log line with event "listening" and the given name; returns
  // its "address" ("127.0.0.1:PORT").
  absl::StatusOr<std::string> WaitForListening(const std::string& name,
                                               absl::Duration timeout);
  // Waits for any log line whose "event" equals `event`.
  absl::StatusOr<nlohmann::json> WaitForEvent(const std::string& event,
                                              absl::Duration timeout);

  void Signal(int sig);
  // Waits for the process to exit; returns its exit code (128+N if killed).
  int Wait();

  // Resident memory now and at its peak (VmRSS, VmHWM), in KiB; -1 if gone.
  int64_t RssKb() const;
  int64_t PeakRssKb() const;

  // Every stderr line so far, for diagnostics.
  std::string Output() const;
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int fd);
  void ReadLoop();
  absl::StatusOr<nlohmann::json> WaitForLine(
      const std::function<bool(const nlohmann::json&)>& match,
      absl::Duration timeout, const std::string& what);

  const pid_t pid_;
  const int fd_;
  std::thread reader_;
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
  bool eof_ ABSL_GUARDED_BY(mu_) = false;
  bool reaped_ = false;
  int exit_code_ = -1;
};

// Path of a built binary: $TELEGATE_BIN_DIR/<name>.
std::string BinaryPath(const std::string& name);

// "host:port" -> port (0 when malformed).
int PortOf(const std::string& address);

}  // namespace telegate::testing

#endif  // TELEGATE_TESTING_CHILD_PROCESS_H_
