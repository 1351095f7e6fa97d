#include "emulator/config.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/secret_token.h"
#include "common/status_macros.h"
#include "emulator/bot_api.h"
#include "emulator/telegram_objects.h"
#include "emulator/url.h"

namespace telegate::emulator {

const std::vector<SettingSpec>& EmulatorSettingSpecs() {
  static const auto* specs = new std::vector<SettingSpec>{
      {"EMULATOR_LISTEN", "listen", "127.0.0.1:8090",
       "host:port for the Bot API and control API (port 0: any free port)"},
      {"TELEGRAM_BOT_TOKEN", "token", "123456789:emulator-token",
       "the only bot token the emulator accepts", /*secret=*/true},
      {"EMULATOR_WEBHOOK_URL", "webhook_url", "",
       "webhook to post updates to before any setWebhook call"},
      {"TELEGATE_WEBHOOK_SECRET", "webhook_secret", "",
       "secret token sent with the default webhook", /*secret=*/true},
      {"TELEGATE_LOG_LEVEL", "log_level", "info", "debug, info, warn, error"},
      {"EMULATOR_LATENCY_MS", "latency_ms", "0",
       "every Bot API call is answered after this many ms (no thread waits)"},
      {"EMULATOR_LATENCY_JITTER_MS", "latency_jitter_ms", "0",
       "plus a uniformly random 0..this many ms per call"},
      {"EMULATOR_CHAT_RATE_LIMIT", "chat_rate_limit", "0",
       "sendMessage calls per chat and second before 429 with retry_after, "
       "as Telegram's flood control (0: no limit)"},
      {"EMULATOR_KEEP_ALIVE_MAX_REQUESTS", "keep_alive_max_requests", "0",
       "requests per connection before the emulator closes it (0: no limit)"},
  };
  return *specs;
}

absl::StatusOr<EmulatorConfig> LoadEmulatorConfig(const Settings& settings) {
  EmulatorConfig config;
  absl::StatusOr<HostPort> listen =
      ParseHostPort(settings.Get("EMULATOR_LISTEN"));
  if (!listen.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("EMULATOR_LISTEN: ", listen.status().message()));
  }
  config.listen = *listen;
  config.token = settings.Get("TELEGRAM_BOT_TOKEN");
  if (!LooksLikeBotToken(config.token)) {
    return absl::InvalidArgumentError(
        "TELEGRAM_BOT_TOKEN must look like <digits>:<letters, digits, _ or ->");
  }
  config.webhook_url = settings.Get("EMULATOR_WEBHOOK_URL");
  if (!config.webhook_url.empty()) {
    absl::StatusOr<WebhookUrl> url = ParseWebhookUrl(config.webhook_url);
    if (!url.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("EMULATOR_WEBHOOK_URL: ", url.status().message()));
    }
  }
  config.webhook_secret = settings.Get("TELEGATE_WEBHOOK_SECRET");
  if (!config.webhook_secret.empty() &&
      !IsValidSecretToken(config.webhook_secret)) {
    return absl::InvalidArgumentError(
        "TELEGATE_WEBHOOK_SECRET must be 1-256 of A-Z a-z 0-9 _ -");
  }
  absl::StatusOr<log::Level> level = settings.GetLogLevel("TELEGATE_LOG_LEVEL");
  if (!level.ok()) return level.status();
  config.log_level = *level;
  ASSIGN_OR_RETURN(int64_t latency,
                   settings.GetInt("EMULATOR_LATENCY_MS", 0, kMaxLatencyMs));
  ASSIGN_OR_RETURN(int64_t jitter, settings.GetInt("EMULATOR_LATENCY_JITTER_MS",
                                                   0, kMaxLatencyMs));
  ASSIGN_OR_RETURN(int64_t rate,
                   settings.GetInt("EMULATOR_CHAT_RATE_LIMIT", 0, 1000));
  ASSIGN_OR_RETURN(int64_t keep_alive,
                   settings.GetInt("EMULATOR_KEEP_ALIVE_MAX_REQUESTS", 0,
                                   1000000));
  config.latency_ms = static_cast<int>(latency);
  config.latency_jitter_ms = static_cast<int>(jitter);
  config.chat_rate_limit = static_cast<int>(rate);
  config.keep_alive_max_requests = static_cast<int>(keep_alive);
  return config;
}

}  // namespace telegate::emulator
