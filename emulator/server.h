// EmulatorServer: the HTTP adapter of the emulator. Serves the Telegram Bot
// API (/bot<token>/<method>) from BotApi and the test control API
// (/_emulator/...) from ControlApi, on a background httplib thread pool.
// Lifetime: Start once, Stop (idempotent, also run by the destructor) joins
// every thread; no handler runs after Stop returns. `api` must outlive it.
#ifndef TELEGATE_EMULATOR_SERVER_H_
#define TELEGATE_EMULATOR_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "emulator/bot_api.h"
#include "emulator/control_api.h"
#include "emulator/webhook_sender.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace telegate::emulator {

struct ServerOptions {
  int threads = 64;  // one per open connection (keep-alive holds a thread)
  size_t payload_max_bytes = 10 << 20;
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
  absl::Duration keep_alive_timeout = absl::Seconds(5);
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
  // Stops accepting, wakes delayed answers, joins. Safe to call twice.
  void Stop();

 private:
  void RegisterRoutes();
  void HandleBotApi(const httplib::Request& req, httplib::Response& res);

  BotApi* const api_;
  const ServerOptions options_;
  WebhookSender sender_;
  ControlApi control_;
  std::unique_ptr<httplib::Server> server_;
  absl::Notification stopping_;     // wakes answers delayed by faults
  absl::Notification listen_done_;  // set when the listen loop returned

  absl::Mutex lifecycle_mu_;
  bool started_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_SERVER_H_
