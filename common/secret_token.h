// Telegram's rule for setWebhook's secret_token (1-256 characters of
// A-Z a-z 0-9 _ -), the one check used by the gateway's settings, the
// emulator's setWebhook and the telegate-webhook CLI; and the shape of a bot
// token. Pure functions.
#ifndef TELEGATE_COMMON_SECRET_TOKEN_H_
#define TELEGATE_COMMON_SECRET_TOKEN_H_

#include <string_view>

#include "absl/status/status.h"

namespace telegate {

// kInvalidArgument naming `name` (a setting or flag) when `secret` breaks
// the rule. The message never echoes the value.
absl::Status ValidateSecretToken(std::string_view secret,
                                 std::string_view name);

// The same rule as a predicate.
bool IsValidSecretToken(std::string_view secret);

// The shape of every Bot API token: "<digits>:<1-256 of A-Z a-z 0-9 _ ->".
// Used to refuse a mistyped token at start without calling Telegram.
bool LooksLikeBotToken(std::string_view token);

}  // namespace telegate

#endif  // TELEGATE_COMMON_SECRET_TOKEN_H_
