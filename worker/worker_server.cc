#include "worker/worker_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/address.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "grpc/health/v1/health.pb.h"
#include "worker/admin_service.h"
#include "worker/bot_runtime.h"
#include "worker/chat_scheduler.h"
#include "worker/auth.h"
#include "worker/intake.h"
#include "worker/metrics_server.h"
#include "worker/stats.h"
#include "worker/update_processor.h"
#include "worker/updates_service.h"

namespace telegate::worker {

WorkerServer::WorkerServer(WorkerConfig config,
                           std::unique_ptr<AsyncBotApiClientFactory> client_factory,
                           std::unique_ptr<BotHandler> handler,
                           std::unique_ptr<Journal> journal, Clock clock)
    : config_(std::move(config)),
      clock_(std::move(clock)),
      client_factory_(std::move(client_factory)),
      handler_(std::move(handler)),
      journal_(std::move(journal)),
      stats_(std::make_unique<WorkerStats>()),
      runtime_(std::make_unique<BotRuntime>(config_.error_threshold, clock_)),
      scheduler_(std::make_unique<ChatScheduler>(clock_)),
      auth_(std::make_unique<BearerAuth>(config_.admin_token)) {}

WorkerServer::~WorkerServer() { Shutdown(); }

std::string WorkerServer::WorkerId() const {
  if (!config_.worker_id.empty()) return config_.worker_id;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  absl::StatusOr<HostPort> listen = ParseHostPort(config_.grpc_listen);
  if (listen.ok() && listen->port != 0) {
    return absl::StrCat(host, ":", listen->port);
  }
  return absl::StrCat(host, ":pid", getpid());
}

absl::StatusOr<int> WorkerServer::Start() {
  if (journal_ == nullptr) {
    SqliteJournalOptions options;
    options.path = config_.data_dir + "/journal.db";
    options.retention = absl::Hours(config_.retention_hours);
    options.synchronous = config_.journal_sync;
    options.clock = clock_;
    absl::StatusOr<std::unique_ptr<Journal>> journal =
        OpenSqliteJournal(options);
    if (!journal.ok()) return journal.status();
    journal_ = std::move(*journal);
  }
  intake_ = std::make_unique<Intake>(journal_.get(), scheduler_.get(),
                                     stats_.get(), config_.queue_limit, clock_);
  ProcessorOptions options;
  options.loops = config_.threads;
  options.max_in_flight = config_.max_in_flight;
  options.retry.max_attempts = config_.max_attempts;
  if (config_.rate_limits) {
    options.rate_limits = RateLimits{
        config_.rate_global_per_second,
        absl::Milliseconds(config_.rate_chat_interval_ms),
        config_.rate_group_per_minute};
  }
  if (!config_.upstream_url.empty()) {
    upstream_ = std::make_unique<UpstreamHealth>(
        DisplayOrigin(config_.upstream_url), config_.error_threshold);
    options.upstream.url = config_.upstream_url;
    options.upstream.secret = config_.upstream_secret;
    options.upstream.max_connections = config_.upstream_max_connections;
    options.upstream.timeout = absl::Milliseconds(config_.upstream_timeout_ms);
    options.upstream.health = upstream_.get();
  }
  processor_ = std::make_unique<UpdateProcessor>(
      options, scheduler_.get(), journal_.get(), runtime_.get(),
      handler_.get(), stats_.get(), client_factory_.get(), clock_);
  updates_service_ =
      std::make_unique<UpdatesService>(intake_.get(), auth_.get());
  admin_service_ = std::make_unique<AdminService>(AdminDeps{
      runtime_.get(), intake_.get(), scheduler_.get(), journal_.get(),
      stats_.get(), processor_.get(), upstream_.get(),
      config_.bot_api_listen.empty() ? nullptr : endpoint_stats_.get(),
      auth_.get(), config_.environment,
      config_.journal_url.empty() ? "sqlite" : "postgresql", WorkerId()});
  metrics_ = std::make_unique<MetricsRegistry>();
  RegisterWorkerMetrics(metrics_.get(), stats_.get(), runtime_.get(),
                        intake_.get(), scheduler_.get(), processor_.get());
  if (upstream_ != nullptr) RegisterUpstreamMetrics(metrics_.get(), upstream_.get());

  if (absl::Status s = processor_->Start(); !s.ok()) return s;
  started_ = true;
  if (!runtime_->InitializeAndWait().ok()) {
    // Logged and visible in /health; keep trying (1 s, 2 s, ... 30 s) so a
    // Bot API that comes up later is picked up without an operator.
    init_retry_ = std::thread([this] {
      absl::Duration wait = absl::Seconds(1);
      while (!stopping_.WaitForNotificationWithTimeout(wait)) {
        if (runtime_->Snapshot().ready || runtime_->InitializeAndWait().ok()) {
          return;
        }
        wait = std::min(wait * 2, absl::Seconds(30));
      }
    });
  }
  if (absl::Status replay = intake_->Replay(); !replay.ok()) return replay;
  if (!config_.bot_api_listen.empty()) {
    absl::StatusOr<int> endpoint = StartEndpoint();
    if (!endpoint.ok()) return endpoint.status();
    bot_api_port_ = *endpoint;
  }

  grpc::EnableDefaultHealthCheckService(true);
  (void)grpc::health::v1::HealthCheckRequest::descriptor();  // reflection
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.grpc_listen,
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(updates_service_.get());
  builder.RegisterService(admin_service_.get());
  builder.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  // A second worker on the same port must fail, not share the traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Gateways ping every second or two to notice a vanished worker host:
  // accept those pings, even between updates, instead of answering GOAWAY.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 500);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.grpc_listen));
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  if (!config_.admin_listen.empty()) {
    metrics_server_ =
        std::make_unique<MetricsServer>(metrics_.get(), auth_.get());
    absl::StatusOr<int> admin = metrics_server_->Start(config_.admin_listen);
    if (!admin.ok()) return admin.status();
    admin_port_ = *admin;
  }
  return port;
}

absl::StatusOr<int> WorkerServer::StartEndpoint() {
  ASSIGN_OR_RETURN(HostPort address, ParseHostPort(config_.bot_api_listen));
  BotApiEndpointOptions options;
  options.host = address.host;
  options.port = address.port;
  options.token = config_.bot_token;
  options.max_wait = absl::Milliseconds(config_.bot_api_max_wait_ms);
  options.retry.max_attempts = config_.max_attempts;
  options.stats = endpoint_stats_.get();
  RegisterEndpointMetrics(metrics_.get(), endpoint_stats_.get());
  // From the calling bot's side, its webhook is where telegate posts the
  // updates: the upstream URL, with the updates waiting in the worker.
  options.webhook_info = [this] {
    WebhookView info;
    info.url = config_.upstream_url;
    info.pending_update_count = intake_->in_flight();
    info.max_connections = config_.upstream_max_connections;
    return info;
  };
  endpoint_ = std::make_unique<BotApiEndpoint>(options, processor_.get());
  absl::StatusOr<int> port = endpoint_->Start();
  if (!port.ok()) {
    return absl::Status(port.status().code(),
                        absl::StrCat("TELEGATE_BOT_API_LISTEN: ",
                                     port.status().message()));
  }
  log::Info("worker", "bot_api_endpoint_listening",
            {{"address", absl::StrCat(address.host, ":", *port)}});
  return port;
}

void WorkerServer::Shutdown() {
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
  if (init_retry_.joinable()) init_retry_.join();
  if (shut_down_ || !started_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    server_->GetHealthCheckService()->SetServingStatus(false);
  }
  if (metrics_server_ != nullptr) metrics_server_->Stop();
  intake_->Stop();
  // The bot's calls stop before the loops that carry them.
  if (endpoint_ != nullptr) endpoint_->Stop();
  processor_->Stop(absl::Milliseconds(config_.shutdown_grace_ms));
  // Acks already promised are committed before the streams close.
  journal_->Flush();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(1));
    server_->Wait();
  }
  log::Info("worker", "stopped");
}

}  // namespace telegate::worker
