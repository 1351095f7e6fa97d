// The webhook's domain logic, free of HTTP: checks the secret, parses the
// update, hands it to the UpdateSink and maps the outcome to the answer
// Telegram gets (200 only once a worker accepted the update; 503 with
// Retry-After so Telegram redelivers; 400/401 for bad requests). Counts the
// worker's answers in GatewayStats when given one. Thread-safe.
#ifndef TELEGATE_GATEWAY_WEBHOOK_HANDLER_H_
#define TELEGATE_GATEWAY_WEBHOOK_HANDLER_H_

#include <atomic>
#include <string>
#include <string_view>

#include "gateway/gateway_stats.h"
#include "gateway/update_sink.h"

namespace telegate::gateway {

struct WebhookAnswer {
  int status = 200;
  std::string body;     // JSON
  int retry_after = 0;  // seconds; > 0 adds a Retry-After header
};

class WebhookHandler {
 public:
  // `sink` and `stats` (may be nullptr) must outlive the handler.
  WebhookHandler(std::string secret, UpdateSink* sink, int retry_after_seconds,
                 GatewayStats* stats = nullptr)
      : secret_(std::move(secret)),
        sink_(sink),
        retry_after_(retry_after_seconds),
        stats_(stats) {}

  // `secret_header` is nullptr when the header is absent.
  WebhookAnswer Handle(const std::string* secret_header, std::string body);

  // After this, every webhook gets 503 (used while shutting down).
  void Drain() { draining_.store(true); }

 private:
  const std::string secret_;
  UpdateSink* const sink_;
  const int retry_after_;
  GatewayStats* const stats_;
  std::atomic<bool> draining_{false};
};

// {"ok":false,"error":"<reason>"}
std::string ErrorBody(std::string_view reason);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_WEBHOOK_HANDLER_H_
