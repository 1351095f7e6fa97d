// The parameters of one Bot API call as the endpoint receives them (JSON
// body, application/x-www-form-urlencoded body, query string, or
// multipart/form-data passed through unparsed) and the chat they belong to,
// which orders calls per chat. Pure functions; thread-safe.
#ifndef TELEGATE_WORKER_ENDPOINT_PARAMS_H_
#define TELEGATE_WORKER_ENDPOINT_PARAMS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace telegate::worker {

struct CallParams {
  // Multipart: `content_type` and `body` exactly as received (CallRaw).
  // Otherwise `json` holds the parameters (CallJson).
  bool raw = false;
  nlohmann::json json = nlohmann::json::object();
  std::string content_type;
  std::string body;
  // ChatKey of the call's chat_id; empty when it has none.
  std::string chat_key;
};

// Query parameters first, then the body's (which win on a repeated name).
// Form and query values stay strings, as Telegram accepts them. A body with
// no or an unknown content type is read as JSON when it starts with '{',
// else as a form. Errors: kInvalidArgument "malformed JSON body" or "JSON
// body is not an object".
absl::StatusOr<CallParams> ParseCallParams(std::string_view content_type,
                                           std::string body,
                                           std::string_view query);

// The ordering key of a chat_id: an integer (JSON number or decimal string)
// as its decimal text, a "@channel" name lower-cased; "" for anything else.
std::string ChatKey(const nlohmann::json& chat_id);

// The value of the plain-text (no filename) part named `name` of a
// multipart/form-data body; "" when absent or unreadable.
std::string MultipartField(std::string_view content_type, std::string_view body,
                           std::string_view name);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ENDPOINT_PARAMS_H_
