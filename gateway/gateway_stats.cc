#include "gateway/gateway_stats.h"

#include <iterator>
#include <string>

namespace telegate::gateway {

void GatewayStats::CountWebhookAnswer(int code) {
  size_t i = 0;
  while (i < kWebhookCodes.size() && kWebhookCodes[i] != code) ++i;
  webhook_answers[i].fetch_add(1, std::memory_order_relaxed);
}

void RegisterGatewayMetrics(GatewayStats* stats, MetricsRegistry* registry) {
  using Type = MetricsRegistry::Type;
  for (size_t i = 0; i <= GatewayStats::kWebhookCodes.size(); ++i) {
    std::string code = i < GatewayStats::kWebhookCodes.size()
                           ? std::to_string(GatewayStats::kWebhookCodes[i])
                           : "other";
    registry->Add(
        Type::kCounter, "telegate_gateway_webhook_requests_total",
        "Webhook requests by the HTTP status code answered", {{"code", code}},
        [stats, i] {
          return static_cast<double>(stats->webhook_answers[i].load());
        });
  }
  registry->AddHistogramRef(
      "telegate_gateway_webhook_duration_seconds",
      "Time from receiving a webhook to answering it (includes the wait for "
      "the worker's ack)",
      &stats->webhook_seconds);
  static constexpr const char* kResults[] = {
      "accepted", "duplicate", "overloaded", "rejected", "unavailable"};
  static_assert(std::size(kResults) == static_cast<size_t>(AckOutcome::kCount));
  for (size_t i = 0; i < std::size(kResults); ++i) {
    registry->Add(Type::kCounter, "telegate_gateway_acks_total",
                  "Worker answers to delivered updates by result "
                  "(unavailable: no worker answered)",
                  {{"result", kResults[i]}}, [stats, i] {
                    return static_cast<double>(stats->acks[i].load());
                  });
  }
  registry->Add(
      Type::kGauge, "telegate_gateway_worker_stream_connected",
      "1 while the update stream to the worker is open", {}, [stats] {
        return static_cast<double>(stats->worker_stream_connected.load());
      });
  registry->Add(
      Type::kCounter, "telegate_gateway_worker_stream_reconnects_total",
      "Times the update stream to the worker was opened again", {}, [stats] {
        return static_cast<double>(stats->worker_stream_reconnects.load());
      });
  registry->Add(Type::kGauge, "telegate_gateway_webhooks_in_flight",
                "Webhook requests being handled now", {}, [stats] {
                  return static_cast<double>(stats->webhooks_in_flight.load());
                });
}

}  // namespace telegate::gateway
