// Counters the worker keeps for the Admin API and /metrics. Thread-safe.
#ifndef TELEGATE_WORKER_STATS_H_
#define TELEGATE_WORKER_STATS_H_

#include <atomic>
#include <cstdint>

#include "common/metrics.h"
#include "worker/latency_window.h"

namespace telegate::worker {

struct WorkerStats {
  std::atomic<int64_t> received{0};
  std::atomic<int64_t> accepted{0};
  std::atomic<int64_t> duplicate{0};
  std::atomic<int64_t> overloaded{0};
  std::atomic<int64_t> rejected{0};
  std::atomic<int64_t> replayed{0};   // unfinished updates taken up at start
  std::atomic<int64_t> processed{0};  // handled, every call succeeded
  std::atomic<int64_t> failed{0};     // handled, some call failed for good
  std::atomic<int64_t> sends_ok{0};       // Bot API calls that succeeded
  std::atomic<int64_t> sends_failed{0};   // failed attempts (any reason)
  std::atomic<int64_t> flood_waits{0};    // 429 answers honoured
  std::atomic<int64_t> retries{0};        // transient failures retried
  std::atomic<int64_t> migrations{0};     // replies moved to a new chat id
  std::atomic<int64_t> rate_limited{0};   // sends held by our own limits
  std::atomic<int64_t> failed_deliveries{0};
  // Acceptance to last Bot API call, seconds (histogram) and last minute.
  Histogram latency_histogram{LatencyBuckets()};
  LatencyWindow latency{&latency_histogram};
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_STATS_H_
