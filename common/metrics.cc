#include "common/metrics.h"

#include "prometheus/text_serializer.h"

namespace telegate {
namespace {

std::vector<prometheus::ClientMetric::Label> ToLabels(
    const MetricLabels& labels) {
  std::vector<prometheus::ClientMetric::Label> out;
  out.reserve(labels.size());
  for (const auto& [name, value] : labels) out.push_back({name, value});
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : histogram_(bounds) {}

void Histogram::Observe(double value) { histogram_.Observe(value); }

prometheus::ClientMetric Histogram::Collect(const MetricLabels& labels) const {
  prometheus::ClientMetric metric = histogram_.Collect();
  metric.label = ToLabels(labels);
  return metric;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,  0.5,    1,     2.5,  5,     10, 30};
}

MetricsRegistry::Family& MetricsRegistry::FamilyLocked(
    const std::string& name, const std::string& help,
    prometheus::MetricType type) {
  for (auto& f : families_) {
    if (f->name == name) return *f;
  }
  families_.push_back(std::make_unique<Family>(Family{name, help, type, {}}));
  return *families_.back();
}

void MetricsRegistry::Add(Type type, const std::string& name,
                          const std::string& help, MetricLabels labels,
                          std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  Family& f = FamilyLocked(name, help,
                           type == Type::kCounter
                               ? prometheus::MetricType::Counter
                               : prometheus::MetricType::Gauge);
  f.samples.push_back(Sample{std::move(labels), std::move(read), nullptr});
}

Histogram* MetricsRegistry::AddHistogram(const std::string& name,
                                         const std::string& help,
                                         std::vector<double> bounds,
                                         MetricLabels labels) {
  absl::MutexLock lock(&mu_);
  Family& f = FamilyLocked(name, help, prometheus::MetricType::Histogram);
  auto owned = std::make_unique<Histogram>(std::move(bounds));
  Histogram* raw = owned.get();
  f.samples.push_back(Sample{std::move(labels), nullptr, std::move(owned), raw});
  return raw;
}

void MetricsRegistry::AddHistogramRef(const std::string& name,
                                      const std::string& help,
                                      const Histogram* histogram,
                                      MetricLabels labels) {
  absl::MutexLock lock(&mu_);
  Family& f = FamilyLocked(name, help, prometheus::MetricType::Histogram);
  f.samples.push_back(Sample{std::move(labels), nullptr, nullptr, histogram});
}

std::vector<prometheus::MetricFamily> MetricsRegistry::Collect() const {
  absl::MutexLock lock(&mu_);
  std::vector<prometheus::MetricFamily> out;
  out.reserve(families_.size());
  for (const auto& f : families_) {
    prometheus::MetricFamily family{f->name, f->help, f->type, {}};
    family.metric.reserve(f->samples.size());
    for (const Sample& s : f->samples) {
      if (s.histogram != nullptr) {
        family.metric.push_back(s.histogram->Collect(s.labels));
        continue;
      }
      prometheus::ClientMetric metric;
      metric.label = ToLabels(s.labels);
      if (f->type == prometheus::MetricType::Counter) {
        metric.counter.value = s.read();
      } else {
        metric.gauge.value = s.read();
      }
      family.metric.push_back(std::move(metric));
    }
    out.push_back(std::move(family));
  }
  return out;
}

std::string MetricsRegistry::Render() const {
  return prometheus::TextSerializer().Serialize(Collect());
}

}  // namespace telegate
