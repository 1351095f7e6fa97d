// The admin listener's JSON answers, built from AdminBackend results with no
// HTTP types: /health (the old system's fields), /restart_bot, /reset_errors
// and /api/stats. A worker that cannot be reached gives 503 with a reason.
#ifndef TELEGATE_GATEWAY_ADMIN_ROUTES_H_
#define TELEGATE_GATEWAY_ADMIN_ROUTES_H_

#include <string>

#include "gateway/admin_backend.h"

namespace telegate::gateway {

struct JsonAnswer {
  int status = 200;
  std::string body;
};

class AdminRoutes {
 public:
  // `backend` must outlive this object.
  AdminRoutes(AdminBackend* backend, std::string environment)
      : backend_(backend), environment_(std::move(environment)) {}

  JsonAnswer Health();
  JsonAnswer RestartBot();
  JsonAnswer ResetErrors();
  JsonAnswer Stats();

 private:
  AdminBackend* const backend_;
  const std::string environment_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_ADMIN_ROUTES_H_
