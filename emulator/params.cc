#include "emulator/params.h"

#include <algorithm>
#include <array>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/absl_strings.h"
#include "common/telegram_update.h"
#include "http/server/query.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 11> kJsonFields = {
    "allowed_updates",
    "reply_markup",
    "entities",
    "caption_entities",
    "reply_parameters",
    "link_preview_options",
    "media",
    "results",
    "commands",
    "scope",
    "options"};

bool IsJsonField(std::string_view key) {
  return std::find(kJsonFields.begin(), kJsonFields.end(), key) !=
         kJsonFields.end();
}

// Depth of the deepest container, scanning structure outside strings; keeps
// absurd nesting away from the recursive dump that recording does later.
int MaxDepth(std::string_view body) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

void PutText(json& out, const std::string& key, const std::string& value) {
  if (IsJsonField(key) && MaxDepth(value) <= kMaxJsonDepth) {
    json parsed = json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded() && parsed.is_structured()) {
      out[key] = std::move(parsed);
      return;
    }
  }
  out[key] = value;
}

// A repeated name keeps its last value; pairs without a name are ignored.
void PutUrlEncoded(json& out, std::string_view text) {
  for (const auto& [key, value] : http::ParseUrlEncoded(text)) {
    if (!key.empty()) PutText(out, key, value);
  }
}

std::string MediaType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
}

// The value of `param` ("name", "filename") in a Content-Disposition value;
// quoted or bare.
std::string DispositionParam(absl::string_view value, absl::string_view param) {
  for (absl::string_view item : absl::StrSplit(value, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (!absl::ConsumePrefix(&item, param) || !absl::ConsumePrefix(&item, "=")) {
      continue;
    }
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    }
    return std::string(item);
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<MultipartField>> ParseMultipart(
    const std::string& content_type, std::string_view body) {
  // The parameter's name is case-insensitive, its value is not.
  std::string boundary;
  if (size_t at = absl::AsciiStrToLower(content_type).find("boundary=");
      at != std::string::npos) {
    absl::string_view value = ToAbsl(content_type).substr(at + 9);
    value = absl::StripAsciiWhitespace(value.substr(0, value.find(';')));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    boundary = std::string(value);
  }
  if (boundary.empty()) {
    return absl::InvalidArgumentError("multipart body without a boundary");
  }
  const std::string delimiter = "--" + boundary;
  const std::string next_delimiter = "\r\n" + delimiter;
  std::vector<MultipartField> out;
  size_t pos = body.find(delimiter);
  while (pos != std::string_view::npos) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return out;  // the closing delimiter
    if (body.substr(pos, 2) != "\r\n") break;
    pos += 2;
    const size_t head_end = body.find("\r\n\r\n", pos);
    const size_t next = body.find(next_delimiter, pos);
    if (head_end == std::string_view::npos || next == std::string_view::npos ||
        head_end > next) {
      break;
    }
    MultipartField field;
    for (absl::string_view line :
         absl::StrSplit(ToAbsl(body.substr(pos, head_end - pos)), "\r\n")) {
      size_t colon = line.find(':');
      if (colon == absl::string_view::npos) continue;
      absl::string_view name = absl::StripAsciiWhitespace(line.substr(0, colon));
      absl::string_view value =
          absl::StripAsciiWhitespace(line.substr(colon + 1));
      if (absl::EqualsIgnoreCase(name, "Content-Disposition")) {
        field.name = DispositionParam(value, "name");
        field.filename = DispositionParam(value, "filename");
      } else if (absl::EqualsIgnoreCase(name, "Content-Type")) {
        field.content_type = std::string(value);
      }
    }
    field.content = std::string(body.substr(head_end + 4, next - head_end - 4));
    if (!field.name.empty()) out.push_back(std::move(field));
    pos = next + 2;
  }
  return absl::InvalidArgumentError("malformed multipart body");
}

absl::StatusOr<json> ParseJsonObject(const std::string& body) {
  if (MaxDepth(body) > kMaxJsonDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON nesting deeper than ", kMaxJsonDepth));
  }
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError("body is not valid JSON");
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError("body must be a JSON object");
  }
  return doc;
}

absl::StatusOr<json> ParamsToJson(const HttpParams& in) {
  json out = json::object();
  if (!in.query.empty()) PutUrlEncoded(out, in.query);
  std::string type = MediaType(in.content_type);
  if (type == "application/x-www-form-urlencoded") {
    PutUrlEncoded(out, in.body);
  }
  for (const MultipartField& field : in.multipart) {
    if (field.filename.empty()) {
      PutText(out, field.name, field.content);
    } else {
      out[field.name] = {{"filename", field.filename},
                         {"content_type", field.content_type},
                         {"size", field.content.size()}};
    }
  }
  if (type == "application/json" &&
      !absl::StripAsciiWhitespace(in.body).empty()) {
    absl::StatusOr<json> doc = ParseJsonObject(in.body);
    if (!doc.ok()) return doc.status();
    for (auto it = doc->begin(); it != doc->end(); ++it) {
      out[it.key()] = std::move(it.value());
    }
  }
  return out;
}

}  // namespace telegate::emulator
