#include "common/telegram_update.h"

#include <array>
#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace telegate {
namespace {

// True when containers nest deeper than `limit`, counting only structure
// characters outside strings; stops at the first level too deep. Exact for
// every body nlohmann accepts (JSON delimits strings unambiguously); on a
// body it refuses, the parser stops where the two first disagree, before
// building anything deeper. One pass, no recursion, no DOM.
bool NestsDeeperThan(std::string_view body, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// SAX handler that builds nothing and keeps the first parse error; run only
// on bodies the DOM parser refused, to name the reason.
class ErrorRecorder : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& e) override {
    if (message_.empty()) message_ = e.what();
    return false;
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

// The one-line reason for a body nlohmann refused. Never echoes body bytes
// (nlohmann's own message quotes them, possibly as ill-formed UTF-8).
std::string InvalidJsonReason(std::string_view body) {
  ErrorRecorder recorder;
  nlohmann::json::sax_parse(body, &recorder);
  const std::string& m = recorder.message();
  if (m.find("ill-formed UTF-8") != std::string::npos) {
    return "invalid UTF-8 in JSON string";
  }
  if (m.find("surrogate") != std::string::npos) {
    return "unpaired surrogate escape in JSON string";
  }
  if (m.find("number overflow") != std::string::npos) {
    return "JSON number out of range";
  }
  return "body is not valid JSON";
}

// True with *out set when obj[key] is an integer that fits int64_t.
bool IntegerAt(const nlohmann::json& obj, const char* key, int64_t* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (it->is_number_unsigned()) {
    const auto value = it->get<uint64_t>();
    if (value > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(value);
    return true;
  }
  if (it->is_number_integer()) {
    *out = it->get<int64_t>();
    return true;
  }
  return false;
}

// True with *out set when obj[object_key] is an object with an integer "id".
bool IdAt(const nlohmann::json& obj, const char* object_key, int64_t* out) {
  auto it = obj.find(object_key);
  return it != obj.end() && it->is_object() && IntegerAt(*it, "id", out);
}

constexpr std::array<const char*, 14> kChatFields = {
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
    "message_reaction",
    "message_reaction_count",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
    "deleted_business_messages"};

constexpr std::array<const char*, 6> kUserFields = {
    "callback_query", "inline_query",       "chosen_inline_result",
    "shipping_query", "pre_checkout_query", "purchased_paid_media"};

}  // namespace

absl::StatusOr<ParsedUpdate> ParseUpdate(std::string_view body) {
  // Before the DOM exists: a deep DOM is costly to build and to free.
  if (NestsDeeperThan(body, kMaxJsonDepth)) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON nesting deeper than ", kMaxJsonDepth));
  }
  // nlohmann takes a NUL byte for the end of input and would accept a valid
  // prefix followed by anything; JSON text never contains one.
  if (body.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("body is not valid JSON");
  }
  ParsedUpdate out;
  out.json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (out.json.is_discarded()) {
    return absl::InvalidArgumentError(InvalidJsonReason(body));
  }
  if (!out.json.is_object()) {
    return absl::InvalidArgumentError("update must be a JSON object");
  }
  auto it = out.json.find("update_id");
  if (it == out.json.end()) {
    return absl::InvalidArgumentError("update_id is missing");
  }
  if (!it->is_number_integer()) {  // also false for floats like 1e3
    return absl::InvalidArgumentError("update_id must be an integer");
  }
  if (!IntegerAt(out.json, "update_id", &out.update_id)) {
    return absl::InvalidArgumentError("update_id is out of range");
  }
  if (out.update_id <= 0) {
    return absl::InvalidArgumentError("update_id must be positive");
  }
  out.chat_key = ChatKeyOf(out.json, out.update_id);
  return out;
}

std::string ChatKeyOf(const nlohmann::json& update, int64_t update_id) {
  if (!update.is_object()) return absl::StrCat("x:", update_id);
  int64_t id = 0;
  for (const char* field : kChatFields) {
    auto it = update.find(field);
    if (it != update.end() && it->is_object() && IdAt(*it, "chat", &id)) {
      return absl::StrCat("c:", id);
    }
  }
  for (const char* field : kUserFields) {
    auto it = update.find(field);
    if (it != update.end() && it->is_object() && IdAt(*it, "from", &id)) {
      return absl::StrCat("u:", id);
    }
  }
  for (const char* field : {"poll_answer", "business_connection"}) {
    auto it = update.find(field);
    if (it != update.end() && it->is_object() && IdAt(*it, "user", &id)) {
      return absl::StrCat("u:", id);
    }
  }
  // An anonymous poll answer names the chat that voted instead of a user.
  auto answer = update.find("poll_answer");
  if (answer != update.end() && answer->is_object() &&
      IdAt(*answer, "voter_chat", &id)) {
    return absl::StrCat("c:", id);
  }
  return absl::StrCat("x:", update_id);
}

}  // namespace telegate
