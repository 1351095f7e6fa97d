#include "gateway/admin_routes.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/time_util.h"

namespace telegate::gateway {
namespace {

using nlohmann::json;

std::string Message(const absl::Status& status) {
  return log::Redact(std::string(status.message()));
}

JsonAnswer Error(int status, const std::string& reason) {
  return {status, json{{"ok", false}, {"error", reason}}.dump()};
}

JsonAnswer Unreachable(const absl::Status& status) {
  return Error(503, absl::StrCat("worker unreachable: ", Message(status)));
}

}  // namespace

json UpstreamJson(const telegate::v1::UpstreamState& u) {
  return {{"url", u.url()},
          {"reachable", u.reachable()},
          {"down_since", u.down_since().empty() ? json(nullptr)
                                                : json(u.down_since())},
          {"last_error", u.last_error()},
          {"misconfigured", u.misconfigured()},
          {"error_count", u.error_count()},
          {"error_threshold", u.error_threshold()},
          {"restarts", u.restarts()},
          {"in_flight", u.in_flight()},
          {"posted", u.posted()},
          {"handled", u.handled()},
          {"refused", u.refused()},
          {"latency_p50_ms", u.latency_p50_ms()},
          {"latency_p99_ms", u.latency_p99_ms()}};
}

json HealthJson(const telegate::v1::GetHealthResponse& h) {
  json out = {{"status", h.status()},
              {"bot_status", h.bot_status()},
              {"error_count", h.error_count()},
              {"error_threshold", h.error_threshold()},
              {"restart_count", h.restart_count()},
              {"uptime_seconds", h.uptime_seconds()},
              {"timestamp", h.timestamp()},
              {"environment", h.environment()},
              {"bot_username", h.bot_username()}};
  // Only with an upstream bot (TELEGATE_UPSTREAM_URL).
  if (h.has_upstream()) out["upstream"] = UpstreamJson(h.upstream());
  return out;
}

json EndpointJson(const telegate::v1::EndpointCounters& e) {
  return {{"calls", e.calls()},
          {"answered_ok", e.answered_ok()},
          {"answered_error", e.answered_error()},
          {"answered_network", e.answered_network()},
          {"bad_requests", e.bad_requests()},
          {"retries", e.retries()},
          {"flood_waits", e.flood_waits()},
          {"intercepted", e.intercepted()},
          {"files", e.files()},
          {"unauthorized", e.unauthorized()},
          {"dropped_caller_left", e.dropped_caller_left()},
          {"in_flight", e.in_flight()},
          {"queued", e.queued()}};
}

json StatsJson(const telegate::v1::GetStatsResponse& s) {
  json threads = json::array();
  for (const telegate::v1::ThreadState& t : s.thread_states()) {
    threads.push_back({{"index", t.index()},
                       {"state", t.state()},
                       {"client_generation", t.client_generation()},
                       {"calls", t.calls()},
                       {"calls_in_flight", t.calls_in_flight()},
                       {"chats_served", t.chats_served()}});
  }
  return {{"updates_received", s.updates_received()},
          {"updates_accepted", s.updates_accepted()},
          {"updates_duplicate", s.updates_duplicate()},
          {"updates_overloaded", s.updates_overloaded()},
          {"updates_processed", s.updates_processed()},
          {"updates_failed", s.updates_failed()},
          {"updates_replayed", s.updates_replayed()},
          {"sends_ok", s.sends_ok()},
          {"sends_failed", s.sends_failed()},
          {"flood_waits", s.flood_waits()},
          {"retries", s.retries()},
          {"migrations", s.migrations()},
          {"rate_limited", s.rate_limited()},
          {"failed_deliveries", s.failed_deliveries()},
          {"parked_chats", s.parked_chats()},
          {"error_count", s.error_count()},
          {"restart_count", s.restart_count()},
          {"queue_depth", s.queue_depth()},
          {"uptime_seconds", s.uptime_seconds()},
          {"threads", s.threads()},
          {"latency_p50_ms", s.latency_p50_ms()},
          {"latency_p99_ms", s.latency_p99_ms()},
          {"thread_states", std::move(threads)},
          {"endpoint", s.has_endpoint() ? EndpointJson(s.endpoint())
                                        : json(nullptr)}};
}

std::string SnapshotJson(const telegate::v1::StatusSnapshot& snapshot) {
  json errors = json::array();
  for (const telegate::v1::ErrorEvent& e : snapshot.recent_errors()) {
    errors.push_back({{"time", e.time()}, {"reason", e.reason()}});
  }
  return json{{"health", HealthJson(snapshot.health())},
              {"stats", StatsJson(snapshot.stats())},
              {"recent_errors", std::move(errors)},
              {"worker_reachable", true}}
      .dump();
}

std::string UnreachableJson(const absl::Status& status) {
  return json{{"worker_reachable", false}, {"error", Message(status)}}.dump();
}

JsonAnswer AdminRoutes::Health() {
  auto health = backend_->GetHealth();
  if (!health.ok()) {
    return {503, json{{"status", "unhealthy"},
                      {"bot_status", absl::StrCat("worker unreachable: ",
                                                  Message(health.status()))},
                      {"error_count", nullptr},
                      {"timestamp", FormatRfc3339(absl::Now())},
                      {"environment", environment_},
                      {"worker_reachable", false}}
                     .dump()};
  }
  json body = HealthJson(*health);
  body["worker_reachable"] = true;
  return {health->status() == "healthy" ? 200 : 503, body.dump()};
}

JsonAnswer AdminRoutes::RestartBot() {
  auto result = backend_->RestartBot();
  if (!result.ok()) return Unreachable(result.status());
  return {200, json{{"ok", result->ok()},
                    {"restart_count", result->restart_count()},
                    {"bot_status", result->bot_status()}}
                   .dump()};
}

JsonAnswer AdminRoutes::ResetErrors() {
  auto result = backend_->ResetErrors();
  if (!result.ok()) return Unreachable(result.status());
  return {200, json{{"ok", true}, {"error_count", result->error_count()}}.dump()};
}

JsonAnswer AdminRoutes::Stats() {
  auto s = backend_->GetStats();
  if (!s.ok()) return Unreachable(s.status());
  return {200, StatsJson(*s).dump()};
}

JsonAnswer AdminRoutes::FailedDeliveries(int limit) {
  auto list = backend_->ListFailedDeliveries(limit);
  if (!list.ok()) return Unreachable(list.status());
  json deliveries = json::array();
  for (const telegate::v1::FailedDelivery& d : list->deliveries()) {
    json params = json::parse(d.params_json(), nullptr, false);
    if (params.is_discarded()) params = d.params_json();  // keep it visible
    deliveries.push_back({{"id", d.id()},
                          {"update_id", d.update_id()},
                          {"chat_key", d.chat_key()},
                          {"method", d.method()},
                          {"params", std::move(params)},
                          {"error_code", d.error_code()},
                          {"reason", d.reason()},
                          {"failed_at", d.failed_at()},
                          // An older worker sends no kind: a Bot API call.
                          {"kind", d.kind().empty() ? "bot_api_call"
                                                    : d.kind()}});
  }
  return {200, json{{"deliveries", std::move(deliveries)}}.dump()};
}

JsonAnswer AdminRoutes::RetryFailedDelivery(std::string_view body) {
  json request = json::parse(body, nullptr, false);
  if (request.is_object() && request.value("all", false) == true) {
    // Every failed delivery (of one kind when "kind" is given): each one is
    // taken and queued like a single retry.
    const std::string kind = request.value("kind", "");
    auto list = backend_->ListFailedDeliveries(1000);
    if (!list.ok()) return Unreachable(list.status());
    int64_t retried = 0;
    for (const telegate::v1::FailedDelivery& d : list->deliveries()) {
      const std::string& k = d.kind().empty() ? "bot_api_call" : d.kind();
      if (!kind.empty() && k != kind) continue;
      absl::Status status = backend_->RetryFailedDelivery(d.id());
      if (absl::IsNotFound(status)) continue;  // taken meanwhile
      if (!status.ok()) return Unreachable(status);
      ++retried;
    }
    return {200, json{{"ok", true}, {"retried", retried}}.dump()};
  }
  if (!request.is_object() || !request.contains("id") ||
      !request["id"].is_number_integer() || request["id"].get<int64_t>() <= 0) {
    return Error(400,
                 "body must be {\"id\":N} with a positive integer id, or "
                 "{\"all\":true} (optionally with \"kind\")");
  }
  absl::Status status =
      backend_->RetryFailedDelivery(request["id"].get<int64_t>());
  if (absl::IsNotFound(status)) return Error(404, Message(status));
  if (absl::IsInvalidArgument(status)) return Error(400, Message(status));
  if (!status.ok()) return Unreachable(status);
  return {200, R"({"ok":true})"};
}

JsonAnswer AdminRoutes::WebhookInfo() {
  auto info = backend_->GetWebhookInfo();
  if (absl::IsInvalidArgument(info.status())) {
    return Error(502, absl::StrCat("Telegram refused getWebhookInfo: ",
                                   Message(info.status())));
  }
  if (!info.ok()) {
    return Error(503, absl::StrCat("cannot get the webhook info: ",
                                   Message(info.status())));
  }
  return {200, json{{"url", info->url()},
                    {"pending_update_count", info->pending_update_count()},
                    {"max_connections", info->max_connections()},
                    {"last_error_date", info->last_error_date()},
                    {"last_error_message", info->last_error_message()},
                    {"has_custom_certificate", info->has_custom_certificate()},
                    {"ip_address", info->ip_address()},
                    {"allowed_updates",
                     std::vector<std::string>(info->allowed_updates().begin(),
                                              info->allowed_updates().end())}}
                   .dump()};
}

}  // namespace telegate::gateway
