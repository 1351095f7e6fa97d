// libFuzzer target: raw bytes as they arrive on the public webhook socket,
// through ParseRequestBytes (Beast, with the listener's parser setup), then
// the body through ParseUpdate/ChatKeyOf and the X-Forwarded-For header
// through a SourceFilter behind trusted proxies. Checks the documented
// error codes and limits besides crashes and sanitizer reports.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/check.h"
#include "common/ip_network.h"
#include "common/telegram_update.h"
#include "http/server/http_parse.h"
#include "gateway/source_filter.h"

namespace {

using telegate::http::ParseRequestBytes;
using telegate::http::Request;

const telegate::gateway::SourceFilter& Filter() {
  static const auto* filter = [] {
    telegate::gateway::SourceFilterOptions options;
    options.allowed = *telegate::gateway::ParseNetworkList("telegram");
    options.trusted_proxies =
        *telegate::gateway::ParseNetworkList("10.0.0.0/8, ::1, fd00::/8");
    return new telegate::gateway::SourceFilter(std::move(options));
  }();
  return *filter;
}

void CheckOne(std::string_view raw, size_t max_header, size_t max_body) {
  absl::StatusOr<Request> request =
      ParseRequestBytes(raw, max_header, max_body);
  if (!request.ok()) {
    const absl::StatusCode code = request.status().code();
    TELEGATE_CHECK(code == absl::StatusCode::kInvalidArgument ||
                   code == absl::StatusCode::kResourceExhausted ||
                   code == absl::StatusCode::kOutOfRange);
    return;
  }
  TELEGATE_CHECK(!request->method.empty());
  TELEGATE_CHECK(request->body.size() <= max_body);
  TELEGATE_CHECK(request->body.size() <= raw.size());
  for (const auto& [name, value] : request->headers) {
    for (char c : name) TELEGATE_CHECK(!(c >= 'A' && c <= 'Z'));
  }
  absl::StatusOr<telegate::ParsedUpdate> update =
      telegate::ParseUpdate(request->body);
  if (update.ok()) {
    TELEGATE_CHECK(update->update_id > 0);
    TELEGATE_CHECK(!update->chat_key.empty());
  }
  const std::string client =
      Filter().ClientIp("10.0.0.1", request->Header("x-forwarded-for"));
  TELEGATE_CHECK(telegate::ParseIpAddress(client).has_value());
  (void)Filter().Allowed(client);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  // The listener's defaults, then tight limits so the limit paths are hit
  // by inputs under -max_len.
  CheckOne(raw, 16 * 1024, 1 << 20);
  if (size > 256) CheckOne(raw, 256, 512);
  return 0;
}
