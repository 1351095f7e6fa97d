// GatewayServer: the gateway's two HTTP listeners on cpp-httplib. Public:
// the webhook and /healthz only. Admin: the panel, /health, /restart_bot,
// /reset_errors, /api/stats. Handlers translate HTTP to WebhookHandler and
// AdminRoutes and nothing more. Start once; Shutdown drains (new webhooks get
// 503), finishes requests in flight and joins the listener threads.
#ifndef TELEGATE_GATEWAY_GATEWAY_SERVER_H_
#define TELEGATE_GATEWAY_GATEWAY_SERVER_H_

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "gateway/admin_backend.h"
#include "gateway/admin_routes.h"
#include "gateway/config.h"
#include "gateway/update_sink.h"
#include "gateway/webhook_handler.h"

namespace httplib {
class Server;
}

namespace telegate::gateway {

struct BoundPorts {
  int public_port = 0;
  int admin_port = 0;
};

class GatewayServer {
 public:
  // `sink` and `admin` must outlive the server.
  GatewayServer(GatewayConfig config, UpdateSink* sink, AdminBackend* admin);
  ~GatewayServer();

  absl::StatusOr<BoundPorts> Start();
  void Shutdown();

 private:
  void AddPublicRoutes();
  void AddAdminRoutes();

  const GatewayConfig config_;
  WebhookHandler webhook_;
  AdminRoutes admin_routes_;
  std::unique_ptr<httplib::Server> public_;
  std::unique_ptr<httplib::Server> admin_;
  std::thread public_thread_;
  std::thread admin_thread_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_GATEWAY_SERVER_H_
