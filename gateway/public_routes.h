// PublicRoutes: the gateway's one webhook layer, what the internet-facing
// listener answers, free of sockets. CheckHead decides from the request
// head alone, before any body byte is read: unknown path 404, wrong method
// 405 (with Allow), a source outside the allow-list 403, a missing or
// wrong secret 401 (the one secret check, constant time), a Content-Type
// other than application/json 415, GET /healthz 200 (liveness) and GET
// /readyz (200 while the sink is Ready and not draining, else 503). Handle takes a
// complete webhook: parses it (400 with the reason), hands it to the
// UpdateSink and answers when the ack comes (WebhookAnswer), without
// waiting for it on any thread. Every answer on the webhook path is
// counted in GatewayStats.
// Thread-safe. `sink` must outlive it; `stats` must also outlive every
// Deliver callback it started (callbacks do not touch the routes).
#ifndef TELEGATE_GATEWAY_PUBLIC_ROUTES_H_
#define TELEGATE_GATEWAY_PUBLIC_ROUTES_H_

#include <atomic>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/gateway_stats.h"
#include "gateway/source_filter.h"
#include "gateway/update_sink.h"
#include "http/server/request.h"
#include "telegate/v1/updates.pb.h"

namespace telegate::gateway {

struct PublicRoutesOptions {
  std::string webhook_path;
  std::string secret;
  SourceFilter filter;
  // Retry-After (seconds) on 503s without a hint from the worker.
  int retry_after_seconds = 1;
};

class PublicRoutes {
 public:
  PublicRoutes(PublicRoutesOptions options, UpdateSink* sink,
               GatewayStats* stats)
      : options_(std::move(options)), sink_(sink), stats_(stats) {}

  // On the io thread; never blocks.
  std::optional<http::Response> CheckHead(const http::Request& head) const;
  // On the io thread; never blocks. `respond` runs once the sink answered
  // (from the sink's thread) or at once (bad body, draining).
  void Handle(http::Request request, http::Respond respond) const;

  // After this, every webhook gets 503 (used while shutting down).
  void Drain() { draining_.store(true); }

 private:
  std::optional<http::Response> CheckWebhookHead(
      const http::Request& head) const;

  const PublicRoutesOptions options_;
  UpdateSink* const sink_;
  GatewayStats* const stats_;
  std::atomic<bool> draining_{false};
};

// What Telegram gets for the sink's answer: 200 once a worker accepted the
// update ({"ok":true}, plus "duplicate":true for a redelivery); 503 with
// Retry-After (the worker's hint, else `retry_after_seconds`) so Telegram
// redelivers when the worker is overloaded, unreachable or answered
// something unknown; 400 with the worker's reason when it rejected it.
http::Response WebhookAnswer(const absl::StatusOr<telegate::v1::Ack>& ack,
                             int retry_after_seconds);

// True for "application/json", any case, optionally with parameters
// ("application/json; charset=utf-8").
bool IsJsonContentType(const std::string* content_type);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_PUBLIC_ROUTES_H_
