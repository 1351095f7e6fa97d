// EmulatorConfig: the emulator's typed settings, built from Settings in
// main.cc (flags and environment). Plain value; validation is pure.
#ifndef TELEGATE_EMULATOR_CONFIG_H_
#define TELEGATE_EMULATOR_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/address.h"
#include "common/log.h"
#include "common/settings.h"

namespace telegate::emulator {

struct EmulatorConfig {
  HostPort listen;
  std::string token;           // secret
  std::string webhook_url;     // default webhook; "" = none until setWebhook
  std::string webhook_secret;  // secret; "" = none
  log::Level log_level = log::Level::kInfo;
  int latency_ms = 0;         // every Bot API call waits this long
  int latency_jitter_ms = 0;  // plus a random 0..this
  int chat_rate_limit = 0;    // sendMessage per chat and second; 0 = off
  int keep_alive_max_requests = 0;  // per connection, then close; 0 = off
};

// The emulator's settings table (flags and environment variables).
const std::vector<SettingSpec>& EmulatorSettingSpecs();

// Validates everything; the error is one line naming the bad setting and
// never containing a secret value.
absl::StatusOr<EmulatorConfig> LoadEmulatorConfig(const Settings& settings);

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_CONFIG_H_
