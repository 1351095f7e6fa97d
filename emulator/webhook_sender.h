// WebhookSender: delivers one Update to the webhook currently configured in
// BotApi, as Telegram does: POST with Content-Type: application/json and
// X-Telegram-Bot-Api-Secret-Token when a secret is set. Failures and non-2xx
// answers are recorded into BotApi (getWebhookInfo.last_error_*).
// Thread-safe: each Send uses its own connection. `api` must outlive it.
#ifndef TELEGATE_EMULATOR_WEBHOOK_SENDER_H_
#define TELEGATE_EMULATOR_WEBHOOK_SENDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "emulator/bot_api.h"
#include "nlohmann/json.hpp"

namespace telegate::emulator {

struct WebhookReply {
  int status = 0;    // the webhook's HTTP status
  std::string body;  // the webhook's answer body
};

struct WebhookSenderOptions {
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration read_timeout = absl::Seconds(30);
};

class WebhookSender {
 public:
  explicit WebhookSender(BotApi* api, WebhookSenderOptions options = {});

  // kFailedPrecondition when no webhook is set; kUnavailable when the post
  // failed without an HTTP answer. Any HTTP answer (even 5xx) is a reply.
  absl::StatusOr<WebhookReply> Send(const nlohmann::json& update);

 private:
  BotApi* const api_;
  const WebhookSenderOptions options_;
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_WEBHOOK_SENDER_H_
