#include "worker/upstream/upstream_answer.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/absl_strings.h"
#include "nlohmann/json.hpp"

namespace telegate::worker {
namespace {

// At most 200 bytes of the first line of `body`, for a reason text.
std::string Snippet(const std::string& body) {
  std::string line = body.substr(0, std::min(body.find('\n'), size_t{200}));
  return std::string(StripAsciiWhitespace(line));
}

std::string StatusReason(const http::HttpResponse& r, std::string_view what) {
  std::string reason = absl::StrCat(ToAbsl(what), ": HTTP ", r.code);
  if (std::string s = Snippet(r.body); !s.empty()) {
    absl::StrAppend(&reason, ": ", s);
  }
  return reason;
}

// The webhook reply in a 2xx body, if it is one.
std::vector<BotAction> WebhookReply(const http::HttpResponse& r) {
  if (r.body.empty()) return {};
  nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return {};
  auto method = body.find("method");
  if (method == body.end() || !method->is_string() ||
      method->get<std::string>().empty()) {
    return {};
  }
  BotAction action;
  action.method = method->get<std::string>();
  body.erase("method");
  action.params = std::move(body);
  return {std::move(action)};
}

absl::Duration RetryAfter(const http::HttpResponse& r) {
  const std::string* value = r.Header("retry-after");
  int64_t seconds = 0;
  if (value == nullptr ||
      !absl::SimpleAtoi(ToAbsl(StripAsciiWhitespace(*value)), &seconds) ||
      seconds < 0) {
    return absl::ZeroDuration();  // absent, or an HTTP-date: our backoff
  }
  return absl::Seconds(std::min<int64_t>(seconds, 3600));
}

}  // namespace

UpstreamAnswer ReadUpstreamAnswer(const http::HttpResponse& r) {
  UpstreamAnswer a;
  if (!r.status.ok()) {
    a.verdict = UpstreamVerdict::kRetry;
    a.reason = absl::StrCat("bot unreachable: ", r.status.message());
    return a;
  }
  const int code = r.code;
  if (code >= 200 && code < 300) {
    a.verdict = UpstreamVerdict::kHandled;
    a.actions = WebhookReply(r);
    return a;
  }
  if (code == 408 || code == 429 || code >= 500) {
    a.verdict = UpstreamVerdict::kRetry;
    a.retry_after = RetryAfter(r);
    a.reason = StatusReason(r, "bot failed");
    return a;
  }
  if (code == 401 || code == 403) {
    a.verdict = UpstreamVerdict::kMisconfigured;
    a.reason = StatusReason(
        r, "bot refused telegate (check TELEGATE_UPSTREAM_SECRET)");
    return a;
  }
  if (code == 404 || (code >= 300 && code < 400)) {
    a.verdict = UpstreamVerdict::kMisconfigured;
    a.reason = StatusReason(
        r, code == 404 ? "bot has no webhook there (check "
                         "TELEGATE_UPSTREAM_URL's path)"
                       : "bot redirects (not followed; check "
                         "TELEGATE_UPSTREAM_URL)");
    return a;
  }
  a.verdict = UpstreamVerdict::kRefused;
  a.reason = StatusReason(r, "bot refused the update");
  return a;
}

}  // namespace telegate::worker
