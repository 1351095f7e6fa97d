// Counters of the worker's Bot API endpoint, for /metrics and the panel.
// Plain atomics: written by the endpoint, read from any thread.
#ifndef TELEGATE_WORKER_ENDPOINT_ENDPOINT_STATS_H_
#define TELEGATE_WORKER_ENDPOINT_ENDPOINT_STATS_H_

#include <atomic>
#include <cstdint>

namespace telegate::worker {

struct BotApiEndpointStats {
  std::atomic<int64_t> calls{0};  // method calls to forward (authorized)
  // How forwarded calls were answered.
  std::atomic<int64_t> answered_ok{0};
  std::atomic<int64_t> answered_error{0};       // Telegram's error passed back
  std::atomic<int64_t> answered_network{0};     // 502: no answer from the API
  std::atomic<int64_t> bad_requests{0};         // 400: unreadable parameters
  std::atomic<int64_t> retries{0};              // attempts after the first
  std::atomic<int64_t> flood_waits{0};          // 429 retry_after waits
  std::atomic<int64_t> intercepted{0};          // answered by the endpoint
  std::atomic<int64_t> files{0};                // /file/ downloads
  std::atomic<int64_t> unauthorized{0};         // 401: wrong token
  std::atomic<int64_t> not_found{0};            // 404: unknown route
  std::atomic<int64_t> dropped_caller_left{0};  // never sent: caller left
  std::atomic<int64_t> in_flight{0};  // gauge: received, not yet answered
  std::atomic<int64_t> queued{0};     // gauge: waiting behind their chat
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ENDPOINT_ENDPOINT_STATS_H_
