// GatewayStats: the gateway's own counters (webhook answers, worker acks,
// the worker stream), plain atomics bumped by the webhook routes and
// the WorkerLink, and exported to Prometheus through
// registry callbacks (no second copy). Thread-safe; must outlive every
// object given a pointer to it and the registry it is registered with.
#ifndef TELEGATE_GATEWAY_GATEWAY_STATS_H_
#define TELEGATE_GATEWAY_GATEWAY_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "common/metrics.h"
#include "http/server/listener.h"

namespace telegate::gateway {

// How the worker answered a delivered update (or that none did).
enum class AckOutcome {
  kAccepted,
  kDuplicate,
  kOverloaded,
  kRejected,
  kUnavailable,
  kCount
};

struct GatewayStats {
  // HTTP status codes of webhook answers counted by value; others are
  // counted under code="other".
  static constexpr std::array<int, 10> kWebhookCodes = {
      200, 400, 401, 403, 404, 405, 413, 415, 500, 503};

  void CountWebhookAnswer(int code);
  void CountAck(AckOutcome outcome) {
    acks[static_cast<size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
  }

  std::array<std::atomic<uint64_t>, kWebhookCodes.size() + 1> webhook_answers{};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(AckOutcome::kCount)>
      acks{};
  Histogram webhook_seconds{LatencyBuckets()};
  std::atomic<int64_t> webhooks_in_flight{0};
  // Open update streams, one per connected worker.
  std::atomic<int> worker_stream_connected{0};
  // Stream (re)openings after the first one.
  std::atomic<uint64_t> worker_stream_reconnects{0};
};

// Registers every field as telegate_gateway_* metrics.
void RegisterGatewayMetrics(GatewayStats* stats, MetricsRegistry* registry);
struct PollerStats;
// The poller's counters (polling mode) as telegate_gateway_poll_*.
void RegisterPollerMetrics(const PollerStats* stats, MetricsRegistry* registry);

// The public listener's connection counters as telegate_gateway_http_*.
void RegisterListenerMetrics(http::ListenerStats* stats,
                             MetricsRegistry* registry);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_GATEWAY_STATS_H_
