#include "gateway/webhook_registration.h"

#include "nlohmann/json.hpp"

namespace telegate::gateway {

absl::Status RegisterWebhook(BotApiClient& client,
                             const WebhookRegistration& registration) {
  nlohmann::json params = {
      {"url", registration.url},
      {"max_connections", registration.max_connections},
      {"drop_pending_updates", registration.drop_pending_updates}};
  if (!registration.secret_token.empty()) {
    params["secret_token"] = registration.secret_token;
  }
  if (!registration.allowed_updates.empty()) {
    params["allowed_updates"] = registration.allowed_updates;
  }
  return CallOrError(client, "setWebhook", params).status();
}

absl::Status UsePolling(BotApiClient& client) {
  return CallOrError(client, "deleteWebhook", {{"drop_pending_updates", false}})
      .status();
}

}  // namespace telegate::gateway
