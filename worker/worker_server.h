// WorkerServer: wires the worker together — Journal, BotRuntime, Intake,
// ChatScheduler, UpdateProcessor, the Updates and Admin gRPC services,
// reflection and grpc.health.v1 — on one gRPC listener. Start once,
// Shutdown once (also from the destructor).
#ifndef TELEGATE_WORKER_WORKER_SERVER_H_
#define TELEGATE_WORKER_WORKER_SERVER_H_

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "common/metrics.h"
#include "common/async_bot_api.h"
#include "worker/endpoint/bot_api_endpoint.h"
#include "worker/upstream/upstream_health.h"
#include "worker/bot_handler.h"
#include "worker/clock.h"
#include "worker/config.h"
#include "worker/journal.h"

namespace grpc {
class Server;
}

namespace telegate::worker {

class AdminService;
class BearerAuth;
class MetricsServer;
class BotRuntime;
class ChatScheduler;
class Intake;
class UpdateProcessor;
class UpdatesService;
struct WorkerStats;

class WorkerServer {
 public:
  // `journal` may be null: Start() then opens the SQLite journal in
  // config.data_dir. `clock` is the one clock every part reads.
  WorkerServer(WorkerConfig config,
               std::unique_ptr<AsyncBotApiClientFactory> client_factory,
               std::unique_ptr<BotHandler> handler,
               std::unique_ptr<Journal> journal = nullptr,
               Clock clock = RealClock());
  ~WorkerServer();

  // Opens the journal, checks the bot (getMe; a failure is logged and
  // reported as unhealthy, not fatal), replays unfinished updates, starts
  // the processing loops and the gRPC server. Returns the bound port.
  absl::StatusOr<int> Start();

  // The bound port of the HTTP admin listener (/metrics), 0 if none.
  int admin_port() const { return admin_port_; }
  // The Bot API endpoint's port; 0 when it is off.
  int bot_api_port() const { return bot_api_port_; }

  // Refuses new updates, lets queued ones finish within the configured
  // grace (the rest stay journaled for the next start), stops gRPC.
  // Idempotent.
  void Shutdown();
  absl::StatusOr<int> StartEndpoint();

 private:
  // TELEGATE_WORKER_ID, else <hostname>:<gRPC port> (pid<pid> for port 0).
  std::string WorkerId() const;

  const WorkerConfig config_;
  const Clock clock_;
  std::unique_ptr<AsyncBotApiClientFactory> client_factory_;
  std::unique_ptr<BotHandler> handler_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<WorkerStats> stats_;
  std::unique_ptr<BotRuntime> runtime_;
  std::unique_ptr<ChatScheduler> scheduler_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<UpstreamHealth> upstream_;  // with TELEGATE_UPSTREAM_URL
  std::unique_ptr<UpdateProcessor> processor_;
  std::unique_ptr<BotApiEndpointStats> endpoint_stats_ =
      std::make_unique<BotApiEndpointStats>();
  std::unique_ptr<BotApiEndpoint> endpoint_;  // with TELEGATE_BOT_API_LISTEN
  std::unique_ptr<BearerAuth> auth_;
  std::unique_ptr<UpdatesService> updates_service_;
  std::unique_ptr<AdminService> admin_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<MetricsServer> metrics_server_;
  int bot_api_port_ = 0;
  int admin_port_ = 0;
  // Retries getMe with backoff while the Bot API was unreachable at start.
  std::thread init_retry_;
  absl::Notification stopping_;
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_WORKER_SERVER_H_
