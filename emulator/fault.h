// Injected faults for the emulated Bot API: what a test asks for (an error
// answer, a delay, or both) and for which calls. Plain values; parsing is
// pure. BotApi owns the queue and consumes faults FIFO.
#ifndef TELEGATE_EMULATOR_FAULT_H_
#define TELEGATE_EMULATOR_FAULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace telegate::emulator {

struct Fault {
  std::string method;              // e.g. "sendMessage"; required
  int count = 1;                   // matching calls it applies to; -1: all
  int error_code = 0;              // 0: no error, only `delay_ms`
  std::string description;         // filled with a default when empty
  int retry_after = 0;             // seconds; parameters.retry_after
  int64_t migrate_to_chat_id = 0;  // parameters.migrate_to_chat_id
  int delay_ms = 0;                // wait before answering
  std::optional<int64_t> chat_id;  // only calls to this chat match
};

// One fault object, or {"faults":[...]}. kInvalidArgument with a one-line
// reason for any bad field; nothing is returned partially.
absl::StatusOr<std::vector<Fault>> ParseFaults(const nlohmann::json& body);

// True when `fault` applies to a call of `method` to `chat_id`.
bool FaultMatches(const Fault& fault, std::string_view method,
                  std::optional<int64_t> chat_id);

// The Telegram error envelope a fault with error_code != 0 answers with.
nlohmann::json FaultErrorBody(const Fault& fault);

// The fault as the control API shows it.
nlohmann::json FaultToJson(const Fault& fault);

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_FAULT_H_
