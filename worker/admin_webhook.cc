// AdminService's webhook RPCs: getWebhookInfo, setWebhook and deleteWebhook,
// proxied to the Bot API through a processing loop's current client.
#include "common/log.h"
#include "worker/admin_service.h"

namespace telegate::worker {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)

grpc::Status AdminService::CallBotApi(const std::string& method,
                                      const nlohmann::json& params,
                                      nlohmann::json* result) const {
  ApiResult answer = deps_.processor->CallAndWait(method, params);
  switch (Classify(answer)) {
    case Outcome::kOk:
      *result = std::move(answer.result);
      return grpc::Status::OK;
    case Outcome::kRetryAfter:
    case Outcome::kTransient:
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          DescribeFailure(method, answer));
    case Outcome::kMigrated:
    case Outcome::kPermanent:
      break;
  }
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      DescribeFailure(method, answer));
}

grpc::Status AdminService::GetWebhookInfo(grpc::ServerContext* context,
                                          const GetWebhookInfoRequest*,
                                          WebhookInfo* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  nlohmann::json info;
  grpc::Status status =
      CallBotApi("getWebhookInfo", nlohmann::json::object(), &info);
  if (!status.ok()) return status;
  if (!info.is_object()) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "getWebhookInfo: result is not an object");
  }
  auto str = [&](const char* key) {
    auto it = info.find(key);
    return it != info.end() && it->is_string() ? it->get<std::string>() : "";
  };
  auto num = [&](const char* key) -> int64_t {
    auto it = info.find(key);
    return it != info.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  };
  response->set_url(str("url"));
  auto custom = info.find("has_custom_certificate");
  response->set_has_custom_certificate(custom != info.end() &&
                                       custom->is_boolean() &&
                                       custom->get<bool>());
  response->set_pending_update_count(num("pending_update_count"));
  response->set_ip_address(str("ip_address"));
  response->set_last_error_date(num("last_error_date"));
  response->set_last_error_message(str("last_error_message"));
  response->set_last_synchronization_error_date(
      num("last_synchronization_error_date"));
  response->set_max_connections(static_cast<int32_t>(num("max_connections")));
  if (auto it = info.find("allowed_updates");
      it != info.end() && it->is_array()) {
    for (const auto& u : *it) {
      if (u.is_string()) response->add_allowed_updates(u.get<std::string>());
    }
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::SetWebhook(grpc::ServerContext* context,
                                      const SetWebhookRequest* request,
                                      SetWebhookResponse* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  if (request->url().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "url is required (use DeleteWebhook to remove it)");
  }
  if (request->max_connections() < 0 || request->max_connections() > 100) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "max_connections must be 1-100");
  }
  nlohmann::json params = {{"url", request->url()}};
  if (!request->secret_token().empty()) {
    params["secret_token"] = request->secret_token();
  }
  if (request->max_connections() > 0) {
    params["max_connections"] = request->max_connections();
  }
  if (request->allowed_updates_size() > 0) {
    params["allowed_updates"] = std::vector<std::string>(
        request->allowed_updates().begin(), request->allowed_updates().end());
  }
  if (request->drop_pending_updates()) params["drop_pending_updates"] = true;
  nlohmann::json result;
  grpc::Status status = CallBotApi("setWebhook", params, &result);
  if (!status.ok()) return status;
  log::Info("worker", "webhook_set", {{"url", request->url()}});
  response->set_ok(true);
  response->set_description("Webhook was set");
  return grpc::Status::OK;
}

grpc::Status AdminService::DeleteWebhook(grpc::ServerContext* context,
                                         const DeleteWebhookRequest* request,
                                         DeleteWebhookResponse* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  nlohmann::json params = nlohmann::json::object();
  if (request->drop_pending_updates()) params["drop_pending_updates"] = true;
  nlohmann::json result;
  grpc::Status status = CallBotApi("deleteWebhook", params, &result);
  if (!status.ok()) return status;
  log::Info("worker", "webhook_deleted");
  response->set_ok(true);
  response->set_description("Webhook was deleted");
  return grpc::Status::OK;
}

}  // namespace telegate::worker
