// Start-up calls that tell Telegram how the gateway receives updates:
// RegisterWebhook (setWebhook, webhook mode with a public URL) and
// UsePolling (deleteWebhook, polling mode). Stateless functions over a
// BotApiClient; errors are one line without the token.
#ifndef TELEGATE_GATEWAY_WEBHOOK_REGISTRATION_H_
#define TELEGATE_GATEWAY_WEBHOOK_REGISTRATION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/bot_api_client.h"

namespace telegate::gateway {

struct WebhookRegistration {
  std::string url;  // https://... including the webhook path
  std::string secret_token;
  int max_connections = 40;
  std::vector<std::string> allowed_updates;  // empty: not sent (kept)
  bool drop_pending_updates = false;
};

// setWebhook with every field of `registration`.
absl::Status RegisterWebhook(BotApiClient& client,
                             const WebhookRegistration& registration);

// deleteWebhook(drop_pending_updates=false): getUpdates works afterwards and
// updates Telegram still holds are kept.
absl::Status UsePolling(BotApiClient& client);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_WEBHOOK_REGISTRATION_H_
