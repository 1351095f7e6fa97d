#include "emulator/control_api.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "emulator/absl_compat.h"
#include "emulator/params.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

ControlResponse Error(int status, std::string_view message) {
  return {status, {{"error", log::Redact(message)}}};
}

json Ok() { return {{"ok", true}}; }

}  // namespace

ControlApi::ControlApi(BotApi* api, WebhookSender* sender)
    : api_(api), sender_(sender) {}

ControlResponse ControlApi::GetCalls(std::string_view method,
                                     std::string_view since) const {
  int64_t since_seq = 0;
  if (!since.empty() && !absl::SimpleAtoi(Av(since), &since_seq)) {
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
