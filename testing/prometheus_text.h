// A strict parser of the Prometheus text exposition format (0.0.4) for
// tests: checks names, labels, escapes, values, HELP/TYPE placement, that a
// family's samples are contiguous, and histogram consistency (cumulative
// buckets, +Inf bucket equal to _count). Pure functions.
#ifndef TELEGATE_TESTING_PROMETHEUS_TEXT_H_
#define TELEGATE_TESTING_PROMETHEUS_TEXT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace telegate::testing {

struct PromSample {
  std::string name;  // full sample name, e.g. "x_bucket"
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromFamily {
  std::string type;  // counter, gauge, histogram, summary, untyped
  std::string help;
  std::vector<PromSample> samples;
};

// Family name -> family. An error names the line and what is wrong.
absl::StatusOr<std::map<std::string, PromFamily>> ParsePrometheusText(
    std::string_view text);

}  // namespace telegate::testing

#endif  // TELEGATE_TESTING_PROMETHEUS_TEXT_H_
