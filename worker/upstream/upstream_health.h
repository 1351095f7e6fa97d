// The upstream bot's own error-recovery state, beside the Bot API's
// (worker/bot_runtime.h): consecutive failed posts (a success resets only
// this counter), since when the bot is down, its last error, whether it
// refuses telegate (401/403/404: /health unhealthy), the posts in flight,
// their latency, and a connection generation that bumps at every threshold
// so each loop re-creates its connections to the bot once.
//
// Thread-safe; no I/O.
#ifndef TELEGATE_WORKER_UPSTREAM_UPSTREAM_HEALTH_H_
#define TELEGATE_WORKER_UPSTREAM_UPSTREAM_HEALTH_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "worker/latency_window.h"

namespace telegate::worker {

struct UpstreamSnapshot {
  std::string url;  // scheme://host:port only (no path: it may hold secrets)
  bool reachable = true;
  absl::Time down_since = absl::InfinitePast();  // while !reachable
  std::string last_error;                        // empty: none yet
  bool misconfigured = false;  // the last answer was 401/403/404/3xx
  int64_t error_count = 0;
  int64_t error_threshold = 0;
  int64_t restarts = 0;  // connection re-creations
  int64_t in_flight = 0;
  int64_t posted = 0;  // updates posted (attempts)
  int64_t handled = 0;
  int64_t refused = 0;  // 400/422: failed deliveries
  LatencyPercentiles latency;  // of answered posts, last minute
};

class UpstreamHealth {
 public:
  UpstreamHealth(std::string display_url, int64_t threshold);

  void PostStarted();
  // The bot answered 2xx (`handled`) or refused the update (400/422, not
  // an error of the bot's).
  void RecordAnswer(absl::Time now, absl::Duration latency, bool handled);
  // No answer, 5xx/408/429, or misconfiguration. Returns true when the
  // count just reached a multiple of the threshold: the generation bumped.
  bool RecordError(absl::Time now, const std::string& reason,
                   bool misconfigured);
  void PostFinished();
  // Operator's ResetErrors.
  void Reset();

  // Bumps at each threshold; loops compare it with theirs.
  uint64_t generation() const { return generation_.load(); }
  // The last time any post was answered (2xx or refusal).
  absl::Time last_answer() const;
  bool misconfigured() const;
  UpstreamSnapshot Snapshot(absl::Time now) const;

 private:
  const std::string url_;
  const int64_t threshold_;
  std::atomic<uint64_t> generation_{1};
  std::atomic<int64_t> in_flight_{0};
  mutable absl::Mutex mu_;
  int64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t restarts_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t posted_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t handled_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  bool misconfigured_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time down_since_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_answer_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  LatencyWindow latency_ ABSL_GUARDED_BY(mu_);
};

// "http://host:port" of `url` (no path, query or user info), for display.
std::string DisplayOrigin(std::string_view url);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_UPSTREAM_UPSTREAM_HEALTH_H_
