#include "worker/error_tracker.h"

namespace telegate::worker {

void ErrorTracker::RecordSuccess() {
  absl::MutexLock lock(&mu_);
  count_ = 0;
}

bool ErrorTracker::RecordError(const std::string& message) {
  absl::MutexLock lock(&mu_);
  ++count_;
  last_error_ = message;
  return threshold_ > 0 && count_ % threshold_ == 0;
}

void ErrorTracker::Reset() {
  absl::MutexLock lock(&mu_);
  count_ = 0;
}

int64_t ErrorTracker::count() const {
  absl::MutexLock lock(&mu_);
  return count_;
}

std::string ErrorTracker::status() const {
  absl::MutexLock lock(&mu_);
  return count_ == 0 ? "OK" : last_error_;
}

}  // namespace telegate::worker
