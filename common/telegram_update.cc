#include "common/telegram_update.h"

#include <array>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace telegate {
namespace {

// Returns the depth of the deepest container, scanning only structure
// characters outside strings. Cheap guard before the recursive parser.
int MaxDepth(std::string_view body) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') max_depth = std::max(max_depth, ++depth);
    else if (c == '}' || c == ']') --depth;
  }
  return max_depth;
}

bool IntegerAt(const nlohmann::json& obj, const char* key, int64_t* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (it->is_number_integer()) {
    *out = it->get<int64_t>();
    return true;
  }
  return false;
}

constexpr std::array<const char*, 14> kChatFields = {
    "message",           "edited_message",         "channel_post",
    "edited_channel_post", "business_message",     "edited_business_message",
    "message_reaction",  "message_reaction_count", "my_chat_member",
    "chat_member",       "chat_join_request",      "chat_boost",
    "removed_chat_boost", "deleted_business_messages"};

constexpr std::array<const char*, 6> kUserFields = {
    "callback_query",     "inline_query",       "chosen_inline_result",
    "shipping_query",     "pre_checkout_query", "purchased_paid_media"};

}  // namespace

absl::StatusOr<ParsedUpdate> ParseUpdate(std::string_view body) {
  if (MaxDepth(body) > kMaxJsonDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON nesting deeper than ", kMaxJsonDepth));
  }
  ParsedUpdate out;
  out.json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (out.json.is_discarded()) {
    return absl::InvalidArgumentError("body is not valid JSON");
  }
  if (!out.json.is_object()) {
    return absl::InvalidArgumentError("update must be a JSON object");
  }
  auto it = out.json.find("update_id");
  if (it == out.json.end()) {
    return absl::InvalidArgumentError("update_id is missing");
  }
  if (it->is_number_unsigned()) {
    if (it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return absl::InvalidArgumentError("update_id is out of range");
    }
  } else if (!it->is_number_integer()) {
    return absl::InvalidArgumentError("update_id must be an integer");
  }
  out.update_id = it->get<int64_t>();
  if (out.update_id < 0) {
    return absl::InvalidArgumentError("update_id must not be negative");
  }
  out.chat_key = ChatKeyOf(out.json, out.update_id);
  return out;
}

std::string ChatKeyOf(const nlohmann::json& update, int64_t update_id) {
  int64_t id = 0;
  for (const char* field : kChatFields) {
    auto it = update.find(field);
    if (it == update.end() || !it->is_object()) continue;
    auto chat = it->find("chat");
    if (chat != it->end() && chat->is_object() && IntegerAt(*chat, "id", &id)) {
      return absl::StrCat("c:", id);
    }
  }
  for (const char* field : kUserFields) {
    auto it = update.find(field);
    if (it == update.end() || !it->is_object()) continue;
    auto from = it->find("from");
    if (from != it->end() && from->is_object() && IntegerAt(*from, "id", &id)) {
      return absl::StrCat("u:", id);
    }
  }
  for (const char* field : {"poll_answer", "business_connection"}) {
    auto it = update.find(field);
    if (it == update.end() || !it->is_object()) continue;
    auto user = it->find("user");
    if (user != it->end() && user->is_object() && IntegerAt(*user, "id", &id)) {
      return absl::StrCat("u:", id);
    }
  }
  return absl::StrCat("x:", update_id);
}

}  // namespace telegate
