#include "gateway/secret.h"

#include "common/secret_token.h"

namespace telegate::gateway {

absl::Status ValidateSecretToken(std::string_view secret) {
  return telegate::ValidateSecretToken(secret, "TELEGATE_WEBHOOK_SECRET");
}

}  // namespace telegate::gateway
