// The emulator BotApi tests' common set-up: one token and a fixed clock.
// Test-only.
#ifndef TELEGATE_TESTS_EMULATOR_BOT_API_OPTIONS_H_
#define TELEGATE_TESTS_EMULATOR_BOT_API_OPTIONS_H_

#include <cstdint>

#include "absl/time/time.h"
#include "emulator/bot_api.h"

namespace telegate::emulator::testing_options {

inline constexpr char kToken[] = "4242:test-token";
inline constexpr int64_t kNow = 1700000000;

inline BotApiOptions Options() {
  BotApiOptions options;
  options.token = kToken;
  options.clock = [] { return absl::FromUnixSeconds(kNow); };
  return options;
}

}  // namespace telegate::emulator::testing_options

#endif  // TELEGATE_TESTS_EMULATOR_BOT_API_OPTIONS_H_
