#include "gateway/webhook_handler.h"

#include "common/log.h"
#include "gateway/secret.h"
#include "nlohmann/json.hpp"

namespace telegate::gateway {

using telegate::v1::Ack;

namespace {

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

std::string ErrorBody(std::string_view reason) {
  return nlohmann::json{{"ok", false}, {"error", reason}}.dump();
}

WebhookAnswer WebhookHandler::Handle(const std::string* secret_header,
                                     std::string body) {
  if (secret_header == nullptr || !ConstantTimeEquals(*secret_header, secret_)) {
    return {401, ErrorBody("missing or wrong secret token"), 0};
  }
  if (draining_.load()) {
    return {503, ErrorBody("gateway is shutting down"), retry_after_};
  }
  absl::StatusOr<ParsedUpdate> update = ParseUpdate(body);
  if (!update.ok()) {
    return {400, ErrorBody(std::string(update.status().message())), 0};
  }
  absl::StatusOr<Ack> ack = sink_->Deliver(*update, std::move(body));
  if (stats_ != nullptr) stats_->CountAck(Outcome(ack));
  if (!ack.ok()) {
    log::Warn("gateway", "update_not_delivered",
              {{"update_id", update->update_id},
               {"error", std::string(ack.status().message())}});
    return {503, ErrorBody("no worker accepted the update"), retry_after_};
  }
  switch (ack->result()) {
    case Ack::ACCEPTED:
      return {200, R"({"ok":true})", 0};
    case Ack::DUPLICATE:
      return {200, R"({"ok":true,"duplicate":true})", 0};
    case Ack::OVERLOADED: {
      int wait = ack->retry_after_seconds() > 0 ? ack->retry_after_seconds()
                                                : retry_after_;
      return {503, ErrorBody(ack->reason()), wait};
    }
    case Ack::REJECTED:
      return {400, ErrorBody(ack->reason()), 0};
    default:
      return {503, ErrorBody("unexpected answer from worker"), retry_after_};
  }
}

}  // namespace telegate::gateway
