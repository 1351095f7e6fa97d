#include "gateway/gateway_server.h"

#include <httplib.h>

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
    res.set_content(http::JsonErrorResponse(res.status, reason).body, kJson);
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(http::JsonErrorResponse(500, "internal error").body,
                        kJson);
      });
}

absl::StatusOr<int> Bind(httplib::Server& server, const std::string& address) {
  absl::StatusOr<HostPort> hp = ParseHostPort(address);
  if (!hp.ok()) return hp.status();
  return BindHttpServer(server, hp->host, hp->port);
}

http::ListenerOptions ListenerOptions(const GatewayConfig& c,
                                      http::ListenerStats* stats) {
  http::ListenerOptions o;
  HostPort hp = *ParseHostPort(c.listen);  // validated by LoadGatewayConfig
  o.host = hp.host;
  o.port = hp.port;
  o.max_body_bytes = static_cast<size_t>(c.max_body_bytes);
  o.header_timeout = absl::Milliseconds(c.header_timeout_ms);
  o.body_timeout = absl::Milliseconds(c.body_timeout_ms);
  o.idle_timeout = absl::Milliseconds(c.idle_timeout_ms);
  o.max_connections = c.http_max_connections;
  o.tls_cert_file = c.tls_cert_file;
  o.tls_key_file = c.tls_key_file;
  o.stats = stats;
  o.log_component = "gateway";
  return o;
}

}  // namespace

GatewayServer::GatewayServer(GatewayConfig config, UpdateSink* sink,
                             AdminBackend* admin, GatewayStats* stats,
                             StatusEventsOptions events_options)
    : config_(std::move(config)),
      own_stats_(stats == nullptr ? std::make_unique<GatewayStats>() : nullptr),
      stats_(stats == nullptr ? own_stats_.get() : stats),
      public_routes_(
          PublicRoutesOptions{
              config_.webhook_path, config_.webhook_secret,
              SourceFilter({config_.allowed_sources, config_.trusted_proxies}),
              config_.retry_after_seconds},
          sink, stats_),
      admin_routes_(admin, config_.environment),
      events_(admin, &stopping_, events_options),
      auth_(config_.admin_token),
      admin_(std::make_unique<httplib::Server>()) {
  if (!config_.emulator_url.empty()) {
    playground_ = std::make_unique<Playground>(config_.emulator_url);
  }
  public_ = std::make_unique<http::Listener>(
      ListenerOptions(config_, &listener_stats_),
      [this](const http::Request& head) {
        return public_routes_.CheckHead(head);
      },
      [this](http::Request request, http::Respond respond) {
        public_routes_.Handle(std::move(request), std::move(respond));
      });
  RegisterGatewayMetrics(stats_, &metrics_);
  RegisterListenerMetrics(&listener_stats_, &metrics_);
  Configure(*admin_, kAdminThreads, 64 * 1024);
  AddAdminHttpRoutes(*admin_, {&admin_routes_, &events_, playground_.get(),
                               &auth_, &metrics_});
}

GatewayServer::~GatewayServer() { Shutdown(); }

absl::StatusOr<BoundPorts> GatewayServer::Start() {
  BoundPorts ports;
  absl::StatusOr<int> a = Bind(*admin_, config_.admin_listen);
  if (!a.ok()) return a.status();
  ports.admin_port = *a;
  absl::StatusOr<int> p = public_->Start();
  if (!p.ok()) return p.status();
  ports.public_port = *p;
  admin_thread_ = std::thread([this] { admin_->listen_after_bind(); });
  // httplib's stop() is a no-op until the listen loop runs: wait for it so
  // a Shutdown right after Start cannot hang.
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!admin_->is_running()) {
    if (absl::Now() > deadline) {
      return absl::InternalError("admin listener did not start");
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return ports;
}

void GatewayServer::Shutdown() {
  public_routes_.Drain();
  if (!stopping_.HasBeenNotified()) stopping_.Notify();  // ends event streams
  public_->Stop();
  if (admin_thread_.joinable()) {
    admin_->stop();
    admin_thread_.join();
  }
}

}  // namespace telegate::gateway
