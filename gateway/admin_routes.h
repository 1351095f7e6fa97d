// The admin listener's JSON answers, built from AdminBackend results with no
// HTTP types: /health (the old system's fields), /restart_bot, /reset_errors,
// /api/stats, /api/failed, /api/failed/retry, /api/webhook, and the status
// snapshots streamed by /api/events. A worker that cannot be reached gives
// 503 with a reason. Thread-safe (stateless over the backend).
#ifndef TELEGATE_GATEWAY_ADMIN_ROUTES_H_
#define TELEGATE_GATEWAY_ADMIN_ROUTES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "gateway/admin_backend.h"
#include "nlohmann/json.hpp"

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
  // {"deliveries":[{id, update_id, chat_key, method, params, error_code,
  // reason, failed_at}]}, newest first.
  JsonAnswer FailedDeliveries(int limit);
  // `body` is {"id":N}: {"ok":true}; 400 on a bad body, 404 for an unknown id.
  JsonAnswer RetryFailedDelivery(std::string_view body);
  // Telegram's WebhookInfo; 502 when Telegram refused, 503 when unreachable.
  JsonAnswer WebhookInfo();

 private:
  AdminBackend* const backend_;
  const std::string environment_;
};

// The JSON objects shared by /health, /api/stats and /api/events.
nlohmann::json HealthJson(const telegate::v1::GetHealthResponse& health);
nlohmann::json StatsJson(const telegate::v1::GetStatsResponse& stats);
// {"health":{...},"stats":{...},"recent_errors":[...],"worker_reachable":true}
std::string SnapshotJson(const telegate::v1::StatusSnapshot& snapshot);
// {"worker_reachable":false,"error":"..."}
std::string UnreachableJson(const absl::Status& status);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_ADMIN_ROUTES_H_
