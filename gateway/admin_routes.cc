#include "gateway/admin_routes.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/time_util.h"
#include "nlohmann/json.hpp"

namespace telegate::gateway {
namespace {

using nlohmann::json;

JsonAnswer Unreachable(const absl::Status& status) {
  return {503, json{{"ok", false},
                    {"error", absl::StrCat("worker unreachable: ",
                                           std::string(status.message()))}}
                   .dump()};
}

}  // namespace

JsonAnswer AdminRoutes::Health() {
  auto health = backend_->GetHealth();
  if (!health.ok()) {
    return {503,
            json{{"status", "unhealthy"},
                 {"bot_status", absl::StrCat("worker unreachable: ",
                                             std::string(health.status().message()))},
                 {"error_count", nullptr},
                 {"timestamp", FormatRfc3339(absl::Now())},
                 {"environment", environment_},
                 {"worker_reachable", false}}
                .dump()};
  }
  json body = {{"status", health->status()},
               {"bot_status", health->bot_status()},
               {"error_count", health->error_count()},
               {"error_threshold", health->error_threshold()},
               {"restart_count", health->restart_count()},
               {"uptime_seconds", health->uptime_seconds()},
               {"timestamp", health->timestamp()},
               {"environment", health->environment()},
               {"bot_username", health->bot_username()},
               {"worker_reachable", true}};
  return {health->status() == "healthy" ? 200 : 503, body.dump()};
}

JsonAnswer AdminRoutes::RestartBot() {
  auto result = backend_->RestartBot();
  if (!result.ok()) return Unreachable(result.status());
  return {200, json{{"ok", result->ok()},
                    {"restart_count", result->restart_count()},
                    {"bot_status", result->bot_status()}}
                   .dump()};
}

JsonAnswer AdminRoutes::ResetErrors() {
  auto result = backend_->ResetErrors();
  if (!result.ok()) return Unreachable(result.status());
  return {200, json{{"ok", true}, {"error_count", result->error_count()}}.dump()};
}

JsonAnswer AdminRoutes::Stats() {
  auto s = backend_->GetStats();
  if (!s.ok()) return Unreachable(s.status());
  return {200, json{{"updates_received", s->updates_received()},
                    {"updates_accepted", s->updates_accepted()},
                    {"updates_duplicate", s->updates_duplicate()},
                    {"updates_overloaded", s->updates_overloaded()},
                    {"updates_processed", s->updates_processed()},
                    {"updates_failed", s->updates_failed()},
                    {"sends_ok", s->sends_ok()},
                    {"sends_failed", s->sends_failed()},
                    {"error_count", s->error_count()},
                    {"restart_count", s->restart_count()},
                    {"queue_depth", s->queue_depth()},
                    {"uptime_seconds", s->uptime_seconds()},
                    {"threads", s->threads()}}
                   .dump()};
}

}  // namespace telegate::gateway
