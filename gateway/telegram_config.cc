#include "gateway/telegram_config.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/http_bot_api_client.h"
#include "common/secret_token.h"
#include "common/status_macros.h"

namespace telegate::gateway {
namespace {

// https://host[:port][/path] with nothing Telegram would refuse; strips one
// trailing '/'.
absl::Status CheckPublicUrl(std::string& url) {
  if (!url.starts_with("https://") || url.size() == 8) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TELEGATE_PUBLIC_URL must be an https:// URL (Telegram posts "
        "webhooks over HTTPS only), got '",
        url, "'"));
  }
  for (char c : url) {
    if (c <= ' ' || c > '~' || c == '?' || c == '#') {
      return absl::InvalidArgumentError(
          "TELEGATE_PUBLIC_URL may not contain spaces, '?', '#' or non-ASCII");
    }
  }
  if (url.back() == '/') url.pop_back();
  if (url.size() == 8 || url[8] == '/') {
    return absl::InvalidArgumentError("TELEGATE_PUBLIC_URL has no host");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParseAllowedUpdates(
    const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::string name(absl::StripAsciiWhitespace(item));
    if (name.empty()) continue;
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || c == '_')) {
        return absl::InvalidArgumentError(absl::StrCat(
            "TELEGATE_ALLOWED_UPDATES must be a comma-separated list of "
            "update types such as message,callback_query; got '",
            name, "'"));
      }
    }
    out.push_back(std::move(name));
  }
  return out;
}

}  // namespace

std::vector<SettingSpec> TelegramSettingSpecs() {
  return {
      {"TELEGATE_MODE", "mode", "webhook",
       "webhook (Telegram posts to the public listener) or polling (the "
       "gateway calls getUpdates)"},
      {"TELEGATE_BOT_TOKEN", "bot_token", "",
       "the bot's token; required in polling mode and with "
       "TELEGATE_PUBLIC_URL",
       true},
      {"TELEGATE_BOT_API_URL", "bot_api_url", "https://api.telegram.org",
       "Bot API base URL (scheme://host[:port]), e.g. the emulator's"},
      {"TELEGATE_POLL_TIMEOUT_SECONDS", "poll_timeout_seconds", "25",
       "polling mode: getUpdates long-poll timeout, 0-50"},
      {"TELEGATE_PUBLIC_URL", "public_url", "",
       "webhook mode: the gateway's public https:// base URL; when set the "
       "gateway calls setWebhook(public URL + webhook path) at start"},
      {"TELEGATE_ALLOWED_UPDATES", "allowed_updates", "",
       "comma-separated update types for setWebhook/getUpdates (empty: "
       "Telegram's default)"},
      {"TELEGATE_MAX_CONNECTIONS", "max_connections", "40",
       "setWebhook max_connections: webhook connections Telegram opens, "
       "1-100"},
  };
}

absl::StatusOr<TelegramConfig> LoadTelegramConfig(const Settings& settings) {
  TelegramConfig c;
  std::string mode = settings.Get("TELEGATE_MODE");
  if (mode == "webhook") {
    c.mode = IntakeMode::kWebhook;
  } else if (mode == "polling") {
    c.mode = IntakeMode::kPolling;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "TELEGATE_MODE must be webhook or polling, got '", mode, "'"));
  }
  c.bot_api_url = settings.Get("TELEGATE_BOT_API_URL");
  RETURN_IF_ERROR(ValidateBaseUrl(c.bot_api_url, "TELEGATE_BOT_API_URL"));
  ASSIGN_OR_RETURN(int64_t timeout,
                   settings.GetInt("TELEGATE_POLL_TIMEOUT_SECONDS", 0, 50));
  c.poll_timeout_seconds = static_cast<int>(timeout);
  c.public_url = settings.Get("TELEGATE_PUBLIC_URL");
  if (!c.public_url.empty()) {
    if (c.mode == IntakeMode::kPolling) {
      return absl::InvalidArgumentError(
          "TELEGATE_PUBLIC_URL registers a webhook: it cannot be used with "
          "TELEGATE_MODE=polling");
    }
    RETURN_IF_ERROR(CheckPublicUrl(c.public_url));
  }
  ASSIGN_OR_RETURN(
      c.allowed_updates,
      ParseAllowedUpdates(settings.Get("TELEGATE_ALLOWED_UPDATES")));
  ASSIGN_OR_RETURN(int64_t connections,
                   settings.GetInt("TELEGATE_MAX_CONNECTIONS", 1, 100));
  c.max_connections = static_cast<int>(connections);
  c.bot_token = settings.Get("TELEGATE_BOT_TOKEN");
  if (c.UsesBotApi() && c.bot_token.empty()) {
    return absl::InvalidArgumentError(
        c.mode == IntakeMode::kPolling
            ? "TELEGATE_BOT_TOKEN is required with TELEGATE_MODE=polling"
            : "TELEGATE_BOT_TOKEN is required with TELEGATE_PUBLIC_URL");
  }
  if (!c.bot_token.empty() && !LooksLikeBotToken(c.bot_token)) {
    return absl::InvalidArgumentError(
        "TELEGATE_BOT_TOKEN does not look like a bot token "
        "(<digits>:<letters, digits, _ or ->)");
  }
  return c;
}

}  // namespace telegate::gateway
