// ControlApi: the emulator's test-facing control surface (/_emulator/...):
// recorded calls, fault injection, latency, reset, webhook state, update
// delivery and the server's counters. Transport-free: takes request
// strings, returns status + JSON. Thread-safe; `api`, `sender` and `stats`
// must outlive it.
#ifndef TELEGATE_EMULATOR_CONTROL_API_H_
#define TELEGATE_EMULATOR_CONTROL_API_H_

#include <atomic>
#include <cstdint>
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

// Bot API calls as the transport sees them, counted by EmulatorServer.
struct CallStats {
  std::atomic<int64_t> received{0};  // requests on a Bot API route
  std::atomic<int64_t> answered{0};  // answers handed to the transport
  std::atomic<int64_t> waiting{0};   // received, not yet answered
  std::atomic<int64_t> peak_waiting{0};

  void Received();  // a call arrived: counts it and updates the peak
  void Answered();
};

class ControlApi {
 public:
  ControlApi(BotApi* api, WebhookSender* sender, const CallStats* stats);

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
  // POST /_emulator/latency {"ms":80,"jitter_ms":0} -> {"ok":true}; a
  // missing field is kept. GET -> {"ms":..,"jitter_ms":..}.
  ControlResponse SetLatency(const std::string& body);
  ControlResponse GetLatency() const;
  // GET /_emulator/stats -> {"received","answered","waiting","peak_waiting"}
  ControlResponse GetStats() const;
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
  const CallStats* const stats_;
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_CONTROL_API_H_
