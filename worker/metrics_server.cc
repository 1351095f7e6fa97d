#include "worker/metrics_server.h"

#include "worker/endpoint/endpoint_stats.h"
#include "worker/upstream/upstream_health.h"

#include <httplib.h>

#include "absl/time/clock.h"
#include "common/address.h"
#include "common/http_listen.h"
#include "worker/bot_runtime.h"
#include "worker/chat_scheduler.h"
#include "worker/intake.h"
#include "worker/stats.h"
#include "worker/update_processor.h"

namespace telegate::worker {

MetricsServer::MetricsServer(const MetricsRegistry* registry,
                             const BearerAuth* auth)
    : server_(std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [] { return new httplib::ThreadPool(4); };
  server_->set_read_timeout(5, 0);
  server_->set_payload_max_length(4096);
  server_->set_pre_routing_handler(
      [](const httplib::Request& req, httplib::Response&) {
        DeclareUnframedBodyEmpty(req);
        return httplib::Server::HandlerResponse::Unhandled;
      });
  server_->Get("/metrics", [registry, auth](const httplib::Request& req,
                                            httplib::Response& res) {
    if (!auth->AllowsHeader(req.get_header_value("Authorization"))) {
      res.status = 401;
      res.set_content(R"({"ok":false,"error":"admin token required"})",
                      "application/json");
      return;
    }
    res.set_content(registry->Render(), kMetricsContentType);
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"alive"})", "application/json");
  });
}

MetricsServer::~MetricsServer() { Stop(); }

absl::StatusOr<int> MetricsServer::Start(const std::string& address) {
  absl::StatusOr<HostPort> hp = ParseHostPort(address);
  if (!hp.ok()) return hp.status();
  absl::StatusOr<int> port = BindHttpServer(*server_, hp->host, hp->port);
  if (!port.ok()) return port.status();
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) absl::SleepFor(absl::Milliseconds(1));
  return port;
}

void MetricsServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

void RegisterWorkerMetrics(MetricsRegistry* r, const WorkerStats* s,
                           const BotRuntime* runtime, const Intake* intake,
                           const ChatScheduler* scheduler,
                           const UpdateProcessor* processor) {
  using Type = MetricsRegistry::Type;
  const std::string updates = "telegate_worker_updates_total";
  const std::string help = "Updates by what became of them";
  for (const auto& [result, counter] :
       std::vector<std::pair<std::string, const std::atomic<int64_t>*>>{
           {"received", &s->received},   {"accepted", &s->accepted},
           {"duplicate", &s->duplicate}, {"overloaded", &s->overloaded},
           {"processed", &s->processed}, {"failed", &s->failed},
           {"replayed", &s->replayed}}) {
    r->Add(Type::kCounter, updates, help, {{"result", result}},
           [counter] { return counter->load(); });
  }
  r->Add(Type::kCounter, "telegate_worker_bot_api_calls_total",
         "Bot API calls by outcome", {{"result", "ok"}},
         [s] { return s->sends_ok.load(); });
  r->Add(Type::kCounter, "telegate_worker_bot_api_calls_total", "",
         {{"result", "failed"}}, [s] { return s->sends_failed.load(); });
  for (const auto& [name, help_text, counter] :
       std::vector<std::tuple<std::string, std::string,
                              const std::atomic<int64_t>*>>{
           {"flood_waits", "429 answers honoured", &s->flood_waits},
           {"retries", "Transient failures retried", &s->retries},
           {"migrations", "Replies moved to a new chat id", &s->migrations},
           {"rate_limited", "Sends held by proactive limits", &s->rate_limited},
           {"failed_deliveries", "Calls recorded as failed deliveries",
            &s->failed_deliveries}}) {
    r->Add(Type::kCounter, "telegate_worker_" + name + "_total", help_text, {},
           [counter] { return counter->load(); });
  }
  r->Add(Type::kGauge, "telegate_worker_errors_in_a_row",
         "Consecutive errors (a success resets it)", {},
         [runtime] { return runtime->Snapshot().error_count; });
  r->Add(Type::kGauge, "telegate_worker_error_threshold",
         "Errors in a row that re-initialise the bot", {},
         [runtime] { return runtime->Snapshot().error_threshold; });
  r->Add(Type::kCounter, "telegate_worker_restarts_total",
         "Re-initialisations of the bot clients", {},
         [runtime] { return runtime->Snapshot().restart_count; });
  r->Add(Type::kGauge, "telegate_worker_bot_ready",
         "1 when the last getMe succeeded", {},
         [runtime] { return runtime->Snapshot().ready ? 1 : 0; });
  r->Add(Type::kGauge, "telegate_worker_queue_depth",
         "Accepted updates not finished yet", {},
         [intake] { return intake->in_flight(); });
  r->Add(Type::kGauge, "telegate_worker_parked_chats",
         "Chats waiting for a flood wait or backoff", {},
         [scheduler] { return scheduler->parked(); });
  r->Add(Type::kGauge, "telegate_worker_threads_busy",
         "Processing loops with Bot API calls in flight now", {}, [processor] {
           int busy = 0;
           for (const auto& l : processor->LoopStates()) {
             busy += l.calls_in_flight > 0;
           }
           return busy;
         });
  r->Add(Type::kGauge, "telegate_worker_bot_api_calls_in_flight",
         "Bot API calls started and not yet answered, worker-wide", {},
         [processor] { return processor->calls_in_flight(); });
  r->AddHistogramRef("telegate_worker_update_latency_seconds",
                     "Acceptance to the last Bot API call of an update",
                     &s->latency_histogram);
  absl::Time start = absl::Now();
  r->Add(Type::kGauge, "telegate_worker_uptime_seconds", "Seconds since start",
         {}, [start] { return absl::ToDoubleSeconds(absl::Now() - start); });
}

void RegisterUpstreamMetrics(MetricsRegistry* r, const UpstreamHealth* up) {
  using Type = MetricsRegistry::Type;
  auto snap = [up] { return up->Snapshot(absl::Now()); };
  r->Add(Type::kGauge, "telegate_worker_upstream_reachable",
         "1 while the upstream bot answers", {},
         [snap] { return snap().reachable ? 1 : 0; });
  r->Add(Type::kGauge, "telegate_worker_upstream_misconfigured",
         "1 while the upstream bot refuses telegate (401/403/404)", {},
         [snap] { return snap().misconfigured ? 1 : 0; });
  r->Add(Type::kGauge, "telegate_worker_upstream_errors_in_a_row",
         "Failed posts to the upstream bot in a row (an answer resets it)", {},
         [snap] { return snap().error_count; });
  r->Add(Type::kCounter, "telegate_worker_upstream_restarts_total",
         "Re-creations of the connections to the upstream bot", {},
         [snap] { return snap().restarts; });
  r->Add(Type::kGauge, "telegate_worker_upstream_in_flight",
         "Updates being posted to the upstream bot now", {},
         [snap] { return snap().in_flight; });
  const std::string posts = "telegate_worker_upstream_posts_total";
  r->Add(Type::kCounter, posts, "Updates posted to the upstream bot",
         {{"result", "posted"}}, [snap] { return snap().posted; });
  r->Add(Type::kCounter, posts, "", {{"result", "handled"}},
         [snap] { return snap().handled; });
  r->Add(Type::kCounter, posts, "", {{"result", "refused"}},
         [snap] { return snap().refused; });
}

void RegisterEndpointMetrics(MetricsRegistry* r,
                             const BotApiEndpointStats* e) {
  using Type = MetricsRegistry::Type;
  const std::string calls = "telegate_worker_endpoint_calls_total";
  for (const auto& [result, counter] :
       std::vector<std::pair<std::string, const std::atomic<int64_t>*>>{
           {"received", &e->calls},
           {"ok", &e->answered_ok},
           {"error", &e->answered_error},
           {"network", &e->answered_network},
           {"bad_request", &e->bad_requests},
           {"intercepted", &e->intercepted},
           {"file", &e->files},
           {"unauthorized", &e->unauthorized},
           {"not_found", &e->not_found},
           {"dropped_caller_left", &e->dropped_caller_left}}) {
    r->Add(Type::kCounter, calls,
           "Calls to the worker's Bot API endpoint by outcome",
           {{"result", result}}, [counter] { return counter->load(); });
  }
  r->Add(Type::kCounter, "telegate_worker_endpoint_retries_total",
         "Endpoint calls retried after 5xx or network failures", {},
         [e] { return e->retries.load(); });
  r->Add(Type::kCounter, "telegate_worker_endpoint_flood_waits_total",
         "429s waited out inside the endpoint", {},
         [e] { return e->flood_waits.load(); });
  r->Add(Type::kGauge, "telegate_worker_endpoint_in_flight",
         "Endpoint calls at the Bot API now", {},
         [e] { return e->in_flight.load(); });
  r->Add(Type::kGauge, "telegate_worker_endpoint_queued",
         "Endpoint calls waiting behind their chat or a 429", {},
         [e] { return e->queued.load(); });
}

}  // namespace telegate::worker
