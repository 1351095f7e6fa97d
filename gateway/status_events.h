// StatusEvents: the /api/events loop, free of HTTP. Watches the worker's
// status and emits one Server-Sent Event per snapshot
// ("event: status\ndata: <SnapshotJson>\n\n"). While the worker cannot be
// reached it emits {"worker_reachable":false,"error":...} every
// `retry_interval` and calls WatchStatus again. Run returns when `emit`
// reports the client gone or `stopping` is notified. Thread-safe: one Run
// per open event stream; `backend` and `stopping` must outlive the object.
#ifndef TELEGATE_GATEWAY_STATUS_EVENTS_H_
#define TELEGATE_GATEWAY_STATUS_EVENTS_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gateway/admin_backend.h"

namespace telegate::gateway {

struct StatusEventsOptions {
  // Longest gap between snapshots asked of the worker; also bounds how long
  // a closed browser or a shutdown goes unnoticed.
  absl::Duration max_interval = absl::Seconds(1);
  absl::Duration retry_interval = absl::Seconds(2);
};

class StatusEvents {
 public:
  StatusEvents(AdminBackend* backend, const absl::Notification* stopping,
               StatusEventsOptions options = {})
      : backend_(backend), stopping_(stopping), options_(options) {}

  // `emit` writes one whole event and returns false once the client is gone.
  void Run(const std::function<bool(const std::string& event)>& emit) const;

  // "event: status\ndata: <json>\n\n"
  static std::string Event(std::string_view json);

 private:
  AdminBackend* const backend_;
  const absl::Notification* const stopping_;
  const StatusEventsOptions options_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_STATUS_EVENTS_H_
