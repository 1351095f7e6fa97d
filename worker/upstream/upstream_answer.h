// What an upstream bot's answer to one posted update means (the bot is the
// user's own webhook handler at TELEGATE_UPSTREAM_URL, called exactly as
// Telegram would call it). Pure: no I/O, no clock. Thread-safe.
//
//   2xx                 handled; a body holding one Bot API call in
//                       Telegram's webhook-reply form ({"method":..,...})
//                       is that call, anything else (empty, not JSON, no
//                       "method") means no call
//   408, 429, 5xx, no answer (refused, reset, timeout)
//                       retry later, honouring Retry-After
//   400, 422 (and other 4xx but the three below)
//                       the bot refused this update: a failed delivery
//   401, 403, 404, 3xx  misconfiguration (secret, path, redirect): every
//                       chat waits, nothing is dropped
#ifndef TELEGATE_WORKER_UPSTREAM_UPSTREAM_ANSWER_H_
#define TELEGATE_WORKER_UPSTREAM_UPSTREAM_ANSWER_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "http/http_client.h"
#include "worker/bot_handler.h"

namespace telegate::worker {

enum class UpstreamVerdict { kHandled, kRetry, kRefused, kMisconfigured };

struct UpstreamAnswer {
  UpstreamVerdict verdict = UpstreamVerdict::kRetry;
  std::vector<BotAction> actions;  // kHandled: the webhook reply, if any
  // kRetry: the bot's Retry-After (delta seconds); zero when absent.
  absl::Duration retry_after = absl::ZeroDuration();
  // One line for logs, /health and failed deliveries; names the status or
  // the transport failure, never the URL's path or query.
  std::string reason;
};

UpstreamAnswer ReadUpstreamAnswer(const http::HttpResponse& response);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_UPSTREAM_UPSTREAM_ANSWER_H_
