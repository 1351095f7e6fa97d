// The worker's Bot API endpoint: an HTTP server that users' bots
// (python-telegram-bot, aiogram, grammY...) use as their Bot API base URL.
// POST|GET /bot<token>/<method> is forwarded through a BotApiCaller (JSON,
// form and query parameters as JSON; multipart/form-data passed through),
// GET /file/bot<token>/<path> fetches a file; answers are Telegram's JSON
// as the Bot API gave it. Calls of one chat_id run one at a time in arrival
// order; a 429 with retry_after (and a 5xx or network failure, with
// backoff) is waited out and retried inside the endpoint up to max_wait; a
// caller that leaves before its call was sent is dropped. setWebhook,
// deleteWebhook, getWebhookInfo, getUpdates, logOut and close are answered
// by the endpoint itself. The token is checked in constant time and never
// logged.
//
// Thread-safety: Start and Stop from one owning thread. Requests are
// handled on the listener's io threads and the endpoint's own event loop;
// no thread waits on the network. Lifetime: the caller and options.stats
// must outlive the endpoint; no callback (webhook_info, the caller's
// methods) is made after Stop (or the destructor) returns; a BotApiCaller
// `done` that runs later is ignored.
#ifndef TELEGATE_WORKER_ENDPOINT_BOT_API_ENDPOINT_H_
#define TELEGATE_WORKER_ENDPOINT_BOT_API_ENDPOINT_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/retry_policy.h"
#include "worker/endpoint/answer.h"
#include "worker/endpoint/bot_api_caller.h"
#include "worker/endpoint/endpoint_stats.h"

namespace telegate::worker {

struct BotApiEndpointOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (Start returns it)
  int io_threads = 1;
  std::string token;  // the worker's bot token; required
  // Longest a call is held for retries (429 waits, backoff) before its
  // last result goes back (TELEGATE_BOT_API_MAX_WAIT_MS).
  absl::Duration max_wait = absl::Milliseconds(30000);
  size_t max_body_bytes = size_t{50} << 20;  // larger: 413
  RetryPolicy retry;  // backoff for 5xx and network failures
  // telegate's view for getWebhookInfo; runs on an io thread, must be
  // thread-safe and not block. Unset: an empty WebhookView.
  std::function<WebhookView()> webhook_info;
  // Requests still being answered when Stop is called get this long.
  absl::Duration stop_grace = absl::Seconds(1);
  BotApiEndpointStats* stats = nullptr;  // optional
  std::string log_component = "bot_api_endpoint";
};

class BotApiEndpoint {
 public:
  BotApiEndpoint(BotApiEndpointOptions options, BotApiCaller* caller);
  ~BotApiEndpoint();  // Stop()
  BotApiEndpoint(const BotApiEndpoint&) = delete;
  BotApiEndpoint& operator=(const BotApiEndpoint&) = delete;

  // Binds and serves; returns the bound port. Errors: empty token, bad
  // options, bind failure.
  absl::StatusOr<int> Start();
  // Stops serving (requests in progress get options.stop_grace), then
  // drops what is still queued or waiting. Idempotent.
  void Stop();

  // The counters (options.stats or the endpoint's own).
  const BotApiEndpointStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ENDPOINT_BOT_API_ENDPOINT_H_
