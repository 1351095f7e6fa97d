// Counters the worker keeps for the Admin API. Lock-free; any thread.
#ifndef TELEGATE_WORKER_STATS_H_
#define TELEGATE_WORKER_STATS_H_

#include <atomic>
#include <cstdint>

namespace telegate::worker {

struct WorkerStats {
  std::atomic<int64_t> received{0};
  std::atomic<int64_t> accepted{0};
  std::atomic<int64_t> duplicate{0};
  std::atomic<int64_t> overloaded{0};
  std::atomic<int64_t> rejected{0};
  std::atomic<int64_t> processed{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> sends_ok{0};      // Bot API calls that succeeded
  std::atomic<int64_t> sends_failed{0};  // Bot API calls that failed
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_STATS_H_
