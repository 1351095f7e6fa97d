#include "worker/worker_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "worker/admin_service.h"
#include "worker/bot_runtime.h"
#include "worker/dispatcher.h"
#include "worker/stats.h"
#include "worker/updates_service.h"

namespace telegate::worker {

WorkerServer::WorkerServer(WorkerConfig config,
                           std::unique_ptr<BotApiClientFactory> client_factory,
                           std::unique_ptr<BotHandler> handler)
    : config_(std::move(config)),
      client_factory_(std::move(client_factory)),
      handler_(std::move(handler)),
      stats_(std::make_unique<WorkerStats>()) {
  runtime_ = std::make_unique<BotRuntime>(client_factory_.get(),
                                          config_.error_threshold);
  DispatcherOptions options;
  options.threads = config_.threads;
  options.queue_limit = config_.queue_limit;
  dispatcher_ = std::make_unique<Dispatcher>(options, runtime_.get(),
                                             handler_.get(), stats_.get());
  updates_service_ = std::make_unique<UpdatesService>(dispatcher_.get());
  admin_service_ = std::make_unique<AdminService>(
      runtime_.get(), dispatcher_.get(), stats_.get(), config_.environment);
}

WorkerServer::~WorkerServer() { Shutdown(); }

absl::StatusOr<int> WorkerServer::Start() {
  runtime_->Initialize().IgnoreError();  // logged; visible in /health
  dispatcher_->Start();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.grpc_listen,
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(updates_service_.get());
  builder.RegisterService(admin_service_.get());
  builder.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.grpc_listen));
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  return port;
}

void WorkerServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    server_->GetHealthCheckService()->SetServingStatus(false);
  }
  dispatcher_->Stop(absl::Milliseconds(config_.shutdown_grace_ms));
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(1));
    server_->Wait();
  }
  log::Info("worker", "stopped");
}

}  // namespace telegate::worker
