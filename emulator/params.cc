#include "emulator/params.h"

#include <httplib.h>

#include <algorithm>
#include <array>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/telegram_update.h"

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

void PutUrlEncoded(json& out, const std::string& text) {
  httplib::Params pairs;
  httplib::detail::parse_query_text(text, pairs);
  for (const auto& [key, value] : pairs) PutText(out, key, value);
}

std::string MediaType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
}

}  // namespace

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
