#include "common/process_setup.h"

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
  BlockShutdownSignals();
}

}  // namespace telegate
