// Turns the parameters of one Bot API HTTP request (query string, urlencoded
// form, multipart fields, JSON body) into a single JSON object, the way
// Telegram accepts them. Independent of the HTTP library; pure functions.
#ifndef TELEGATE_EMULATOR_PARAMS_H_
#define TELEGATE_EMULATOR_PARAMS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace telegate::emulator {

struct MultipartField {
  std::string name;
  std::string content;
  std::string filename;  // non-empty for file parts
  std::string content_type;
};

struct HttpParams {
  std::string query;         // raw query string, without '?'
  std::string content_type;  // the Content-Type header
  std::string body;          // read as form or JSON according to the type
  std::vector<MultipartField> multipart;
};

// Later sources win: query < form < multipart < JSON body. Form and query
// values stay strings, except fields that carry JSON in Telegram's API
// (reply_markup, allowed_updates, entities, ...) which are parsed when
// valid. File parts become {"filename","content_type","size"}.
// kInvalidArgument when a JSON body is malformed, not an object, or nested
// deeper than telegate::kMaxJsonDepth.
absl::StatusOr<nlohmann::json> ParamsToJson(const HttpParams& in);

// The parts of a multipart/form-data body (RFC 7578) whose Content-Type
// header is `content_type` (it carries the boundary). kInvalidArgument when
// there is no boundary or the body is not made of such parts.
absl::StatusOr<std::vector<MultipartField>> ParseMultipart(
    const std::string& content_type, std::string_view body);

// Parses a JSON object body with the same depth guard.
absl::StatusOr<nlohmann::json> ParseJsonObject(const std::string& body);

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_PARAMS_H_
