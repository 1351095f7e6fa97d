// GatewayServer: the gateway's two HTTP listeners. Public (http::Listener,
// event-driven, optionally TLS, no thread waits for an ack): the webhook
// and /healthz only, answered by PublicRoutes. Admin (cpp-httplib,
// admin_http.h): the panel, /health, the actions, /api/..., the
// /api/events stream and /metrics. Handlers translate HTTP to PublicRoutes
// and AdminRoutes and nothing more. Start once; Shutdown drains (new
// webhooks get 503), ends open event streams, lets webhooks in flight be
// answered (bounded) and joins the listener threads.
#ifndef TELEGATE_GATEWAY_GATEWAY_SERVER_H_
#define TELEGATE_GATEWAY_GATEWAY_SERVER_H_

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "common/metrics.h"
#include "gateway/admin_auth.h"
#include "gateway/admin_backend.h"
#include "gateway/admin_routes.h"
#include "gateway/config.h"
#include "gateway/gateway_stats.h"
#include "gateway/playground.h"
#include "http/server/listener.h"
#include "gateway/public_routes.h"
#include "gateway/status_events.h"
#include "gateway/update_sink.h"

namespace httplib {
class Server;
}

namespace telegate::gateway {

struct BoundPorts {
  int public_port = 0;
  int admin_port = 0;
};

// Admin listener threads: several open event streams plus normal requests.
inline constexpr int kAdminThreads = 32;

class GatewayServer {
 public:
  // `sink`, `admin` and `stats` must outlive the server. Without `stats`
  // the server keeps its own (the WorkerLink's metrics are then absent).
  GatewayServer(GatewayConfig config, UpdateSink* sink, AdminBackend* admin,
                GatewayStats* stats = nullptr,
                StatusEventsOptions events_options = {});
  ~GatewayServer();

  absl::StatusOr<BoundPorts> Start();
  void Shutdown();

  // What /metrics on the admin listener exports; more may be added later.
  MetricsRegistry* metrics() { return &metrics_; }

 private:
  const GatewayConfig config_;
  std::unique_ptr<GatewayStats> own_stats_;
  GatewayStats* const stats_;
  MetricsRegistry metrics_;
  absl::Notification stopping_;
  PublicRoutes public_routes_;
  http::ListenerStats listener_stats_;
  AdminRoutes admin_routes_;
  StatusEvents events_;
  AdminAuth auth_;
  std::unique_ptr<Playground> playground_;
  std::unique_ptr<http::Listener> public_;
  std::unique_ptr<httplib::Server> admin_;
  std::thread admin_thread_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_GATEWAY_SERVER_H_
