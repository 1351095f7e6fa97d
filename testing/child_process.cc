#include "testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace telegate::testing {

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::string& path, const std::vector<std::string>& args,
    const std::map<std::string, std::string>& env) {
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    // Unblock signals the test runner may have blocked.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(path.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, fds[0]));
}

ChildProcess::ChildProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {
  reader_ = std::thread([this] { ReadLoop(); });
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    kill(pid_, SIGKILL);
    Wait();
  }
  if (reader_.joinable()) reader_.join();
  close(fd_);
}

void ChildProcess::ReadLoop() {
  std::string partial;
  char buf[4096];
  while (true) {
    ssize_t n = read(fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial.append(buf, n);
    size_t pos;
    while ((pos = partial.find('\n')) != std::string::npos) {
      absl::MutexLock lock(&mu_);
      lines_.push_back(partial.substr(0, pos));
      partial.erase(0, pos + 1);
    }
  }
  absl::MutexLock lock(&mu_);
  if (!partial.empty()) lines_.push_back(partial);
  eof_ = true;
}

absl::StatusOr<nlohmann::json> ChildProcess::WaitForLine(
    const std::function<bool(const nlohmann::json&)>& match,
    absl::Duration timeout, const std::string& what) {
  absl::Time deadline = absl::Now() + timeout;
  size_t seen = 0;
  absl::MutexLock lock(&mu_);
  while (true) {
    for (; seen < lines_.size(); ++seen) {
      nlohmann::json line =
          nlohmann::json::parse(lines_[seen], nullptr, false);
      if (line.is_object() && match(line)) return line;
    }
    if (eof_) {
      return absl::FailedPreconditionError(
          absl::StrCat("process exited before ", what));
    }
    auto more = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return lines_.size() > seen || eof_;
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&more), deadline)) {
      return absl::DeadlineExceededError(absl::StrCat("no ", what, " in time"));
    }
  }
}

absl::StatusOr<nlohmann::json> ChildProcess::WaitForEvent(
    const std::string& event, absl::Duration timeout) {
  return WaitForLine(
      [&](const nlohmann::json& line) {
        return line.value("event", "") == event;
      },
      timeout, absl::StrCat("'", event, "' log line"));
}

absl::StatusOr<std::string> ChildProcess::WaitForListening(
    const std::string& name, absl::Duration timeout) {
  absl::StatusOr<nlohmann::json> line = WaitForLine(
      [&](const nlohmann::json& l) {
        return l.value("event", "") == "listening" &&
               l.value("name", "") == name;
      },
      timeout, absl::StrCat("listening line for ", name));
  if (!line.ok()) return line.status();
  return line->value("address", "");
}

void ChildProcess::Signal(int sig) {
  if (!reaped_) kill(pid_, sig);
}

int ChildProcess::Wait() {
  if (reaped_) return exit_code_;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status)
                                 : 128 + WTERMSIG(status);
  return exit_code_;
}

namespace {

int64_t StatusField(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      int64_t kb = -1;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      return absl::SimpleAtoi(digits, &kb) ? kb : -1;
    }
  }
  return -1;
}

}  // namespace

int64_t ChildProcess::RssKb() const { return StatusField(pid_, "VmRSS"); }
int64_t ChildProcess::PeakRssKb() const { return StatusField(pid_, "VmHWM"); }

std::string ChildProcess::Output() const {
  absl::MutexLock lock(&mu_);
  return absl::StrJoin(lines_, "\n");
}

std::string BinaryPath(const std::string& name) {
  const char* dir = std::getenv("TELEGATE_BIN_DIR");
  return absl::StrCat(dir != nullptr ? dir : ".", "/", name);
}

int PortOf(const std::string& address) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return 0;
  }
  return port;
}

}  // namespace telegate::testing
