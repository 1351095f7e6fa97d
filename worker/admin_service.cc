#include "worker/admin_service.h"

#include "common/grpc_status.h"
#include "common/log.h"
#include "common/time_util.h"

namespace telegate::worker {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)

int64_t AdminService::UptimeSeconds() const {
  return absl::ToInt64Seconds(absl::Now() - started_);
}

grpc::Status AdminService::GetHealth(grpc::ServerContext* context,
                                     const GetHealthRequest*,
                                     GetHealthResponse* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  FillHealth(response);
  return grpc::Status::OK;
}

void AdminService::FillHealth(GetHealthResponse* response) const {
  BotSnapshot bot = deps_.runtime->Snapshot();
  bool healthy = bot.ready && bot.error_count < bot.error_threshold;
  if (deps_.upstream != nullptr) {
    const absl::Time now = absl::Now();
    UpstreamSnapshot up = deps_.upstream->Snapshot(now);
    telegate::v1::UpstreamState* out = response->mutable_upstream();
    out->set_url(up.url);
    out->set_reachable(up.reachable);
    if (!up.reachable) out->set_down_since(FormatRfc3339(up.down_since));
    out->set_last_error(up.last_error);
    out->set_misconfigured(up.misconfigured);
    out->set_error_count(up.error_count);
    out->set_error_threshold(up.error_threshold);
    out->set_restarts(up.restarts);
    out->set_in_flight(up.in_flight);
    out->set_posted(up.posted);
    out->set_handled(up.handled);
    out->set_refused(up.refused);
    out->set_latency_p50_ms(up.latency.p50_ms);
    out->set_latency_p99_ms(up.latency.p99_ms);
    // A bot that refuses telegate needs an operator; one that is down
    // comes back by itself (its updates wait in the journal).
    if (up.misconfigured) {
      healthy = false;
      response->set_bot_status(absl::StrCat("upstream bot: ", up.last_error));
    }
  }
  response->set_journal(deps_.journal_kind);
  response->set_worker_id(deps_.worker_id);
  response->set_database_reachable(true);
  response->set_status(healthy ? "healthy" : "unhealthy");
  if (response->bot_status().empty()) response->set_bot_status(bot.bot_status);
  response->set_error_count(bot.error_count);
  response->set_error_threshold(bot.error_threshold);
  response->set_restart_count(bot.restart_count);
  response->set_uptime_seconds(UptimeSeconds());
  response->set_timestamp(FormatRfc3339(absl::Now()));
  response->set_environment(deps_.environment);
  response->set_bot_username(bot.bot_username);
}

grpc::Status AdminService::RestartBot(grpc::ServerContext* context,
                                      const RestartBotRequest*,
                                      RestartBotResponse* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  absl::Status status = deps_.runtime->RestartAndWait("admin request");
  response->set_ok(status.ok());
  response->set_restart_count(deps_.runtime->Snapshot().restart_count);
  response->set_bot_status(status.ok() ? "OK" : std::string(status.message()));
  return grpc::Status::OK;
}

grpc::Status AdminService::ResetErrors(grpc::ServerContext* context,
                                       const ResetErrorsRequest*,
                                       ResetErrorsResponse* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  deps_.runtime->ResetErrors();
  if (deps_.upstream != nullptr) deps_.upstream->Reset();
  response->set_error_count(deps_.runtime->Snapshot().error_count);
  return grpc::Status::OK;
}

grpc::Status AdminService::GetStats(grpc::ServerContext* context,
                                    const GetStatsRequest*,
                                    GetStatsResponse* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  FillStats(response);
  return grpc::Status::OK;
}

void AdminService::FillStats(GetStatsResponse* r) const {
  if (const BotApiEndpointStats* e = deps_.endpoint; e != nullptr) {
    telegate::v1::EndpointCounters* out = r->mutable_endpoint();
    out->set_calls(e->calls.load());
    out->set_answered_ok(e->answered_ok.load());
    out->set_answered_error(e->answered_error.load());
    out->set_answered_network(e->answered_network.load());
    out->set_bad_requests(e->bad_requests.load());
    out->set_retries(e->retries.load());
    out->set_flood_waits(e->flood_waits.load());
    out->set_intercepted(e->intercepted.load());
    out->set_files(e->files.load());
    out->set_unauthorized(e->unauthorized.load());
    out->set_dropped_caller_left(e->dropped_caller_left.load());
    out->set_in_flight(e->in_flight.load());
    out->set_queued(e->queued.load());
  }
  const WorkerStats& s = *deps_.stats;
  BotSnapshot bot = deps_.runtime->Snapshot();
  r->set_updates_received(s.received.load());
  r->set_updates_accepted(s.accepted.load());
  r->set_updates_duplicate(s.duplicate.load());
  r->set_updates_overloaded(s.overloaded.load());
  r->set_updates_processed(s.processed.load());
  r->set_updates_failed(s.failed.load());
  r->set_updates_replayed(s.replayed.load());
  r->set_sends_ok(s.sends_ok.load());
  r->set_sends_failed(s.sends_failed.load());
  r->set_flood_waits(s.flood_waits.load());
  r->set_retries(s.retries.load());
  r->set_migrations(s.migrations.load());
  r->set_rate_limited(s.rate_limited.load());
  r->set_failed_deliveries(s.failed_deliveries.load());
  r->set_error_count(bot.error_count);
  r->set_restart_count(bot.restart_count);
  r->set_queue_depth(deps_.intake->in_flight());
  r->set_parked_chats(deps_.scheduler->parked());
  r->set_uptime_seconds(UptimeSeconds());
  LatencyPercentiles latency = s.latency.Percentiles(absl::Now());
  r->set_latency_p50_ms(latency.p50_ms);
  r->set_latency_p99_ms(latency.p99_ms);
  std::vector<UpdateProcessor::LoopSnapshot> loops =
      deps_.processor->LoopStates();
  r->set_threads(static_cast<int32_t>(loops.size()));
  for (size_t i = 0; i < loops.size(); ++i) {
    ThreadState* t = r->add_thread_states();
    t->set_index(static_cast<int32_t>(i));
    t->set_state(loops[i].calls_in_flight > 0 ? "busy" : "idle");
    t->set_client_generation(loops[i].client_generation);
    t->set_calls(loops[i].calls);
    t->set_calls_in_flight(loops[i].calls_in_flight);
    t->set_chats_served(loops[i].chats_served);
  }
}

grpc::Status AdminService::ListFailedDeliveries(
    grpc::ServerContext* context, const ListFailedDeliveriesRequest* request,
    ListFailedDeliveriesResponse* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  int limit = request->limit() > 0 ? std::min(request->limit(), 1000) : 100;
  auto list = deps_.journal->ListFailedDeliveries(limit);
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const FailedDelivery& f : *list) {
    telegate::v1::FailedDelivery* out = response->add_deliveries();
    out->set_id(f.id);
    out->set_update_id(f.update_id);
    out->set_chat_key(f.chat_key);
    out->set_method(f.method);
    out->set_params_json(f.params_json);
    out->set_error_code(f.error_code);
    out->set_reason(f.reason);
    out->set_failed_at(FormatRfc3339(absl::FromUnixMicros(f.failed_at_us)));
    out->set_kind(FailedKindName(f.kind));
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::RetryFailedDelivery(
    grpc::ServerContext* context, const RetryFailedDeliveryRequest* request,
    RetryFailedDeliveryResponse* response) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  auto failed = deps_.journal->TakeFailedDelivery(request->id());
  if (!failed.ok()) return ToGrpcStatus(failed.status());
  // Not a Telegram update: its own identity (the failed delivery's id), never
  // journaled nor marked done.
  auto delivery = std::make_unique<Delivery>();
  delivery->update.kind = UpdateKind::kOperatorRetry;
  delivery->update.retry_of = failed->id;
  delivery->update.update_id = failed->update_id;
  delivery->update.chat_key = failed->chat_key;
  delivery->update.accepted_at_us = absl::ToUnixMicros(absl::Now());
  if (failed->kind == FailedKind::kUpstreamUpdate) {
    // The update itself: decided again, i.e. posted to the upstream bot.
    delivery->update.payload = failed->params_json;
  } else {
    nlohmann::json params =
        nlohmann::json::parse(failed->params_json, nullptr, false);
    if (params.is_discarded()) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "stored parameters are not valid JSON");
    }
    delivery->actions.push_back({failed->method, std::move(params)});
    delivery->state.decided = true;
    delivery->state.action_count = 1;
  }
  deps_.scheduler->Add(std::move(delivery));
  log::Info("worker", "failed_delivery_retried",
            {{"id", request->id()},
             {"update_id", failed->update_id},
             {"kind", FailedKindName(failed->kind)}});
  response->set_queued(true);
  return grpc::Status::OK;
}

}  // namespace telegate::worker
