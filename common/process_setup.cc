#include "common/process_setup.h"

#include <sys/resource.h>

#include "absl/synchronization/mutex.h"
#include "common/shutdown.h"

namespace telegate {

void SetUpProcess(std::string_view log_level,
                  std::initializer_list<std::string_view> secrets) {
  for (std::string_view secret : secrets) log::RegisterSecret(secret);
  log::Level level = log::Level::kInfo;
  log::ParseLevel(log_level, &level);
  log::SetLevel(level);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Every connection is a descriptor: the soft limit (often 1024) would cap
  // the gateway's listener far below TELEGATE_HTTP_MAX_CONNECTIONS.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  BlockShutdownSignals();
}

}  // namespace telegate
