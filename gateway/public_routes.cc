#include "gateway/public_routes.h"

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/constant_time.h"

namespace telegate::gateway {
namespace {

constexpr char kSecretHeader[] = "x-telegram-bot-api-secret-token";

PublicResponse MethodNotAllowed(const char* allow) {
  PublicResponse r = JsonErrorResponse(405, "method not allowed");
  r.headers.emplace_back("Allow", allow);
  return r;
}

}  // namespace

bool IsJsonContentType(const std::string* content_type) {
  if (content_type == nullptr) return false;
  absl::string_view type(*content_type);
  type = type.substr(0, type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(type),
                                "application/json");
}

std::optional<PublicResponse> PublicRoutes::CheckHead(
    const PublicRequest& head) const {
  if (head.path == webhook_path_) {
    std::optional<PublicResponse> answer = CheckWebhookHead(head);
    if (answer.has_value()) stats_->CountWebhookAnswer(answer->status);
    return answer;
  }
  if (head.path == "/healthz") {
    if (head.method != "GET" && head.method != "HEAD") {
      return MethodNotAllowed("GET");
    }
    return PublicResponse{200, R"({"status":"alive"})"};
  }
  return JsonErrorResponse(404, "not found");
}

std::optional<PublicResponse> PublicRoutes::CheckWebhookHead(
    const PublicRequest& head) const {
  if (head.method != "POST") return MethodNotAllowed("POST");
  if (!filter_.Allowed(
          filter_.ClientIp(head.peer_ip, head.Header("x-forwarded-for")))) {
    return JsonErrorResponse(403, "source address not allowed");
  }
  const std::string* secret = head.Header(kSecretHeader);
  if (secret == nullptr || !ConstantTimeEquals(*secret, secret_)) {
    return JsonErrorResponse(401, "missing or wrong secret token");
  }
  if (!IsJsonContentType(head.Header("content-type"))) {
    return JsonErrorResponse(415, "Content-Type must be application/json");
  }
  return std::nullopt;
}

PublicResponse PublicRoutes::Handle(PublicRequest request) const {
  stats_->webhooks_in_flight.fetch_add(1);
  const absl::Time start = absl::Now();
  absl::Cleanup done = [this, start] {
    stats_->webhook_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - start));
    stats_->webhooks_in_flight.fetch_sub(1);
  };
  WebhookAnswer answer = webhook_->Handle(request.Header(kSecretHeader),
                                          std::move(request.body));
  stats_->CountWebhookAnswer(answer.status);
  PublicResponse response{answer.status, std::move(answer.body)};
  if (answer.retry_after > 0) {
    response.headers.emplace_back("Retry-After",
                                  std::to_string(answer.retry_after));
  }
  return response;
}

}  // namespace telegate::gateway
