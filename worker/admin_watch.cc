// AdminService::WatchStatus: a status snapshot now, on every change (checked
// every 250 ms) and at least every max_interval_ms, until the client leaves.
#include "absl/time/clock.h"
#include "common/time_util.h"
#include "worker/admin_service.h"

namespace telegate::worker {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)

namespace {

constexpr absl::Duration kPoll = absl::Milliseconds(250);

// Everything that should trigger a new snapshot when it changes (uptime and
// timestamps excluded).
std::string Fingerprint(const StatusSnapshot& s) {
  StatusSnapshot copy = s;
  copy.mutable_health()->clear_uptime_seconds();
  copy.mutable_health()->clear_timestamp();
  copy.mutable_stats()->clear_uptime_seconds();
  copy.mutable_stats()->clear_latency_p50_ms();
  copy.mutable_stats()->clear_latency_p99_ms();
  for (ThreadState& t : *copy.mutable_stats()->mutable_thread_states()) {
    t.clear_state();
    t.clear_calls_in_flight();
    t.clear_chats_served();
  }
  return copy.SerializeAsString();
}

}  // namespace

grpc::Status AdminService::WatchStatus(
    grpc::ServerContext* context, const WatchStatusRequest* request,
    grpc::ServerWriter<StatusSnapshot>* writer) {
  if (grpc::Status s = deps_.auth->Check(*context); !s.ok()) return s;
  absl::Duration max_interval = absl::Milliseconds(
      request->max_interval_ms() > 0 ? request->max_interval_ms() : 2000);
  std::string last;
  absl::Time last_sent = absl::InfinitePast();
  while (!context->IsCancelled()) {
    StatusSnapshot snapshot;
    FillHealth(snapshot.mutable_health());
    FillStats(snapshot.mutable_stats());
    for (const BotRuntime::ErrorEvent& e : deps_.runtime->RecentErrors()) {
      ErrorEvent* out = snapshot.add_recent_errors();
      out->set_time(FormatRfc3339(e.time));
      out->set_reason(e.reason);
    }
    std::string fingerprint = Fingerprint(snapshot);
    absl::Time now = absl::Now();
    if (fingerprint != last || now - last_sent >= max_interval) {
      if (!writer->Write(snapshot)) break;
      last = std::move(fingerprint);
      last_sent = now;
    }
    absl::SleepFor(std::min(kPoll, max_interval));
  }
  return grpc::Status::OK;
}

}  // namespace telegate::worker
