#include "gateway/status_events.h"

#include "absl/strings/str_cat.h"
#include "gateway/admin_routes.h"

namespace telegate::gateway {

std::string StatusEvents::Event(std::string_view json) {
  return absl::StrCat("event: status\ndata: ", std::string(json), "\n\n");
}

void StatusEvents::Run(
    const std::function<bool(const std::string& event)>& emit) const {
  while (!stopping_->HasBeenNotified()) {
    bool client_gone = false;
    absl::Status status = backend_->WatchStatus(
        options_.max_interval,
        [&](const telegate::v1::StatusSnapshot& snapshot) {
          if (stopping_->HasBeenNotified()) return false;
          client_gone = !emit(Event(SnapshotJson(snapshot)));
          return !client_gone;
        });
    if (status.ok() || client_gone) return;  // told to stop
    if (!emit(Event(UnreachableJson(status)))) return;
    if (stopping_->WaitForNotificationWithTimeout(options_.retry_interval)) {
      return;
    }
  }
}

}  // namespace telegate::gateway
