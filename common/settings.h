// Settings: named configuration values gathered from command-line flags and
// the environment (flag wins). Each binary declares a table of SettingSpec;
// main.cc calls Settings::Load and hands the result to a typed LoadConfig.
// Immutable after Load; safe to read from any thread.
#ifndef TELEGATE_COMMON_SETTINGS_H_
#define TELEGATE_COMMON_SETTINGS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log.h"

namespace telegate {

struct SettingSpec {
  std::string env;            // e.g. "TELEGATE_LISTEN"
  std::string flag;           // e.g. "listen" for --listen=...
  std::string default_value;  // used when neither flag nor env is set
  std::string help;
  bool secret = false;        // never printed by Describe()
};

class Settings {
 public:
  // Reads `--flag=value` / `--flag value` from argv, then `envp` (a
  // NULL-terminated "NAME=value" array). Unknown flags are an error.
  // `--help` yields a kCancelled status whose message is the help text.
  static absl::StatusOr<Settings> Load(const std::vector<SettingSpec>& specs,
                                       int argc, const char* const* argv,
                                       const char* const* envp);

  // For tests: values by env name, defaults from `specs`.
  static Settings FromMap(const std::vector<SettingSpec>& specs,
                          const std::map<std::string, std::string>& values);

  // The value by env name ("" when unset and no default).
  std::string Get(std::string_view env) const;
  // kInvalidArgument "NAME is required ..." when empty.
  absl::StatusOr<std::string> GetRequired(std::string_view env) const;
  // Integer within [min, max]; a clear error otherwise.
  absl::StatusOr<int64_t> GetInt(std::string_view env, int64_t min,
                                 int64_t max) const;
  absl::StatusOr<bool> GetBool(std::string_view env) const;
  // "debug", "info", "warn" or "error"; a clear error otherwise.
  absl::StatusOr<log::Level> GetLogLevel(std::string_view env) const;

  // Help text listing every setting with its flag, env name and default.
  static std::string Describe(const std::vector<SettingSpec>& specs);

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace telegate

#endif  // TELEGATE_COMMON_SETTINGS_H_
