// Builders for the Telegram-shaped JSON the emulator answers with (envelopes,
// User, Chat, Message, entities) and small readers for loosely typed Bot API
// parameters. Pure functions, no state, no I/O; safe from any thread.
#ifndef TELEGATE_EMULATOR_TELEGRAM_OBJECTS_H_
#define TELEGATE_EMULATOR_TELEGRAM_OBJECTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace telegate::emulator {

// {"ok":true,"result":result} plus "description" when non-empty.
nlohmann::json OkBody(nlohmann::json result, std::string_view description = "");

// {"ok":false,"error_code":code,"description":...} plus "parameters" when
// `parameters` is a non-empty object.
nlohmann::json ErrorBody(int code, std::string_view description,
                         const nlohmann::json& parameters = nullptr);

// The emulated bot account.
nlohmann::json BotUserObject(int64_t bot_id);
// A human user "User <id>".
nlohmann::json UserObject(int64_t user_id);
// Positive ids are private chats, others supergroups.
nlohmann::json ChatObject(int64_t chat_id);

// bot_command entity for text starting with '/', else null.
nlohmann::json CommandEntities(std::string_view text);

// Unicode code points in UTF-8 `text` (Telegram's length limit unit).
size_t Utf8Length(std::string_view text);
// UTF-16 code units (Telegram's entity offset/length unit).
size_t Utf16Length(std::string_view text);

// An integer, or a string holding a decimal integer; nullopt otherwise.
std::optional<int64_t> IntParam(const nlohmann::json& params,
                                std::string_view key);
// A string (numbers are printed); nullopt when absent or null.
std::optional<std::string> StringParam(const nlohmann::json& params,
                                       std::string_view key);
// true/false, "true"/"false", 1/0; nullopt when absent or unreadable.
std::optional<bool> BoolParam(const nlohmann::json& params,
                              std::string_view key);

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_TELEGRAM_OBJECTS_H_
