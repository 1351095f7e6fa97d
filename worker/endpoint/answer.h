// The endpoint's answers in Telegram's JSON shape: a Bot API result passed
// back as Telegram gave it, the endpoint's own errors, and the answers of
// the methods it intercepts. Pure functions; thread-safe.
#ifndef TELEGATE_WORKER_ENDPOINT_ANSWER_H_
#define TELEGATE_WORKER_ENDPOINT_ANSWER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bot_api_client.h"
#include "http/http_client.h"
#include "http/server/request.h"
#include "worker/endpoint/routing.h"

namespace telegate::worker {

// telegate's view of the bot's webhook, for getWebhookInfo (Telegram's
// WebhookInfo fields; zero/empty ones are left out as Telegram does).
struct WebhookView {
  std::string url;
  bool has_custom_certificate = false;
  int64_t pending_update_count = 0;
  std::string ip_address;
  int64_t last_error_date = 0;  // unix time
  std::string last_error_message;
  int64_t last_synchronization_error_date = 0;
  int max_connections = 0;
  std::vector<std::string> allowed_updates;
};

// {"ok":true,"result":...} (with "description" when Telegram gave one), or
// {"ok":false,"error_code":N,"description":...,"parameters":{...}} with
// Telegram's HTTP status. No HTTP answer (http_status 0): 502 naming the
// failure.
http::Response AnswerFromResult(const ApiResult& result);

// {"ok":false,"error_code":status,"description":description}.
http::Response TelegramError(int status, std::string_view description);

// A /file/ download passed through (status, content type, body); no HTTP
// answer: 502 naming the failure.
http::Response FileAnswer(const http::HttpResponse& response);

nlohmann::ordered_json WebhookInfoJson(const WebhookView& info);

// The answer to an intercepted method (anything but kForward). `info` is
// used for kWebhookInfo only.
http::Response InterceptedAnswer(Interception interception,
                                 std::string_view method,
                                 const WebhookView& info);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ENDPOINT_ANSWER_H_
