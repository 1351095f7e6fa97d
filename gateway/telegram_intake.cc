#include "gateway/telegram_intake.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/http_bot_api_client.h"
#include "common/log.h"
#include "gateway/webhook_registration.h"

namespace telegate::gateway {
namespace {

std::unique_ptr<BotApiClient> NewClient(const TelegramConfig& telegram) {
  HttpBotApiOptions options;
  options.base_url = telegram.bot_api_url;
  options.token = telegram.bot_token;
  // A long poll answers after up to poll_timeout_seconds.
  options.read_timeout = absl::Seconds(telegram.poll_timeout_seconds + 15);
  return std::make_unique<HttpBotApiClient>(options);
}

// Permanent refusals stop start-up; transient failures only warn.
absl::Status Judge(absl::Status status, const char* event) {
  if (status.ok() || absl::IsUnavailable(status)) {
    if (!status.ok()) {
      log::Warn("gateway", event,
                {{"error", std::string(status.message())},
                 {"note", "Bot API unreachable; going on"}});
    }
    return absl::OkStatus();
  }
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Poller>> StartTelegramIntake(
    const GatewayConfig& config, UpdateSink* sink) {
  const TelegramConfig& telegram = config.telegram;
  if (!telegram.UsesBotApi()) return nullptr;
  std::unique_ptr<BotApiClient> client = NewClient(telegram);
  if (telegram.mode == IntakeMode::kWebhook) {
    WebhookRegistration registration;
    registration.url = telegram.public_url + config.webhook_path;
    registration.secret_token = config.webhook_secret;
    registration.max_connections = telegram.max_connections;
    registration.allowed_updates = telegram.allowed_updates;
    absl::Status set =
        Judge(RegisterWebhook(*client, registration), "set_webhook_failed");
    if (!set.ok()) return set;
    log::Info("gateway", "webhook_registered",
              {{"url", registration.url},
               {"max_connections", registration.max_connections}});
    return nullptr;
  }
  absl::Status deleted = Judge(UsePolling(*client), "delete_webhook_failed");
  if (!deleted.ok()) return deleted;
  PollerOptions options;
  options.poll_timeout_seconds = telegram.poll_timeout_seconds;
  options.allowed_updates = telegram.allowed_updates;
  auto poller = std::make_unique<Poller>(std::move(client), sink, options);
  poller->Start();
  return poller;
}

}  // namespace telegate::gateway
