#include "worker/endpoint/answer.h"

#include "absl/strings/str_cat.h"

namespace telegate::worker {
namespace {

using Json = nlohmann::ordered_json;

http::Response JsonResponse(int status, const Json& body) {
  http::Response response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

}  // namespace

http::Response TelegramError(int status, std::string_view description) {
  return JsonResponse(status, Json{{"ok", false},
                                   {"error_code", status},
                                   {"description", std::string(description)}});
}

http::Response AnswerFromResult(const ApiResult& result) {
  if (result.http_status == 0) {
    return TelegramError(502,
                         absl::StrCat("Bad Gateway: ", result.description));
  }
  Json body;
  if (result.ok) {
    body = Json{{"ok", true}, {"result", result.result}};
    if (!result.description.empty()) body["description"] = result.description;
    int status = result.http_status < 300 ? result.http_status : 200;
    return JsonResponse(status, body);
  }
  int status = result.http_status >= 400 && result.http_status <= 599
                   ? result.http_status
                   : 502;
  body =
      Json{{"ok", false},
           {"error_code", result.error_code != 0 ? result.error_code : status},
           {"description", result.description}};
  Json parameters = Json::object();
  if (result.retry_after > 0) parameters["retry_after"] = result.retry_after;
  if (result.migrate_to_chat_id != 0) {
    parameters["migrate_to_chat_id"] = result.migrate_to_chat_id;
  }
  if (!parameters.empty()) body["parameters"] = parameters;
  return JsonResponse(status, body);
}

http::Response FileAnswer(const http::HttpResponse& response) {
  if (!response.status.ok() || response.code == 0) {
    return TelegramError(
        502,
        absl::StrCat("Bad Gateway: ", std::string(response.status.message())));
  }
  http::Response out;
  out.status = response.code;
  out.body = response.body;
  const std::string* type = response.Header("content-type");
  out.content_type = type != nullptr ? *type : "application/octet-stream";
  return out;
}

Json WebhookInfoJson(const WebhookView& info) {
  Json out = {{"url", info.url},
              {"has_custom_certificate", info.has_custom_certificate},
              {"pending_update_count", info.pending_update_count}};
  if (!info.ip_address.empty()) out["ip_address"] = info.ip_address;
  if (info.last_error_date != 0) {
    out["last_error_date"] = info.last_error_date;
    out["last_error_message"] = info.last_error_message;
  }
  if (info.last_synchronization_error_date != 0) {
    out["last_synchronization_error_date"] =
        info.last_synchronization_error_date;
  }
  if (info.max_connections != 0) out["max_connections"] = info.max_connections;
  if (!info.allowed_updates.empty()) {
    out["allowed_updates"] = info.allowed_updates;
  }
  return out;
}

http::Response InterceptedAnswer(Interception interception,
                                 std::string_view method,
                                 const WebhookView& info) {
  switch (interception) {
    case Interception::kWebhookNoop:
      return JsonResponse(
          200, Json{{"ok", true},
                    {"result", true},
                    {"description",
                     absl::StrCat(std::string(method),
                                  " ignored: telegate delivers this bot's "
                                  "updates and owns its webhook")}});
    case Interception::kWebhookInfo:
      return JsonResponse(
          200, Json{{"ok", true}, {"result", WebhookInfoJson(info)}});
    case Interception::kGetUpdatesConflict:
      return TelegramError(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use "
          "deleteWebhook to delete the webhook first");
    case Interception::kRefused:
      return TelegramError(
          400, absl::StrCat("Bad Request: ", std::string(method),
                            " is refused by telegate: it would take the bot "
                            "away from the gateway that runs it"));
    case Interception::kForward:
      break;
  }
  return TelegramError(500, "Internal Server Error: method is not intercepted");
}

}  // namespace telegate::worker
