#include "common/metrics.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace telegate {
namespace {

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrFormat("%d", static_cast<int64_t>(v));
  }
  return absl::StrFormat("%.9g", v);
}

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string FormatLabels(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", labels[i].first, "=\"",
                    EscapeLabel(labels[i].second), "\"");
  }
  return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<int64_t>(std::llround(value * 1e6)),
                        std::memory_order_relaxed);
}

void Histogram::Render(const std::string& name, const MetricLabels& labels,
                       std::string* out) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    MetricLabels with_le = labels;
    with_le.emplace_back(
        "le", i < bounds_.size() ? FormatValue(bounds_[i]) : "+Inf");
    absl::StrAppend(out, name, "_bucket", FormatLabels(with_le), " ",
                    cumulative, "\n");
  }
  // Count is rendered as the cumulative total so that it always equals the
  // +Inf bucket, even while observations race with rendering.
  absl::StrAppend(out, name, "_sum", FormatLabels(labels), " ",
                  FormatValue(sum_micros_.load() / 1e6), "\n");
  absl::StrAppend(out, name, "_count", FormatLabels(labels), " ", cumulative,
                  "\n");
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,  0.5,    1,     2.5,  5,     10, 30};
}

MetricsRegistry::Family& MetricsRegistry::FamilyLocked(
    const std::string& name, const std::string& help,
    const std::string& type) {
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
                           type == Type::kCounter ? "counter" : "gauge");
  f.samples.push_back(Sample{std::move(labels), std::move(read), nullptr});
}

Histogram* MetricsRegistry::AddHistogram(const std::string& name,
                                         const std::string& help,
                                         std::vector<double> bounds,
                                         MetricLabels labels) {
  absl::MutexLock lock(&mu_);
  Family& f = FamilyLocked(name, help, "histogram");
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
  Family& f = FamilyLocked(name, help, "histogram");
  f.samples.push_back(Sample{std::move(labels), nullptr, nullptr, histogram});
}

std::string MetricsRegistry::Render() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const auto& f : families_) {
    absl::StrAppend(&out, "# HELP ", f->name, " ", f->help, "\n", "# TYPE ",
                    f->name, " ", f->type, "\n");
    for (const Sample& s : f->samples) {
      if (s.histogram != nullptr) {
        s.histogram->Render(f->name, s.labels, &out);
      } else {
        absl::StrAppend(&out, f->name, FormatLabels(s.labels), " ",
                        FormatValue(s.read()), "\n");
      }
    }
  }
  return out;
}

}  // namespace telegate
