#include "emulator/telegram_objects.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace telegate::emulator {

using nlohmann::json;

json OkBody(json result, std::string_view description) {
  json body = {{"ok", true}, {"result", std::move(result)}};
  if (!description.empty()) body["description"] = description;
  return body;
}

json ErrorBody(int code, std::string_view description, const json& parameters) {
  json body = {
      {"ok", false}, {"error_code", code}, {"description", description}};
  if (parameters.is_object() && !parameters.empty()) {
    body["parameters"] = parameters;
  }
  return body;
}

json BotUserObject(int64_t bot_id) {
  return {{"id", bot_id},
          {"is_bot", true},
          {"first_name", "Telegate Emulator"},
          {"username", "telegate_emulator_bot"},
          {"can_join_groups", true},
          {"can_read_all_group_messages", false},
          {"supports_inline_queries", false},
          {"can_connect_to_business", false},
          {"has_main_web_app", false}};
}

json UserObject(int64_t user_id) {
  return {{"id", user_id},
          {"is_bot", false},
          {"first_name", absl::StrCat("User ", user_id)},
          {"username", absl::StrCat("user", user_id)},
          {"language_code", "en"}};
}

json ChatObject(int64_t chat_id) {
  if (chat_id > 0) {
    return {{"id", chat_id},
            {"type", "private"},
            {"first_name", absl::StrCat("User ", chat_id)},
            {"username", absl::StrCat("user", chat_id)}};
  }
  return {{"id", chat_id},
          {"type", "supergroup"},
          {"title", absl::StrCat("Group ", chat_id)}};
}

json CommandEntities(std::string_view text) {
  if (text.size() < 2 || text.front() != '/') return nullptr;
  size_t end = text.find_first_of(" \n\t");
  std::string_view command = text.substr(0, end);
  return json::array({{{"offset", 0},
                       {"length", Utf16Length(command)},
                       {"type", "bot_command"}}});
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // every byte that is not a continuation
  }
  return n;
}

size_t Utf16Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) n += (c >= 0xF0) ? 2 : 1;  // 4-byte: surrogates
  }
  return n;
}

std::optional<int64_t> IntParam(const json& params, std::string_view key) {
  if (!params.is_object()) return std::nullopt;
  auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  int64_t value = 0;
  if (it->is_string() &&
      absl::SimpleAtoi(it->get_ref<const std::string&>(), &value)) {
    return value;
  }
  return std::nullopt;
}

std::optional<std::string> StringParam(const json& params,
                                       std::string_view key) {
  if (!params.is_object()) return std::nullopt;
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number() || it->is_boolean()) return it->dump();
  return std::nullopt;
}

std::optional<bool> BoolParam(const json& params, std::string_view key) {
  if (!params.is_object()) return std::nullopt;
  auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number_integer()) return it->get<int64_t>() != 0;
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
  }
  return std::nullopt;
}

}  // namespace telegate::emulator
