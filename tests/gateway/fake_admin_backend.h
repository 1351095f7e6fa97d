// FakeAdminBackend: an AdminBackend for gateway tests. Each method returns
// the public field of the same name (a response or an error status) and
// counts its calls. WatchStatus fails with `watch_error` if set, else sends
// the current snapshot every `watch_interval` until the callback says stop
// (counted in watch_stops). Set fields before use; calls are thread-safe.
#ifndef TELEGATE_TESTS_GATEWAY_FAKE_ADMIN_BACKEND_H_
#define TELEGATE_TESTS_GATEWAY_FAKE_ADMIN_BACKEND_H_

#include <atomic>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
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
    telegate::v1::FailedDelivery* d = failed->add_deliveries();
    d->set_id(7);
    d->set_update_id(1001);
    d->set_chat_key("c:42");
    d->set_method("sendMessage");
    d->set_params_json(R"({"chat_id":42,"text":"hi"})");
    d->set_error_code(403);
    d->set_reason("Forbidden: bot was blocked by the user");
    d->set_failed_at("2026-11-24T01:40:51.123Z");
    webhook->set_url("https://example.org/webhook");
    webhook->set_pending_update_count(3);
    webhook->set_max_connections(40);
    webhook->add_allowed_updates("message");
    *snapshot_.mutable_health() = h;
    *snapshot_.mutable_stats() = s;
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

  absl::StatusOr<telegate::v1::ListFailedDeliveriesResponse>
  ListFailedDeliveries(int limit) override {
    last_limit = limit;
    return failed;
  }
  absl::Status RetryFailedDelivery(int64_t id) override {
    absl::MutexLock lock(&mu_);
    retried_.push_back(id);
    return retry;
  }
  absl::StatusOr<telegate::v1::WebhookInfo> GetWebhookInfo() override {
    return webhook;
  }
  absl::Status WatchStatus(
      absl::Duration, const gateway::SnapshotCallback& on_snapshot) override {
    ++watch_calls;
    if (!watch_error.ok()) return watch_error;
    while (true) {
      telegate::v1::StatusSnapshot now;
      {
        absl::MutexLock lock(&mu_);
        now = snapshot_;
      }
      if (!on_snapshot(now)) {
        ++watch_stops;
        return absl::OkStatus();
      }
      absl::SleepFor(watch_interval);
    }
  }

  void SetSnapshot(telegate::v1::StatusSnapshot snapshot) {
    absl::MutexLock lock(&mu_);
    snapshot_ = std::move(snapshot);
  }
  std::vector<int64_t> retried() {
    absl::MutexLock lock(&mu_);
    return retried_;
  }

  absl::StatusOr<telegate::v1::GetHealthResponse> health;
  absl::StatusOr<telegate::v1::RestartBotResponse> restart;
  absl::StatusOr<telegate::v1::ResetErrorsResponse> reset;
  absl::StatusOr<telegate::v1::GetStatsResponse> stats;
  absl::StatusOr<telegate::v1::ListFailedDeliveriesResponse> failed{
      telegate::v1::ListFailedDeliveriesResponse()};
  absl::Status retry;
  absl::StatusOr<telegate::v1::WebhookInfo> webhook{
      telegate::v1::WebhookInfo()};
  absl::Status watch_error;
  absl::Duration watch_interval = absl::Milliseconds(10);
  std::atomic<int> health_calls{0}, restart_calls{0}, reset_calls{0},
      stats_calls{0}, watch_calls{0}, watch_stops{0}, last_limit{-1};

 private:
  absl::Mutex mu_;
  telegate::v1::StatusSnapshot snapshot_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> retried_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_GATEWAY_FAKE_ADMIN_BACKEND_H_
