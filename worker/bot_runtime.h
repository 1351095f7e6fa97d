// BotRuntime: the bot's recovery state shared by every processing loop —
// the worker-wide error count, the client generation, restart count and the
// identity from the last getMe.
//
// Generations: every Bot API result is reported with the generation of the
// client that made the call. Results of an older generation are ignored
// (neither error nor success), and a generation restarts at most once, so
// one outage with hundreds of calls in flight re-initialises the bot once.
// Re-initialising bumps the generation and calls the `on_new_generation`
// hook (the processor then gives every loop a fresh client); getMe is then
// re-checked through the `check_identity` hook, i.e. through a new client.
//
// Thread-safe. Hooks are bound once, before Initialize; they must not
// block (they post to loops). Callbacks run on whatever thread the getMe
// answer arrives on (a loop): they must not block either.
#ifndef TELEGATE_WORKER_BOT_RUNTIME_H_
#define TELEGATE_WORKER_BOT_RUNTIME_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/bot_api_client.h"
#include "worker/clock.h"
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
  using StatusCallback = std::function<void(absl::Status)>;
  // Performs getMe through a client of the current generation.
  using IdentityCheck =
      std::function<void(std::function<void(ApiResult)> done)>;

  explicit BotRuntime(int64_t error_threshold, Clock clock = RealClock());

  void Bind(std::function<void(uint64_t generation)> on_new_generation,
            IdentityCheck check_identity);

  // First start: a new generation, getMe checked; no restart counted.
  void Initialize(StatusCallback done);
  // Re-initialises every client and re-checks getMe; counts one restart.
  void Restart(std::string_view reason, StatusCallback done);
  // Blocking forms, for threads that are not loops (start-up, gRPC).
  absl::Status InitializeAndWait();
  absl::Status RestartAndWait(std::string_view reason);

  // The result of a call made by a client of `generation`.
  void RecordSuccess(uint64_t generation);
  // Counts an error of the current generation; reaching a multiple of the
  // threshold restarts (once per generation).
  void RecordError(uint64_t generation, const std::string& message);
  void ResetErrors();

  uint64_t generation() const;

  BotSnapshot Snapshot() const;

  struct ErrorEvent {
    absl::Time time;
    std::string reason;
  };
  // The last errors, newest first (at most 20).
  std::vector<ErrorEvent> RecentErrors() const;

 private:
  // The generation is already bumped; swaps clients and checks getMe.
  void BeginGeneration(uint64_t generation, std::string reason,
                       bool is_restart, StatusCallback done);
  void OnIdentity(uint64_t generation, const ApiResult& result,
                  std::string reason, bool is_restart, StatusCallback done);

  ErrorTracker errors_;
  const Clock clock_;
  std::function<void(uint64_t)> on_new_generation_;
  IdentityCheck check_identity_;
  mutable absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t restart_count_ ABSL_GUARDED_BY(mu_) = 0;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  std::string init_error_ ABSL_GUARDED_BY(mu_);
  std::string username_ ABSL_GUARDED_BY(mu_);
  std::deque<ErrorEvent> recent_errors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_BOT_RUNTIME_H_
