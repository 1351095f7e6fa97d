#include "emulator/control_api.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/absl_strings.h"
#include "emulator/params.h"
#include "emulator/telegram_objects.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

ControlResponse Error(int status, std::string_view message) {
  return {status, {{"error", log::Redact(message)}}};
}

json Ok() { return {{"ok", true}}; }

}  // namespace

void CallStats::Received() {
  received.fetch_add(1, std::memory_order_relaxed);
  const int64_t now = waiting.fetch_add(1, std::memory_order_relaxed) + 1;
  int64_t peak = peak_waiting.load(std::memory_order_relaxed);
  while (now > peak && !peak_waiting.compare_exchange_weak(
                           peak, now, std::memory_order_relaxed)) {
  }
}

void CallStats::Answered() {
  answered.fetch_add(1, std::memory_order_relaxed);
  waiting.fetch_sub(1, std::memory_order_relaxed);
}

ControlApi::ControlApi(BotApi* api, WebhookSender* sender,
                       const CallStats* stats)
    : api_(api), sender_(sender), stats_(stats) {}

ControlResponse ControlApi::GetCalls(std::string_view method,
                                     std::string_view since) const {
  int64_t since_seq = 0;
  if (!since.empty() && !absl::SimpleAtoi(ToAbsl(since), &since_seq)) {
    return Error(400, "since must be an integer");
  }
  return {200, {{"calls", api_->Calls(method, since_seq)}}};
}

ControlResponse ControlApi::AddFaults(const std::string& body) {
  absl::StatusOr<json> doc = ParseJsonObject(body);
  if (!doc.ok()) return Error(400, std::string(doc.status().message()));
  absl::StatusOr<std::vector<Fault>> faults = ParseFaults(*doc);
  if (!faults.ok()) return Error(400, std::string(faults.status().message()));
  api_->AddFaults(*std::move(faults));
  return {200, Ok()};
}

ControlResponse ControlApi::ListFaults() const {
  json list = json::array();
  for (const Fault& f : api_->Faults()) list.push_back(FaultToJson(f));
  return {200, {{"faults", std::move(list)}}};
}

ControlResponse ControlApi::ClearFaults() {
  api_->ClearFaults();
  return {200, Ok()};
}

ControlResponse ControlApi::Reset() {
  api_->Reset();
  return {200, Ok()};
}

ControlResponse ControlApi::SetLatency(const std::string& body) {
  absl::StatusOr<json> doc = ParseJsonObject(body);
  if (!doc.ok()) return Error(400, std::string(doc.status().message()));
  Latency latency = api_->GetLatency();
  for (auto [key, field] : {std::pair{"ms", &latency.ms},
                            std::pair{"jitter_ms", &latency.jitter_ms}}) {
    if (!doc->contains(key)) continue;
    std::optional<int64_t> v = IntParam(*doc, key);
    if (!v.has_value() || *v < 0 || *v > kMaxLatencyMs) {
      return Error(400, absl::StrCat(key, " must be an integer from 0 to ",
                                     kMaxLatencyMs));
    }
    *field = static_cast<int>(*v);
  }
  api_->SetLatency(latency);
  return {200, Ok()};
}

ControlResponse ControlApi::GetLatency() const {
  Latency latency = api_->GetLatency();
  return {200, {{"ms", latency.ms}, {"jitter_ms", latency.jitter_ms}}};
}

ControlResponse ControlApi::GetStats() const {
  return {200,
          {{"received", stats_->received.load()},
           {"answered", stats_->answered.load()},
           {"waiting", stats_->waiting.load()},
           {"peak_waiting", stats_->peak_waiting.load()}}};
}

ControlResponse ControlApi::GetWebhook() const {
  WebhookConfig w = api_->Webhook();
  json out = {{"url", w.url},
              {"secret_token", w.secret_token},
              {"max_connections", w.max_connections},
              {"allowed_updates", w.allowed_updates},
              {"pending_update_count", api_->PendingUpdateCount()}};
  if (w.last_error_date != 0) {
    out["last_error_date"] = w.last_error_date;
    out["last_error_message"] = w.last_error_message;
  }
  return {200, std::move(out)};
}

ControlResponse ControlApi::PostUpdate(const std::string& body) {
  absl::StatusOr<json> doc = ParseJsonObject(body);
  if (!doc.ok()) return Error(400, std::string(doc.status().message()));
  absl::StatusOr<json> update = api_->MakeUpdate(*doc);
  if (!update.ok()) return Error(400, std::string(update.status().message()));
  const int64_t update_id = (*update)["update_id"].get<int64_t>();
  if (!api_->IsAllowed(*update)) {
    return {200, {{"update_id", update_id}, {"dropped", true}}};
  }
  if (api_->Webhook().url.empty()) {
    // No webhook: Telegram keeps the update for getUpdates.
    if (!api_->QueueUpdate(*update)) {
      return {200, {{"update_id", update_id}, {"dropped", true}}};
    }
    return {200, {{"update_id", update_id}, {"queued", true}}};
  }
  absl::StatusOr<WebhookReply> reply = sender_->Send(*update);
  if (!reply.ok()) {
    int status = absl::IsFailedPrecondition(reply.status()) ? 409 : 502;
    return {status,
            {{"error", log::Redact(std::string(reply.status().message()))},
             {"update_id", update_id}}};
  }
  return {200,
          {{"update_id", update_id},
           {"status", reply->status},
           {"body", reply->body}}};
}

}  // namespace telegate::emulator
