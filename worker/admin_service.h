// gRPC adapter for telegate.v1.Admin: health, restart, error reset and
// statistics, read from BotRuntime, Dispatcher and WorkerStats. Synchronous
// service (RestartBot waits for getMe). All referenced objects must outlive
// the gRPC server.
#ifndef TELEGATE_WORKER_ADMIN_SERVICE_H_
#define TELEGATE_WORKER_ADMIN_SERVICE_H_

#include <string>

#include "absl/time/time.h"
#include "telegate/v1/admin.grpc.pb.h"
#include "worker/bot_runtime.h"
#include "worker/dispatcher.h"
#include "worker/stats.h"

namespace telegate::worker {

class AdminService final : public telegate::v1::Admin::Service {
 public:
  AdminService(BotRuntime* runtime, Dispatcher* dispatcher, WorkerStats* stats,
               std::string environment)
      : runtime_(runtime),
        dispatcher_(dispatcher),
        stats_(stats),
        environment_(std::move(environment)),
        started_(absl::Now()) {}

  grpc::Status GetHealth(grpc::ServerContext* context,
                         const telegate::v1::GetHealthRequest* request,
                         telegate::v1::GetHealthResponse* response) override;
  grpc::Status RestartBot(grpc::ServerContext* context,
                          const telegate::v1::RestartBotRequest* request,
                          telegate::v1::RestartBotResponse* response) override;
  grpc::Status ResetErrors(grpc::ServerContext* context,
                           const telegate::v1::ResetErrorsRequest* request,
                           telegate::v1::ResetErrorsResponse* response) override;
  grpc::Status GetStats(grpc::ServerContext* context,
                        const telegate::v1::GetStatsRequest* request,
                        telegate::v1::GetStatsResponse* response) override;

 private:
  int64_t UptimeSeconds() const;

  BotRuntime* const runtime_;
  Dispatcher* const dispatcher_;
  WorkerStats* const stats_;
  const std::string environment_;
  const absl::Time started_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ADMIN_SERVICE_H_
