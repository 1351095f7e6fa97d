#include "worker/endpoint/params.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "common/absl_strings.h"
#include "http/server/query.h"

namespace telegate::worker {
namespace {

constexpr size_t kMaxChatIdBytes = 256;

// "multipart/form-data; boundary=..." -> lower-case media type.
std::string MediaType(std::string_view content_type) {
  std::string type(
      StripAsciiWhitespace(content_type.substr(0, content_type.find(';'))));
  absl::AsciiStrToLower(&type);
  return type;
}

void AddPairs(std::string_view text, nlohmann::json* out) {
  for (auto& [name, value] : http::ParseUrlEncoded(text)) {
    (*out)[name] = std::move(value);
  }
}

std::string Boundary(std::string_view content_type) {
  std::string lower(content_type);
  absl::AsciiStrToLower(&lower);
  size_t at = lower.find("boundary=");
  if (at == std::string::npos) return "";
  std::string_view value = content_type.substr(at + 9);
  if (!value.empty() && value.front() == '"') {
    value.remove_prefix(1);
    return std::string(value.substr(0, value.find('"')));
  }
  return std::string(StripAsciiWhitespace(value.substr(0, value.find(';'))));
}

// A part head naming `name` without a filename (a plain text field).
bool IsPlainField(std::string_view head, std::string_view name) {
  std::string lower(head);
  absl::AsciiStrToLower(&lower);
  if (lower.find("filename") != std::string::npos) return false;
  std::string quoted = "name=\"" + std::string(name) + "\"";
  std::string bare = "name=" + std::string(name);
  for (const std::string& needle : {quoted, bare}) {
    size_t at = lower.find(needle);
    if (at == std::string::npos || at == 0) continue;
    char before = lower[at - 1];
    size_t after = at + needle.size();
    bool ends = after == lower.size() || lower[after] == ';' ||
                lower[after] == '\r' || lower[after] == ' ';
    if ((before == ';' || before == ' ') && ends) return true;
  }
  return false;
}

}  // namespace

std::string ChatKey(const nlohmann::json& chat_id) {
  if (chat_id.is_number_integer()) {
    return std::to_string(chat_id.get<int64_t>());
  }
  if (!chat_id.is_string()) return "";
  std::string text(StripAsciiWhitespace(chat_id.get_ref<const std::string&>()));
  if (text.empty() || text.size() > kMaxChatIdBytes) return "";
  int64_t number = 0;
  if (absl::SimpleAtoi(ToAbsl(text), &number)) return std::to_string(number);
  absl::AsciiStrToLower(&text);
  return text;
}

std::string MultipartField(std::string_view content_type, std::string_view body,
                           std::string_view name) {
  std::string boundary = Boundary(content_type);
  if (boundary.empty()) return "";
  const std::string delimiter = "--" + boundary;
  const std::string separator = "\r\n" + delimiter;
  size_t pos = body.find(delimiter);
  while (pos != std::string_view::npos) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return "";  // the closing delimiter
    size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) return "";
    std::string_view head = body.substr(pos, head_end - pos);
    size_t content = head_end + 4;
    size_t next = body.find(separator, content);
    if (next == std::string_view::npos) return "";
    if (IsPlainField(head, name)) {
      return std::string(body.substr(content, next - content));
    }
    pos = next + 2;
  }
  return "";
}

absl::StatusOr<CallParams> ParseCallParams(std::string_view content_type,
                                           std::string body,
                                           std::string_view query) {
  CallParams params;
  std::string type = MediaType(content_type);
  if (type == "multipart/form-data") {
    params.raw = true;
    params.chat_key = ChatKey(MultipartField(content_type, body, "chat_id"));
    params.content_type = std::string(content_type);
    params.body = std::move(body);
    return params;
  }
  AddPairs(query, &params.json);
  bool json = type == "application/json" ||
              (type != "application/x-www-form-urlencoded" &&
               StripAsciiWhitespace(body).substr(0, 1) == "{");
  if (json && !StripAsciiWhitespace(body).empty()) {
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
      return absl::InvalidArgumentError("malformed JSON body");
    }
    if (!parsed.is_object()) {
      return absl::InvalidArgumentError("JSON body is not an object");
    }
    for (auto& [name, value] : parsed.items()) params.json[name] = value;
  } else if (!json) {
    AddPairs(body, &params.json);
  }
  if (params.json.contains("chat_id")) {
    params.chat_key = ChatKey(params.json["chat_id"]);
  }
  return params;
}

}  // namespace telegate::worker
