#include "gateway/gateway_stats.h"

#include <iterator>
#include <string>

#include "gateway/poller.h"

namespace telegate::gateway {
namespace {

// One counter read from an atomic field of a stats struct.
template <typename Stats, typename Value>
struct CounterField {
  const char* name;
  const char* help;
  const std::atomic<Value> Stats::*field;
};

template <typename Stats, typename Value, size_t N>
void AddCounters(const Stats* stats,
                 const CounterField<Stats, Value> (&counters)[N],
                 MetricsRegistry* registry) {
  for (const CounterField<Stats, Value>& c : counters) {
    registry->Add(MetricsRegistry::Type::kCounter, c.name, c.help, {},
                  [stats, f = c.field] {
                    return static_cast<double>((stats->*f).load());
                  });
  }
}

}  // namespace

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
      "Workers whose update stream is open", {}, [stats] {
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

void RegisterListenerMetrics(http::ListenerStats* stats,
                             MetricsRegistry* registry) {
  using Type = MetricsRegistry::Type;
  registry->Add(Type::kGauge, "telegate_gateway_http_connections_open",
                "Open connections on the public listener", {}, [stats] {
                  return static_cast<double>(stats->connections_open.load());
                });
  static constexpr CounterField<http::ListenerStats, int64_t> kCounters[] = {
      {"telegate_gateway_http_connections_accepted_total",
       "Connections accepted on the public listener",
       &http::ListenerStats::connections_accepted},
      {"telegate_gateway_http_connections_refused_total",
       "Connections closed at once: at the cap with none idle",
       &http::ListenerStats::connections_refused},
      {"telegate_gateway_http_connections_evicted_total",
       "Idle connections closed to make room under the cap",
       &http::ListenerStats::connections_evicted},
      {"telegate_gateway_http_header_timeouts_total",
       "Connections cut because a request head (or TLS handshake) was late",
       &http::ListenerStats::header_timeouts},
      {"telegate_gateway_http_body_timeouts_total",
       "Connections cut because a request body was late",
       &http::ListenerStats::body_timeouts},
      {"telegate_gateway_http_idle_timeouts_total",
       "Idle keep-alive connections closed",
       &http::ListenerStats::idle_timeouts},
      {"telegate_gateway_http_too_large_total",
       "Requests refused with 413 before their body was read",
       &http::ListenerStats::too_large},
      {"telegate_gateway_http_malformed_total",
       "Requests the HTTP parser refused (400/431)",
       &http::ListenerStats::malformed},
      {"telegate_gateway_http_tls_handshake_failures_total",
       "TLS handshakes that failed", &http::ListenerStats::tls_handshake_failures},
  };
  AddCounters(stats, kCounters, registry);
}

void RegisterPollerMetrics(const PollerStats* stats,
                           MetricsRegistry* registry) {
  static constexpr CounterField<PollerStats, uint64_t> kCounters[] = {
      {"telegate_gateway_poll_requests_total",
       "getUpdates calls answered successfully", &PollerStats::polls},
      {"telegate_gateway_poll_updates_total", "Updates received by polling",
       &PollerStats::updates_polled},
      {"telegate_gateway_poll_delivered_total",
       "Polled updates a worker acknowledged", &PollerStats::updates_delivered},
      {"telegate_gateway_poll_skipped_total",
       "Polled updates skipped (malformed or rejected)",
       &PollerStats::updates_skipped},
      {"telegate_gateway_poll_backoffs_total",
       "Waits after a failed poll or delivery", &PollerStats::backoffs},
  };
  AddCounters(stats, kCounters, registry);
}

}  // namespace telegate::gateway
