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

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? given[i] : 0;
    diff |= static_cast<unsigned char>(g ^ expected[i]);
  }
  return diff == 0;
}

}  // namespace telegate::gateway
