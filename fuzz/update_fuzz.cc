// libFuzzer target: arbitrary bytes as a webhook body through ParseUpdate
// and ChatKeyOf (one streaming pass, no DOM). Besides crashes and sanitizer
// reports, it checks that refusals are kInvalidArgument with a one-line
// reason, that ParseUpdate accepts exactly what nlohmann's DOM parser
// accepts (within its own rules), that accepted updates have an update_id
// in [1, 2^53-1] and a well-formed chat key, and that an accepted update
// read back from nlohmann's DOM (repeated keys collapsed, last wins) gives
// the same update_id and chat key.
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
    // ChatKeyOf must take any bytes, not only valid updates.
    TELEGATE_CHECK(WellFormedKey(telegate::ChatKeyOf(body, 1)));
    // Refused as JSON only when a DOM parser refuses it too (NUL bytes and
    // nesting are refused before parsing).
    if (reason == "body is not valid JSON" &&
        body.find('\0') == std::string_view::npos) {
      TELEGATE_CHECK(nlohmann::json::parse(body, nullptr, false).is_discarded());
    }
    return 0;
  }
  TELEGATE_CHECK(update->update_id > 0);
  TELEGATE_CHECK(update->update_id <= telegate::kMaxUpdateId);
  TELEGATE_CHECK(WellFormedKey(update->chat_key));
  TELEGATE_CHECK(update->chat_key ==
                 telegate::ChatKeyOf(body, update->update_id));
  // What we accept, a DOM parser accepts too, and its re-serialisation
  // routes the same: valid UTF-8, bounded depth, finite numbers.
  nlohmann::json dom = nlohmann::json::parse(body, nullptr, false);
  TELEGATE_CHECK(!dom.is_discarded());
  const std::string dumped = dom.dump();
  absl::StatusOr<telegate::ParsedUpdate> again = telegate::ParseUpdate(dumped);
  TELEGATE_CHECK(again.ok());
  TELEGATE_CHECK(again->update_id == update->update_id);
  TELEGATE_CHECK(again->chat_key == update->chat_key);
  return 0;
}
