// PublicRoutes: what the internet-facing listener answers, free of sockets.
// CheckHead decides from the request head alone, before any body byte is
// read: unknown path 404, wrong method 405 (with Allow), a source outside
// the allow-list 403, a missing or wrong secret 401 (constant time), a
// Content-Type other than application/json 415, and GET /healthz 200.
// Handle passes a complete webhook to WebhookHandler (parse, deliver, ack).
// Every answer on the webhook path is counted in GatewayStats. Thread-safe;
// `webhook` and `stats` must outlive it.
#ifndef TELEGATE_GATEWAY_PUBLIC_ROUTES_H_
#define TELEGATE_GATEWAY_PUBLIC_ROUTES_H_

#include <optional>
#include <string>

#include "gateway/gateway_stats.h"
#include "gateway/public_request.h"
#include "gateway/source_filter.h"
#include "gateway/webhook_handler.h"

namespace telegate::gateway {

class PublicRoutes {
 public:
  PublicRoutes(std::string webhook_path, std::string secret,
               SourceFilter filter, WebhookHandler* webhook,
               GatewayStats* stats)
      : webhook_path_(std::move(webhook_path)),
        secret_(std::move(secret)),
        filter_(std::move(filter)),
        webhook_(webhook),
        stats_(stats) {}

  std::optional<PublicResponse> CheckHead(const PublicRequest& head) const;
  PublicResponse Handle(PublicRequest request) const;

 private:
  std::optional<PublicResponse> CheckWebhookHead(
      const PublicRequest& head) const;

  const std::string webhook_path_;
  const std::string secret_;
  const SourceFilter filter_;
  WebhookHandler* const webhook_;
  GatewayStats* const stats_;
};

// True for "application/json", any case, optionally with parameters
// ("application/json; charset=utf-8").
bool IsJsonContentType(const std::string* content_type);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_PUBLIC_ROUTES_H_
