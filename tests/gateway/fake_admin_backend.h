// FakeAdminBackend: an AdminBackend for gateway tests. Each method returns
// the public field of the same name (a response or an error status) and
// counts its calls. Set fields before use; calls are thread-safe.
#ifndef TELEGATE_TESTS_GATEWAY_FAKE_ADMIN_BACKEND_H_
#define TELEGATE_TESTS_GATEWAY_FAKE_ADMIN_BACKEND_H_

#include <atomic>

#include "gateway/admin_backend.h"

namespace telegate::testing {

class FakeAdminBackend : public gateway::AdminBackend {
 public:
  FakeAdminBackend() {
    telegate::v1::GetHealthResponse h;
    h.set_status("healthy");
    h.set_bot_status("OK");
    h.set_error_count(0);
    h.set_error_threshold(10);
    h.set_restart_count(2);
    h.set_uptime_seconds(3600);
    h.set_timestamp("2026-11-24T01:40:51.123Z");
    h.set_environment("production");
    h.set_bot_username("fake_bot");
    health = h;
    telegate::v1::RestartBotResponse r;
    r.set_ok(true);
    r.set_restart_count(3);
    r.set_bot_status("OK");
    restart = r;
    reset = telegate::v1::ResetErrorsResponse();
    telegate::v1::GetStatsResponse s;
    s.set_updates_received(12);
    s.set_updates_accepted(10);
    s.set_updates_duplicate(2);
    s.set_updates_processed(9);
    s.set_sends_ok(9);
    s.set_threads(4);
    stats = s;
  }

  absl::StatusOr<telegate::v1::GetHealthResponse> GetHealth() override {
    ++health_calls;
    return health;
  }
  absl::StatusOr<telegate::v1::RestartBotResponse> RestartBot() override {
    ++restart_calls;
    return restart;
  }
  absl::StatusOr<telegate::v1::ResetErrorsResponse> ResetErrors() override {
    ++reset_calls;
    return reset;
  }
  absl::StatusOr<telegate::v1::GetStatsResponse> GetStats() override {
    ++stats_calls;
    return stats;
  }

  absl::StatusOr<telegate::v1::GetHealthResponse> health;
  absl::StatusOr<telegate::v1::RestartBotResponse> restart;
  absl::StatusOr<telegate::v1::ResetErrorsResponse> reset;
  absl::StatusOr<telegate::v1::GetStatsResponse> stats;
  std::atomic<int> health_calls{0}, restart_calls{0}, reset_calls{0},
      stats_calls{0};
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_GATEWAY_FAKE_ADMIN_BACKEND_H_
