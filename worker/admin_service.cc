#include "worker/admin_service.h"

#include "common/log.h"
#include "common/time_util.h"

namespace telegate::worker {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)

int64_t AdminService::UptimeSeconds() const {
  return absl::ToInt64Seconds(absl::Now() - started_);
}

grpc::Status AdminService::GetHealth(grpc::ServerContext*,
                                     const GetHealthRequest*,
                                     GetHealthResponse* response) {
  BotSnapshot bot = runtime_->Snapshot();
  bool healthy = bot.ready && bot.error_count < bot.error_threshold;
  response->set_status(healthy ? "healthy" : "unhealthy");
  response->set_bot_status(bot.bot_status);
  response->set_error_count(bot.error_count);
  response->set_error_threshold(bot.error_threshold);
  response->set_restart_count(bot.restart_count);
  response->set_uptime_seconds(UptimeSeconds());
  response->set_timestamp(FormatRfc3339(absl::Now()));
  response->set_environment(environment_);
  response->set_bot_username(bot.bot_username);
  return grpc::Status::OK;
}

grpc::Status AdminService::RestartBot(grpc::ServerContext*,
                                      const RestartBotRequest*,
                                      RestartBotResponse* response) {
  absl::Status status = runtime_->Restart("admin request");
  BotSnapshot bot = runtime_->Snapshot();
  response->set_ok(status.ok());
  response->set_restart_count(bot.restart_count);
  response->set_bot_status(status.ok() ? "OK" : std::string(status.message()));
  return grpc::Status::OK;
}

grpc::Status AdminService::ResetErrors(grpc::ServerContext*,
                                       const ResetErrorsRequest*,
                                       ResetErrorsResponse* response) {
  runtime_->ResetErrors();
  response->set_error_count(runtime_->Snapshot().error_count);
  return grpc::Status::OK;
}

grpc::Status AdminService::GetStats(grpc::ServerContext*,
                                    const GetStatsRequest*,
                                    GetStatsResponse* response) {
  BotSnapshot bot = runtime_->Snapshot();
  response->set_updates_received(stats_->received.load());
  response->set_updates_accepted(stats_->accepted.load());
  response->set_updates_duplicate(stats_->duplicate.load());
  response->set_updates_overloaded(stats_->overloaded.load());
  response->set_updates_processed(stats_->processed.load());
  response->set_updates_failed(stats_->failed.load());
  response->set_sends_ok(stats_->sends_ok.load());
  response->set_sends_failed(stats_->sends_failed.load());
  response->set_error_count(bot.error_count);
  response->set_restart_count(bot.restart_count);
  response->set_queue_depth(dispatcher_->queue_depth());
  response->set_uptime_seconds(UptimeSeconds());
  response->set_threads(dispatcher_->threads());
  return grpc::Status::OK;
}

}  // namespace telegate::worker
