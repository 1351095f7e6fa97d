// Webhook secret handling: Telegram's format rule for secret_token. The
// header is compared with ConstantTimeEquals from common/constant_time.h.
#ifndef TELEGATE_GATEWAY_SECRET_H_
#define TELEGATE_GATEWAY_SECRET_H_

#include <string_view>

#include "absl/status/status.h"
#include "common/constant_time.h"  // ConstantTimeEquals

namespace telegate::gateway {

// 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule for secret_token,
// telegate::ValidateSecretToken in common/secret_token.h), the error naming
// TELEGATE_WEBHOOK_SECRET.
absl::Status ValidateSecretToken(std::string_view secret);


}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_SECRET_H_
