// EmulatorServer: the HTTP adapter of the emulator. Serves the Telegram Bot
// API (/bot<token>/<method>) from BotApi and the test control API
// (/_emulator/...) from ControlApi on one port through the shared
// http::Listener, event-driven: one io thread for every connection, delayed
// answers (base latency, jitter, faults' delay_ms) wait in a timer heap, not
// on a thread, and are sent from the timer thread through http::Respond.
// Only getUpdates long polls and /_emulator/updates (which posts to the
// webhook) run on a small pool of their own.
// Thread-safety: Start and Stop may be called from any thread (serialised
// inside). Lifetime: Start once, Stop (idempotent, also run by the
// destructor) answers what is delayed, then joins every thread; no handler
// runs after Stop returns. `api` must outlive it.
#ifndef TELEGATE_EMULATOR_SERVER_H_
#define TELEGATE_EMULATOR_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "emulator/bot_api.h"
#include "emulator/control_api.h"
#include "emulator/routes.h"
#include "emulator/webhook_sender.h"
#include "http/server/listener.h"

namespace telegate::emulator {

struct ServerOptions {
  int blocking_threads = 16;  // getUpdates long polls, webhook posts at once
  size_t payload_max_bytes = 10 << 20;  // a request body (uploads); else 413
  // Keep-alive between requests, and the reading of one request's head and
  // of its body.
  absl::Duration idle_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
  int keep_alive_max_requests = 0;  // per connection, then close; 0 = none
  WebhookSenderOptions webhook;
};

class EmulatorServer {
 public:
  explicit EmulatorServer(BotApi* api, ServerOptions options = {});
  ~EmulatorServer();
  EmulatorServer(const EmulatorServer&) = delete;
  EmulatorServer& operator=(const EmulatorServer&) = delete;

  // Binds `host:port` (port 0: any free port), starts serving in the
  // background and returns the bound port. Only once per object.
  absl::StatusOr<int> Start(const std::string& host, int port);
  // Answers delayed calls and long polls at once, stops accepting, joins.
  // Safe to call twice.
  void Stop();

  // Bot API calls received, answered and waiting (also on /_emulator/stats).
  const CallStats& stats() const { return stats_; }

 private:
  const ServerOptions options_;
  WebhookSender sender_;
  CallStats stats_;
  ControlApi control_;
  EmulatorRoutes routes_;

  absl::Mutex lifecycle_mu_;
  bool started_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  std::unique_ptr<http::Listener> http_ ABSL_GUARDED_BY(lifecycle_mu_);
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_SERVER_H_
