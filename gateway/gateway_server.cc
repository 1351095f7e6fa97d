#include "gateway/gateway_server.h"

#include <httplib.h>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/address.h"
#include "common/http_listen.h"
#include "common/log.h"
#include "gateway/admin_http.h"

namespace telegate::gateway {
namespace {

constexpr char kJson[] = "application/json";

// Settings every listener shares: pool size, timeouts, body cap, JSON errors.
void Configure(httplib::Server& server, int threads, size_t max_body) {
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(max_body);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_keep_alive_timeout(30);
  server.set_keep_alive_max_count(1000);
  server.set_tcp_nodelay(true);
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const char* reason = res.status == 404   ? "not found"
                         : res.status == 413 ? "request body too large"
                         : res.status == 405 ? "method not allowed"
                                             : "malformed HTTP request";
    res.set_content(ErrorBody(reason), kJson);
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(ErrorBody("internal error"), kJson);
      });
}

absl::StatusOr<int> Bind(httplib::Server& server, const std::string& address) {
  absl::StatusOr<HostPort> hp = ParseHostPort(address);
  if (!hp.ok()) return hp.status();
  return BindHttpServer(server, hp->host, hp->port);
}

}  // namespace

GatewayServer::GatewayServer(GatewayConfig config, UpdateSink* sink,
                             AdminBackend* admin, GatewayStats* stats,
                             StatusEventsOptions events_options)
    : config_(std::move(config)),
      own_stats_(stats == nullptr ? std::make_unique<GatewayStats>() : nullptr),
      stats_(stats == nullptr ? own_stats_.get() : stats),
      webhook_(config_.webhook_secret, sink, config_.retry_after_seconds,
               stats_),
      admin_routes_(admin, config_.environment),
      events_(admin, &stopping_, events_options),
      auth_(config_.admin_token),
      public_(std::make_unique<httplib::Server>()),
      admin_(std::make_unique<httplib::Server>()) {
  if (!config_.emulator_url.empty()) {
    playground_ = std::make_unique<Playground>(config_.emulator_url);
  }
  RegisterGatewayMetrics(stats_, &metrics_);
  Configure(*public_, config_.http_threads, config_.max_body_bytes);
  Configure(*admin_, kAdminThreads, 64 * 1024);
  AddPublicRoutes();
  AddAdminHttpRoutes(*admin_, {&admin_routes_, &events_, playground_.get(),
                               &auth_, &metrics_});
}

GatewayServer::~GatewayServer() { Shutdown(); }

void GatewayServer::AddPublicRoutes() {
  // Every answer on the webhook path, including httplib's own (413, 400).
  public_->set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) {
        if (req.path == config_.webhook_path) {
          stats_->CountWebhookAnswer(res.status);
        }
      });
  public_->Post(config_.webhook_path, [this](const httplib::Request& req,
                                             httplib::Response& res) {
    stats_->webhooks_in_flight.fetch_add(1);
    const absl::Time start = absl::Now();
    absl::Cleanup done = [this, start] {
      stats_->webhook_seconds.Observe(
          absl::ToDoubleSeconds(absl::Now() - start));
      stats_->webhooks_in_flight.fetch_sub(1);
    };
    std::string secret;
    bool has_secret = req.has_header("X-Telegram-Bot-Api-Secret-Token");
    if (has_secret) {
      secret = req.get_header_value("X-Telegram-Bot-Api-Secret-Token");
    }
    WebhookAnswer answer =
        webhook_.Handle(has_secret ? &secret : nullptr, req.body);
    res.status = answer.status;
    if (answer.retry_after > 0) {
      res.set_header("Retry-After", std::to_string(answer.retry_after));
    }
    res.set_content(answer.body, kJson);
  });
  public_->Get(config_.webhook_path,
               [](const httplib::Request&, httplib::Response& res) {
                 res.status = 405;
                 res.set_header("Allow", "POST");
                 res.set_content(ErrorBody("method not allowed"), kJson);
               });
  public_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"alive"})", kJson);
  });
}

absl::StatusOr<BoundPorts> GatewayServer::Start() {
  BoundPorts ports;
  absl::StatusOr<int> p = Bind(*public_, config_.listen);
  if (!p.ok()) return p.status();
  ports.public_port = *p;
  absl::StatusOr<int> a = Bind(*admin_, config_.admin_listen);
  if (!a.ok()) return a.status();
  ports.admin_port = *a;
  public_thread_ = std::thread([this] { public_->listen_after_bind(); });
  admin_thread_ = std::thread([this] { admin_->listen_after_bind(); });
  // httplib's stop() is a no-op until the listen loop runs: wait for it so
  // a Shutdown right after Start cannot hang.
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!(public_->is_running() && admin_->is_running())) {
    if (absl::Now() > deadline) {
      return absl::InternalError("HTTP listeners did not start");
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return ports;
}

void GatewayServer::Shutdown() {
  webhook_.Drain();
  if (!stopping_.HasBeenNotified()) stopping_.Notify();  // ends event streams
  if (public_thread_.joinable()) {
    public_->stop();
    public_thread_.join();
  }
  if (admin_thread_.joinable()) {
    admin_->stop();
    admin_thread_.join();
  }
}

}  // namespace telegate::gateway
