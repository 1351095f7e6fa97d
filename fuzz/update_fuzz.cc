// libFuzzer target: arbitrary bytes as a webhook body through ParseUpdate
// and ChatKeyOf. Besides crashes and sanitizer reports, it checks that
// refusals are kInvalidArgument with a one-line reason, that accepted
// updates have a positive update_id and a well-formed chat key, and that an
// accepted update survives a dump/parse round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/check.h"
#include "common/telegram_update.h"
#include "nlohmann/json.hpp"

namespace {

bool WellFormedKey(const std::string& key) {
  return key.size() > 2 && (key.rfind("c:", 0) == 0 ||
                            key.rfind("u:", 0) == 0 || key.rfind("x:", 0) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<telegate::ParsedUpdate> update = telegate::ParseUpdate(body);
  if (!update.ok()) {
    TELEGATE_CHECK(update.status().code() ==
                   absl::StatusCode::kInvalidArgument);
    const std::string reason(update.status().message());
    TELEGATE_CHECK(!reason.empty() && reason.size() < 100);
    TELEGATE_CHECK(reason.find('\n') == std::string::npos);
    // ChatKeyOf must take any JSON value, not only valid updates.
    if (reason.find("nesting") == std::string::npos) {
      nlohmann::json any = nlohmann::json::parse(body, nullptr, false);
      if (!any.is_discarded()) {
        TELEGATE_CHECK(WellFormedKey(telegate::ChatKeyOf(any, 1)));
      }
    }
    return 0;
  }
  TELEGATE_CHECK(update->update_id > 0);
  TELEGATE_CHECK(WellFormedKey(update->chat_key));
  TELEGATE_CHECK(update->chat_key ==
                 telegate::ChatKeyOf(update->json, update->update_id));
  // What we accept we can write back (the worker and the panel do), and it
  // reads back the same: valid UTF-8, bounded depth, finite numbers.
  const std::string dumped = update->json.dump();
  absl::StatusOr<telegate::ParsedUpdate> again = telegate::ParseUpdate(dumped);
  TELEGATE_CHECK(again.ok());
  TELEGATE_CHECK(again->update_id == update->update_id);
  TELEGATE_CHECK(again->chat_key == update->chat_key);
  TELEGATE_CHECK(again->json == update->json);
  return 0;
}
