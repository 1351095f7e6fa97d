// ControlApi: the emulator's test-facing control surface (/_emulator/...):
// recorded calls, fault injection, reset, webhook state and update delivery.
// Transport-free: takes request strings, returns status + JSON. Thread-safe;
// `api` and `sender` must outlive it.
#ifndef TELEGATE_EMULATOR_CONTROL_API_H_
#define TELEGATE_EMULATOR_CONTROL_API_H_

#include <string>
#include <string_view>

#include "emulator/bot_api.h"
#include "emulator/webhook_sender.h"
#include "nlohmann/json.hpp"

namespace telegate::emulator {

struct ControlResponse {
  int status = 200;
  nlohmann::json body;  // errors: {"error":"<one line>"}
};

class ControlApi {
 public:
  ControlApi(BotApi* api, WebhookSender* sender);

  // GET /_emulator/calls?method=M&since=SEQ -> {"calls":[...]}
  ControlResponse GetCalls(std::string_view method,
                           std::string_view since) const;
  // POST /_emulator/faults (one fault or {"faults":[...]}) -> {"ok":true}
  ControlResponse AddFaults(const std::string& body);
  // GET /_emulator/faults -> {"faults":[...]} (what is still queued)
  ControlResponse ListFaults() const;
  // DELETE /_emulator/faults -> {"ok":true}
  ControlResponse ClearFaults();
  // POST /_emulator/reset -> {"ok":true}
  ControlResponse Reset();
  // GET /_emulator/webhook -> {url, secret_token, max_connections, ...}
  ControlResponse GetWebhook() const;
  // POST /_emulator/updates -> {"update_id":N,"status":S,"body":"..."}
  // after posting it to the webhook (502 when the post got no HTTP answer);
  // without a webhook it is queued for getUpdates: {"update_id":N,
  // "queued":true}; {"update_id":N,"dropped":true} when allowed_updates
  // excludes its type.
  ControlResponse PostUpdate(const std::string& body);

 private:
  BotApi* const api_;
  WebhookSender* const sender_;
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_CONTROL_API_H_
