#include "worker/latency_window.h"

#include <algorithm>

namespace telegate::worker {

void LatencyWindow::Record(absl::Time now, absl::Duration latency) {
  double ms = absl::ToDoubleMilliseconds(latency);
  if (histogram_ != nullptr) histogram_->Observe(ms / 1000.0);
  absl::MutexLock lock(&mu_);
  if (ring_.size() < capacity_) {
    ring_.push_back({now, ms});
  } else {
    ring_[next_] = {now, ms};
    next_ = (next_ + 1) % capacity_;
  }
}

LatencyPercentiles LatencyWindow::Percentiles(absl::Time now) const {
  std::vector<double> recent;
  {
    absl::MutexLock lock(&mu_);
    for (const Sample& s : ring_) {
      if (now - s.at <= span_) recent.push_back(s.ms);
    }
  }
  LatencyPercentiles out;
  out.samples = static_cast<int64_t>(recent.size());
  if (recent.empty()) return out;
  auto at = [&](double q) {
    size_t i = std::min(recent.size() - 1,
                        static_cast<size_t>(q * (recent.size() - 1) + 0.5));
    std::nth_element(recent.begin(), recent.begin() + i, recent.end());
    return recent[i];
  };
  out.p50_ms = at(0.50);
  out.p99_ms = at(0.99);
  return out;
}

}  // namespace telegate::worker
