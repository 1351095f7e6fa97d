#include "gateway/public_routes.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/constant_time.h"
#include "common/log.h"
#include "common/telegram_update.h"

namespace telegate::gateway {
namespace {

using telegate::v1::Ack;

constexpr char kSecretHeader[] = "x-telegram-bot-api-secret-token";

http::Response MethodNotAllowed(const char* allow) {
  http::Response r = http::JsonErrorResponse(405, "method not allowed");
  r.headers.emplace_back("Allow", allow);
  return r;
}

http::Response Unavailable(std::string_view reason, int retry_after_seconds) {
  http::Response r = http::JsonErrorResponse(503, reason);
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return r;
}

AckOutcome Outcome(const absl::StatusOr<Ack>& ack) {
  if (!ack.ok()) return AckOutcome::kUnavailable;
  switch (ack->result()) {
    case Ack::ACCEPTED:
      return AckOutcome::kAccepted;
    case Ack::DUPLICATE:
      return AckOutcome::kDuplicate;
    case Ack::OVERLOADED:
      return AckOutcome::kOverloaded;
    case Ack::REJECTED:
      return AckOutcome::kRejected;
    default:
      return AckOutcome::kUnavailable;
  }
}

}  // namespace

http::Response WebhookAnswer(const absl::StatusOr<Ack>& ack,
                             int retry_after_seconds) {
  if (!ack.ok()) {
    return Unavailable("no worker accepted the update", retry_after_seconds);
  }
  switch (ack->result()) {
    case Ack::ACCEPTED:
      return http::Response{200, R"({"ok":true})"};
    case Ack::DUPLICATE:
      return http::Response{200, R"({"ok":true,"duplicate":true})"};
    case Ack::OVERLOADED:
      return Unavailable(ack->reason(), ack->retry_after_seconds() > 0
                                            ? ack->retry_after_seconds()
                                            : retry_after_seconds);
    case Ack::REJECTED:
      return http::JsonErrorResponse(400, ack->reason());
    default:
      return Unavailable("unexpected answer from worker", retry_after_seconds);
  }
}

bool IsJsonContentType(const std::string* content_type) {
  if (content_type == nullptr) return false;
  absl::string_view type(*content_type);
  type = type.substr(0, type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(type),
                                "application/json");
}

std::optional<http::Response> PublicRoutes::CheckHead(
    const http::Request& head) const {
  if (head.path == options_.webhook_path) {
    std::optional<http::Response> answer = CheckWebhookHead(head);
    if (answer.has_value()) stats_->CountWebhookAnswer(answer->status);
    return answer;
  }
  if (head.path == "/healthz") {
    if (head.method != "GET" && head.method != "HEAD") {
      return MethodNotAllowed("GET");
    }
    return http::Response{200, R"({"status":"alive"})"};
  }
  if (head.path == "/readyz") {
    if (head.method != "GET" && head.method != "HEAD") {
      return MethodNotAllowed("GET");
    }
    if (!draining_.load() && sink_->Ready()) {
      return http::Response{200, R"({"status":"ready"})"};
    }
    return http::Response{503, R"({"status":"not ready"})"};
  }
  return http::JsonErrorResponse(404, "not found");
}

std::optional<http::Response> PublicRoutes::CheckWebhookHead(
    const http::Request& head) const {
  if (head.method != "POST") return MethodNotAllowed("POST");
  const SourceFilter& filter = options_.filter;
  if (!filter.Allowed(
          filter.ClientIp(head.peer_ip, head.Header("x-forwarded-for")))) {
    return http::JsonErrorResponse(403, "source address not allowed");
  }
  const std::string* secret = head.Header(kSecretHeader);
  if (secret == nullptr || !ConstantTimeEquals(*secret, options_.secret)) {
    return http::JsonErrorResponse(401, "missing or wrong secret token");
  }
  if (!IsJsonContentType(head.Header("content-type"))) {
    return http::JsonErrorResponse(415,
                                   "Content-Type must be application/json");
  }
  return std::nullopt;
}

void PublicRoutes::Handle(http::Request request, http::Respond respond) const {
  stats_->webhooks_in_flight.fetch_add(1);
  const absl::Time start = absl::Now();
  auto answer = [stats = stats_, start,
                 respond = std::move(respond)](http::Response response) {
    stats->CountWebhookAnswer(response.status);
    stats->webhook_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - start));
    stats->webhooks_in_flight.fetch_sub(1);
    respond(std::move(response));
  };
  if (draining_.load()) {
    return answer(Unavailable("gateway is shutting down",
                              options_.retry_after_seconds));
  }
  absl::StatusOr<ParsedUpdate> update = ParseUpdate(request.body);
  if (!update.ok()) {
    return answer(
        http::JsonErrorResponse(400, std::string(update.status().message())));
  }
  const int64_t update_id = update->update_id;
  sink_->Deliver(
      *update, std::move(request.body),
      [stats = stats_, retry_after = options_.retry_after_seconds, update_id,
       answer = std::move(answer)](absl::StatusOr<Ack> ack) {
        stats->CountAck(Outcome(ack));
        if (!ack.ok()) {
          log::Warn("gateway", "update_not_delivered",
                    {{"update_id", update_id},
                     {"error", std::string(ack.status().message())}});
        }
        answer(WebhookAnswer(ack, retry_after));
      });
}

}  // namespace telegate::gateway
