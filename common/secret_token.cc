#include "common/secret_token.h"

#include "absl/strings/str_cat.h"

namespace telegate {
namespace {

bool IsSecretChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

absl::Status ValidateSecretToken(std::string_view secret,
                                 std::string_view name) {
  if (secret.empty() || secret.size() > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(name), " must be 1-256 characters"));
  }
  for (char c : secret) {
    if (!IsSecretChar(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(name), " may contain only A-Z a-z 0-9 _ -"));
    }
  }
  return absl::OkStatus();
}

bool IsValidSecretToken(std::string_view secret) {
  return ValidateSecretToken(secret, "").ok();
}

bool LooksLikeBotToken(std::string_view token) {
  size_t colon = token.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (char c : token.substr(0, colon)) {
    if (c < '0' || c > '9') return false;
  }
  return IsValidSecretToken(token.substr(colon + 1));
}

}  // namespace telegate
