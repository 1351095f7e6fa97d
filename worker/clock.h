// The worker's one clock: every part that reads the time (scheduler,
// processor, delivery policy, rate limiter, journal) gets the same Clock,
// passed once from WorkerServer. absl::Now in production, a hand-moved clock
// in tests. A Clock must be thread-safe.
#ifndef TELEGATE_WORKER_CLOCK_H_
#define TELEGATE_WORKER_CLOCK_H_

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace telegate::worker {

using Clock = std::function<absl::Time()>;

inline Clock RealClock() {
  return [] { return absl::Now(); };
}

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_CLOCK_H_
