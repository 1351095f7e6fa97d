// gRPC adapter for telegate.v1.Admin: health, restart, error reset,
// statistics and failed deliveries, read from the worker's parts.
// Synchronous service (RestartBot waits for getMe, the webhook RPCs for
// their Bot API call, on gRPC's threads, never on a processing loop). Everything referenced
// must outlive the gRPC server.
#ifndef TELEGATE_WORKER_ADMIN_SERVICE_H_
#define TELEGATE_WORKER_ADMIN_SERVICE_H_

#include <string>

#include "absl/time/time.h"
#include "telegate/v1/admin.grpc.pb.h"
#include "worker/bot_runtime.h"
#include "worker/chat_scheduler.h"
#include "worker/intake.h"
#include "worker/journal.h"
#include "worker/auth.h"
#include "worker/stats.h"
#include "worker/endpoint/endpoint_stats.h"
#include "worker/update_processor.h"

namespace telegate::worker {

struct AdminDeps {
  BotRuntime* runtime;
  Intake* intake;
  ChatScheduler* scheduler;
  Journal* journal;
  WorkerStats* stats;
  UpdateProcessor* processor;
  UpstreamHealth* upstream;  // null with the built-in bot
  const BotApiEndpointStats* endpoint;  // null without the endpoint
  const BearerAuth* auth;
  std::string environment;
  std::string journal_kind;  // "sqlite" or "postgresql"
  std::string worker_id;
};

class AdminService final : public telegate::v1::Admin::Service {
 public:
  explicit AdminService(AdminDeps deps)
      : deps_(std::move(deps)), started_(absl::Now()) {}

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
  grpc::Status ListFailedDeliveries(
      grpc::ServerContext* context,
      const telegate::v1::ListFailedDeliveriesRequest* request,
      telegate::v1::ListFailedDeliveriesResponse* response) override;
  grpc::Status RetryFailedDelivery(
      grpc::ServerContext* context,
      const telegate::v1::RetryFailedDeliveryRequest* request,
      telegate::v1::RetryFailedDeliveryResponse* response) override;
  grpc::Status WatchStatus(
      grpc::ServerContext* context,
      const telegate::v1::WatchStatusRequest* request,
      grpc::ServerWriter<telegate::v1::StatusSnapshot>* writer) override;
  grpc::Status GetWebhookInfo(grpc::ServerContext* context,
                              const telegate::v1::GetWebhookInfoRequest* request,
                              telegate::v1::WebhookInfo* response) override;
  grpc::Status SetWebhook(grpc::ServerContext* context,
                          const telegate::v1::SetWebhookRequest* request,
                          telegate::v1::SetWebhookResponse* response) override;
  grpc::Status DeleteWebhook(
      grpc::ServerContext* context,
      const telegate::v1::DeleteWebhookRequest* request,
      telegate::v1::DeleteWebhookResponse* response) override;

  // The bodies of GetHealth / GetStats, also used by WatchStatus.
  void FillHealth(telegate::v1::GetHealthResponse* response) const;
  void FillStats(telegate::v1::GetStatsResponse* response) const;

 private:
  int64_t UptimeSeconds() const;
  // Calls the Bot API with a fresh client; maps failures to gRPC codes.
  grpc::Status CallBotApi(const std::string& method,
                          const nlohmann::json& params,
                          nlohmann::json* result) const;

  const AdminDeps deps_;
  const absl::Time started_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ADMIN_SERVICE_H_
