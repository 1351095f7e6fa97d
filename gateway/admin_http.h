// The admin listener's HTTP adapter: installs the access checks (a
// pre-routing handler: cross-site refusal for state-changing requests, the
// admin token when one is set; it also reads a POST without Content-Length as
// body-less, as curl -X POST sends it) and every route of the admin listener
// on a cpp-httplib server. Handlers only translate HTTP to AdminRoutes,
// StatusEvents, Playground and the metrics registry. Everything in
// AdminHttpDeps must outlive the server.
#ifndef TELEGATE_GATEWAY_ADMIN_HTTP_H_
#define TELEGATE_GATEWAY_ADMIN_HTTP_H_

#include "common/metrics.h"
#include "gateway/admin_auth.h"
#include "gateway/admin_routes.h"
#include "gateway/playground.h"
#include "gateway/status_events.h"

namespace httplib {
class Server;
}

namespace telegate::gateway {

struct AdminHttpDeps {
  AdminRoutes* routes = nullptr;
  const StatusEvents* events = nullptr;
  const Playground* playground = nullptr;  // nullptr: playground disabled
  const AdminAuth* auth = nullptr;
  const MetricsRegistry* metrics = nullptr;
};

void AddAdminHttpRoutes(httplib::Server& server, const AdminHttpDeps& deps);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_ADMIN_HTTP_H_
