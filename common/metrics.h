// Prometheus metrics on prometheus-cpp: a registry of counters and gauges
// read through callbacks when scraped (a custom prometheus::Collectable, so
// existing atomics are exported without a second copy) and latency
// histograms (prometheus-cpp's), rendered by its TextSerializer in the text
// exposition format 0.0.4. Names are prefixed "telegate_" by the caller.
// Thread-safe: register at start-up, observe and render from any thread.
// Callbacks run under the registry's lock during Collect/Render: they must
// only read (atomics, snapshots), never register.
#ifndef TELEGATE_COMMON_METRICS_H_
#define TELEGATE_COMMON_METRICS_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "prometheus/client_metric.h"
#include "prometheus/collectable.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/metric_type.h"

namespace telegate {

// Label pairs of one sample, e.g. {{"result","ok"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A histogram with fixed upper bounds (ascending); Observe takes only
// prometheus-cpp's short per-histogram lock.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  // The current buckets, sum and count, with `labels`.
  prometheus::ClientMetric Collect(const MetricLabels& labels) const;

 private:
  prometheus::Histogram histogram_;
};

// Buckets for latencies in seconds: 0.5 ms .. 30 s.
std::vector<double> LatencyBuckets();

class MetricsRegistry : public prometheus::Collectable {
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

  // Every family in registration order, each sample read now.
  std::vector<prometheus::MetricFamily> Collect() const override;
  // Collect() in the text exposition format (kMetricsContentType).
  std::string Render() const;

 private:
  struct Sample {
    MetricLabels labels;
    std::function<double()> read;          // counters and gauges
    std::unique_ptr<Histogram> owned;      // histograms made here
    const Histogram* histogram = nullptr;  // histograms (owned or not)
  };
  struct Family {
    std::string name, help;
    prometheus::MetricType type;
    std::vector<Sample> samples;
  };
  Family& FamilyLocked(const std::string& name, const std::string& help,
                       prometheus::MetricType type)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Family>> families_ ABSL_GUARDED_BY(mu_);
};

// The content type of Render()'s output.
inline constexpr char kMetricsContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace telegate

#endif  // TELEGATE_COMMON_METRICS_H_
