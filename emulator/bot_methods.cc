// The Bot API methods BotApi implements; dispatch lives in bot_api.cc.
#include <array>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/secret_token.h"
#include "common/absl_strings.h"
#include "emulator/bot_api.h"
#include "emulator/telegram_objects.h"
#include "emulator/url.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr size_t kMaxTextLength = 4096;

Response Reject(std::string_view what) {
  return {400, ErrorBody(400, absl::StrCat("Bad Request: ", ToAbsl(what)))};
}

// The text's entities and an inline keyboard, as the call gave them.
void CopyFormatting(const json& params, json* message) {
  if (auto e = params.find("entities"); e != params.end() && e->is_array()) {
    (*message)["entities"] = *e;
  }
  if (auto m = params.find("reply_markup");
      m != params.end() && m->is_object() && m->contains("inline_keyboard")) {
    (*message)["reply_markup"] = *m;
  }
}

}  // namespace

BotApi::Handler BotApi::FindHandler(std::string_view method,
                                    std::string* canonical) {
  static constexpr std::array<std::pair<std::string_view, Handler>, 8>
      kMethods = {{{"getMe", &BotApi::GetMe},
                   {"getUpdates", &BotApi::GetUpdates},
                   {"sendMessage", &BotApi::SendMessage},
                   {"editMessageText", &BotApi::EditMessageText},
                   {"answerCallbackQuery", &BotApi::AnswerCallbackQuery},
                   {"setWebhook", &BotApi::SetWebhook},
                   {"getWebhookInfo", &BotApi::GetWebhookInfo},
                   {"deleteWebhook", &BotApi::DeleteWebhook}}};
  for (const auto& [name, handler] : kMethods) {
    if (absl::EqualsIgnoreCase(ToAbsl(name), ToAbsl(method))) {
      *canonical = std::string(name);
      return handler;
    }
  }
  return nullptr;
}

Response BotApi::GetMe(const json& /*params*/) {
  return {200, OkBody(BotUserObject(bot_id_))};
}

Response BotApi::SendMessage(const json& params) {
  auto raw = params.find("chat_id");
  if (raw == params.end() || raw->is_null() ||
      (raw->is_string() && raw->get_ref<const std::string&>().empty())) {
    return Reject("chat_id is empty");
  }
  std::optional<int64_t> chat_id = IntParam(params, "chat_id");
  if (!chat_id.has_value() || *chat_id == 0) {
    return Reject("chat not found");
  }
  std::optional<std::string> text = StringParam(params, "text");
  if (!text.has_value() || text->empty()) {
    return Reject("message text is empty");
  }
  if (Utf8Length(*text) > kMaxTextLength) {
    return Reject("message is too long");
  }
  json message = {{"message_id", ++last_message_id_[*chat_id]},
                  {"from", BotUserObject(bot_id_)},
                  {"chat", ChatObject(*chat_id)},
                  {"date", absl::ToUnixSeconds(clock_())},
                  {"text", *text}};
  CopyFormatting(params, &message);
  return {200, OkBody(std::move(message))};
}

// Messages are not stored: a message_id is known when the chat's counter has
// reached it (the bot's messages and the users' share it, as in Telegram).
// Inline messages (inline_message_id) answer true, as Telegram does.
Response BotApi::EditMessageText(const json& params) {
  std::optional<std::string> text = StringParam(params, "text");
  if (!text.has_value() || text->empty()) {
    return Reject("message text is empty");
  }
  if (Utf8Length(*text) > kMaxTextLength) {
    return Reject("MESSAGE_TOO_LONG");
  }
  if (StringParam(params, "inline_message_id").value_or("") != "") {
    return {200, OkBody(true)};
  }
  auto raw = params.find("chat_id");
  if (raw == params.end() || raw->is_null() ||
      (raw->is_string() && raw->get_ref<const std::string&>().empty())) {
    return Reject("chat_id is empty");
  }
  std::optional<int64_t> chat_id = IntParam(params, "chat_id");
  if (!chat_id.has_value() || *chat_id == 0) {
    return Reject("chat not found");
  }
  if (!params.contains("message_id")) {
    return Reject("message identifier is not specified");
  }
  std::optional<int64_t> message_id = IntParam(params, "message_id");
  auto last = last_message_id_.find(*chat_id);
  if (!message_id.has_value() || *message_id <= 0 ||
      last == last_message_id_.end() || *message_id > last->second) {
    return Reject("message to edit not found");
  }
  const int64_t now = absl::ToUnixSeconds(clock_());
  json message = {{"message_id", *message_id},
                  {"from", BotUserObject(bot_id_)},
                  {"chat", ChatObject(*chat_id)},
                  {"date", now},
                  {"edit_date", now},
                  {"text", *text}};
  CopyFormatting(params, &message);
  return {200, OkBody(std::move(message))};
}

Response BotApi::AnswerCallbackQuery(const json& params) {
  std::optional<std::string> id = StringParam(params, "callback_query_id");
  if (!id.has_value() || id->empty()) {
    return Reject("callback_query_id is empty");
  }
  return {200, OkBody(true)};
}

Response BotApi::SetWebhook(const json& params) {
  std::optional<std::string> url = StringParam(params, "url");
  if (!url.has_value()) return Reject("url parameter is required");
  if (url->empty()) return DeleteWebhook(params);
  if (absl::StatusOr<WebhookUrl> parsed = ParseWebhookUrl(*url); !parsed.ok()) {
    return Reject(absl::StrCat("bad webhook: ", parsed.status().message()));
  }
  std::string secret = StringParam(params, "secret_token").value_or("");
  if (!secret.empty() && !IsValidSecretToken(secret)) {
    return Reject("secret token contains unallowed characters");
  }
  int max_connections = 40;
  if (params.contains("max_connections")) {
    std::optional<int64_t> n = IntParam(params, "max_connections");
    if (!n.has_value() || *n < 1 || *n > 100) {
      return Reject("max_connections must be between 1 and 100");
    }
    max_connections = static_cast<int>(*n);
  }
  json allowed = webhook_.allowed_updates;  // kept when not given
  if (auto a = params.find("allowed_updates");
      a != params.end() && !a->is_null()) {
    bool ok = a->is_array();
    for (const json& item : *a) ok = ok && item.is_string();
    if (!ok) return Reject("can't parse allowed updates");
    allowed = *a;
  }
  if (webhook_.url != *url) {
    webhook_.last_error_date = 0;
    webhook_.last_error_message.clear();
  }
  if (BoolParam(params, "drop_pending_updates").value_or(false)) {
    pending_.clear();
  }
  webhook_.url = *url;
  webhook_.secret_token = std::move(secret);
  webhook_.max_connections = max_connections;
  webhook_.allowed_updates = std::move(allowed);
  return {200, OkBody(true, "Webhook was set")};
}

Response BotApi::GetWebhookInfo(const json& /*params*/) {
  json info = {{"url", webhook_.url},
               {"has_custom_certificate", false},
               {"pending_update_count", pending_.size()}};
  if (!webhook_.url.empty()) info["max_connections"] = webhook_.max_connections;
  if (webhook_.allowed_updates.is_array() &&
      !webhook_.allowed_updates.empty()) {
    info["allowed_updates"] = webhook_.allowed_updates;
  }
  if (webhook_.last_error_date != 0) {
    info["last_error_date"] = webhook_.last_error_date;
    info["last_error_message"] = webhook_.last_error_message;
  }
  return {200, OkBody(std::move(info))};
}

Response BotApi::DeleteWebhook(const json& params) {
  if (BoolParam(params, "drop_pending_updates").value_or(false)) {
    pending_.clear();
  }
  webhook_.url.clear();
  webhook_.secret_token.clear();
  return {200, OkBody(true, "Webhook was deleted")};
}

}  // namespace telegate::emulator
