// TelegramConfig: how the gateway talks to the Bot API itself: intake mode
// (webhook or polling), bot token, API base URL, long-poll timeout and the
// setWebhook registration made at start. Part of GatewayConfig, loaded by
// LoadTelegramConfig from Settings (main.cc only). Plain values.
#ifndef TELEGATE_GATEWAY_TELEGRAM_CONFIG_H_
#define TELEGATE_GATEWAY_TELEGRAM_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/settings.h"

namespace telegate::gateway {

enum class IntakeMode {
  kWebhook,  // Telegram posts to the public listener
  kPolling,  // the gateway calls getUpdates (Poller)
};

struct TelegramConfig {
  IntakeMode mode = IntakeMode::kWebhook;
  // Required in polling mode and when public_url is set; a secret.
  std::string bot_token;
  std::string bot_api_url = "https://api.telegram.org";
  int poll_timeout_seconds = 25;
  // Webhook mode: when set, setWebhook(public_url + webhook_path) at start.
  std::string public_url;  // "https://host[:port][/prefix]", no trailing '/'
  std::vector<std::string> allowed_updates;  // empty: Telegram's default
  int max_connections = 40;                  // setWebhook max_connections

  // Whether the gateway needs a Bot API client at all.
  bool UsesBotApi() const {
    return mode == IntakeMode::kPolling || !public_url.empty();
  }
};

// The TELEGATE_MODE, TELEGATE_BOT_TOKEN, ... entries for the settings table.
std::vector<SettingSpec> TelegramSettingSpecs();

// Validates and converts; one-line errors naming the setting, never the
// token's value.
absl::StatusOr<TelegramConfig> LoadTelegramConfig(const Settings& settings);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_TELEGRAM_CONFIG_H_
