#include "gateway/secret.h"

namespace telegate::gateway {

absl::Status ValidateSecretToken(std::string_view secret) {
  if (secret.empty() || secret.size() > 256) {
    return absl::InvalidArgumentError(
        "TELEGATE_WEBHOOK_SECRET must be 1-256 characters");
  }
  for (char c : secret) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          "TELEGATE_WEBHOOK_SECRET may contain only A-Z a-z 0-9 _ -");
    }
  }
  return absl::OkStatus();
}

}  // namespace telegate::gateway
