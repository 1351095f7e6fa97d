// Parsing of a Telegram Update object as received on a webhook: validates
// update_id and derives the routing key that keeps one chat's updates in
// order. Pure functions, no I/O.
#ifndef TELEGATE_COMMON_TELEGRAM_UPDATE_H_
#define TELEGATE_COMMON_TELEGRAM_UPDATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace telegate {

struct ParsedUpdate {
  int64_t update_id = 0;
  // "c:<chat_id>", "u:<user_id>" or "x:<update_id>"; see ChatKeyOf.
  std::string chat_key;
  nlohmann::json json;
};

// Nesting deeper than this is refused (Telegram's objects nest far less).
inline constexpr int kMaxJsonDepth = 64;

// kInvalidArgument with a one-line reason for: malformed JSON, a non-object,
// nesting beyond kMaxJsonDepth, a missing/non-integer/negative update_id.
absl::StatusOr<ParsedUpdate> ParseUpdate(std::string_view body);

// Message-like updates route by chat id ("c:..."), callback/inline/shipping/
// pre-checkout queries and similar by the sending user ("u:..."), anything
// else by its own update_id ("x:...").
std::string ChatKeyOf(const nlohmann::json& update, int64_t update_id);

}  // namespace telegate

#endif  // TELEGATE_COMMON_TELEGRAM_UPDATE_H_
