// Start-up shared by the binaries' main(): typed configuration from flags
// and the environment (one clear line and exit code 2 on a bad setting, the
// help text and 0 for --help), then process-wide set-up (secrets masked in
// logs, log level, signals).
#ifndef TELEGATE_COMMON_PROCESS_SETUP_H_
#define TELEGATE_COMMON_PROCESS_SETUP_H_

#include <initializer_list>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log.h"
#include "common/settings.h"

extern char** environ;

namespace telegate {

// Fills `config` through `load(const Settings&)`; returns -1 to go on, or
// the exit code main() should return.
template <typename Config, typename LoadFn>
int LoadConfigForMain(std::string_view program,
                      const std::vector<SettingSpec>& specs, LoadFn load,
                      int argc, char** argv, Config* config) {
  absl::StatusOr<Settings> settings =
      Settings::Load(specs, argc, argv, environ);
  if (!settings.ok()) {
    bool help = absl::IsCancelled(settings.status());
    if (!help) std::cerr << program << ": ";
    std::cerr << settings.status().message() << "\n";
    return help ? 0 : 2;
  }
  absl::StatusOr<Config> loaded = load(*settings);
  if (!loaded.ok()) {
    std::cerr << program << ": "
              << log::Redact(std::string(loaded.status().message())) << "\n";
    return 2;
  }
  *config = std::move(*loaded);
  return -1;
}

// Masks `secrets` in every log line, sets the log level, turns off Abseil's
// per-operation lock-order checks (on in Debian's build; tests keep them)
// raises the open-files limit to its hard maximum and blocks SIGTERM/SIGINT
// for WaitForShutdownSignal(). Call before any
// thread starts.
void SetUpProcess(std::string_view log_level,
                  std::initializer_list<std::string_view> secrets);

}  // namespace telegate

#endif  // TELEGATE_COMMON_PROCESS_SETUP_H_
