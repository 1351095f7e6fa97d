// The bot's error-recovery counter: consecutive errors, reset by a success;
// reaching the threshold (and every further multiple of it) asks the caller
// to re-initialise the bot clients. Thread-safe.
#ifndef TELEGATE_WORKER_ERROR_TRACKER_H_
#define TELEGATE_WORKER_ERROR_TRACKER_H_

#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"

namespace telegate::worker {

class ErrorTracker {
 public:
  explicit ErrorTracker(int64_t threshold) : threshold_(threshold) {}

  void RecordSuccess();
  // Counts one error; true when the count just reached a multiple of the
  // threshold, i.e. the caller should re-initialise now.
  bool RecordError(const std::string& message);
  void Reset();

  int64_t count() const;
  int64_t threshold() const { return threshold_; }
  // "OK" while the count is zero, else the last error message.
  std::string status() const;

 private:
  const int64_t threshold_;
  mutable absl::Mutex mu_;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ERROR_TRACKER_H_
