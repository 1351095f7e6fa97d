// Prometheus metrics: a registry of counters and gauges read through
// callbacks (so existing atomics are exported without a second copy) and
// latency histograms, rendered in the Prometheus text exposition format
// (version 0.0.4). Names are prefixed "telegate_" by the caller. Thread-safe:
// register at start-up, observe and render from any thread.
#ifndef TELEGATE_COMMON_METRICS_H_
#define TELEGATE_COMMON_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace telegate {

// Label pairs of one sample, e.g. {{"result","ok"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A histogram with fixed upper bounds; Observe is lock-free.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  // Appends the _bucket/_sum/_count samples for `name`.
  void Render(const std::string& name, const MetricLabels& labels,
              std::string* out) const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket + overflow
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_micros_{0};  // sum in millionths, lock-free
};

// Buckets for latencies in seconds: 0.5 ms .. 30 s.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  enum class Type { kCounter, kGauge };

  // Adds one sample of a counter or gauge family (families may have several
  // samples with different labels; help and type come from the first).
  void Add(Type type, const std::string& name, const std::string& help,
           MetricLabels labels, std::function<double()> read);
  // Creates and registers a histogram.
  Histogram* AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds, MetricLabels labels = {});
  // Registers a histogram owned elsewhere; it must outlive the registry.
  void AddHistogramRef(const std::string& name, const std::string& help,
                       const Histogram* histogram, MetricLabels labels = {});

  std::string Render() const;

 private:
  struct Sample {
    MetricLabels labels;
    std::function<double()> read;          // counters and gauges
    std::unique_ptr<Histogram> owned;      // histograms made here
    const Histogram* histogram = nullptr;  // histograms (owned or not)
  };
  struct Family {
    std::string name, help, type;
    std::vector<Sample> samples;
  };
  Family& FamilyLocked(const std::string& name, const std::string& help,
                       const std::string& type)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Family>> families_ ABSL_GUARDED_BY(mu_);
};

// The content type of Render()'s output.
inline constexpr char kMetricsContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace telegate

#endif  // TELEGATE_COMMON_METRICS_H_
