// BotRuntime: the bot's recovery state shared by all processing threads —
// the error counter, the client generation, restart count and the identity
// from the last getMe. Re-initialising bumps the generation; each thread
// replaces its own client before its next update. Thread-safe.
#ifndef TELEGATE_WORKER_BOT_RUNTIME_H_
#define TELEGATE_WORKER_BOT_RUNTIME_H_

#include <atomic>
#include <deque>
#include <vector>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/bot_api_client.h"
#include "worker/error_tracker.h"

namespace telegate::worker {

struct BotSnapshot {
  int64_t error_count = 0;
  int64_t error_threshold = 0;
  int64_t restart_count = 0;
  bool ready = false;        // the last getMe succeeded
  std::string bot_status;    // "OK", the last error, or the getMe failure
  std::string bot_username;  // from the last successful getMe
};

class BotRuntime {
 public:
  // `factory` must outlive this object.
  BotRuntime(BotApiClientFactory* factory, int64_t error_threshold);

  // First start: checks the token with getMe; no restart is counted.
  absl::Status Initialize();
  // Re-initialises every client and re-checks getMe; counts one restart.
  absl::Status Restart(std::string_view reason);

  void RecordSuccess();
  // Counts an error; at each multiple of the threshold, Restart()s.
  void RecordError(const std::string& message);
  void ResetErrors();

  // Threads compare this with the generation of their client.
  uint64_t generation() const { return generation_.load(); }
  std::unique_ptr<BotApiClient> NewClient() { return factory_->Create(); }

  BotSnapshot Snapshot() const;

  struct ErrorEvent {
    absl::Time time;
    std::string reason;
  };
  // The last errors, newest first (at most 20).
  std::vector<ErrorEvent> RecentErrors() const;

 private:
  absl::Status CheckIdentity();

  BotApiClientFactory* const factory_;
  ErrorTracker errors_;
  std::atomic<uint64_t> generation_{0};
  absl::Mutex restart_mu_;  // serialises Initialize/Restart
  mutable absl::Mutex mu_;
  int64_t restart_count_ ABSL_GUARDED_BY(mu_) = 0;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  std::string init_error_ ABSL_GUARDED_BY(mu_);
  std::string username_ ABSL_GUARDED_BY(mu_);
  std::deque<ErrorEvent> recent_errors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_BOT_RUNTIME_H_
