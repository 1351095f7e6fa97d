// WorkerServer: wires the worker together — BotRuntime, Dispatcher, the
// Updates and Admin gRPC services, reflection and grpc.health.v1 — on one
// gRPC listener. Start once, Shutdown once (also from the destructor).
#ifndef TELEGATE_WORKER_WORKER_SERVER_H_
#define TELEGATE_WORKER_WORKER_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "worker/bot_api_client.h"
#include "worker/bot_handler.h"
#include "worker/config.h"

namespace grpc {
class Server;
}

namespace telegate::worker {

class AdminService;
class BotRuntime;
class Dispatcher;
class UpdatesService;
struct WorkerStats;

class WorkerServer {
 public:
  WorkerServer(WorkerConfig config,
               std::unique_ptr<BotApiClientFactory> client_factory,
               std::unique_ptr<BotHandler> handler);
  ~WorkerServer();

  // Checks the bot (getMe; a failure is logged and reported as unhealthy,
  // not fatal), starts the threads and the gRPC server. Returns the port.
  absl::StatusOr<int> Start();

  // Refuses new updates, drains queued ones within the configured grace,
  // then stops the gRPC server. Idempotent.
  void Shutdown();

 private:
  const WorkerConfig config_;
  std::unique_ptr<BotApiClientFactory> client_factory_;
  std::unique_ptr<BotHandler> handler_;
  std::unique_ptr<WorkerStats> stats_;
  std::unique_ptr<BotRuntime> runtime_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<UpdatesService> updates_service_;
  std::unique_ptr<AdminService> admin_service_;
  std::unique_ptr<grpc::Server> server_;
  bool shut_down_ = false;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_WORKER_SERVER_H_
