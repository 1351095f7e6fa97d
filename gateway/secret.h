// Webhook secret handling: Telegram's format rule for secret_token and a
// constant-time comparison for the X-Telegram-Bot-Api-Secret-Token header.
#ifndef TELEGATE_GATEWAY_SECRET_H_
#define TELEGATE_GATEWAY_SECRET_H_

#include <string_view>

#include "absl/status/status.h"

namespace telegate::gateway {

// 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule for secret_token).
absl::Status ValidateSecretToken(std::string_view secret);

// Compares without an early exit on the first differing byte; the time
// depends only on the length of `expected`.
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_SECRET_H_
