// LatencyWindow: the latency of recently finished updates (acceptance to last
// Bot API call), for p50/p99 over the last minute, plus a Prometheus
// histogram of all of them. Thread-safe; memory bounded by the ring size.
#ifndef TELEGATE_WORKER_LATENCY_WINDOW_H_
#define TELEGATE_WORKER_LATENCY_WINDOW_H_

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/metrics.h"

namespace telegate::worker {

struct LatencyPercentiles {
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t samples = 0;
};

class LatencyWindow {
 public:
  // `histogram` may be null; it must outlive this object.
  explicit LatencyWindow(Histogram* histogram = nullptr,
                         size_t capacity = 4096,
                         absl::Duration span = absl::Minutes(1))
      : histogram_(histogram), capacity_(capacity), span_(span) {}

  void Record(absl::Time now, absl::Duration latency);
  // Over samples no older than the span (0s when there are none).
  LatencyPercentiles Percentiles(absl::Time now) const;

 private:
  struct Sample {
    absl::Time at;
    double ms;
  };
  Histogram* const histogram_;
  const size_t capacity_;
  const absl::Duration span_;
  mutable absl::Mutex mu_;
  std::vector<Sample> ring_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_LATENCY_WINDOW_H_
