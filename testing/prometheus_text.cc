#include "testing/prometheus_text.h"

#include <cmath>
#include <cstdlib>
#include <regex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace telegate::testing {
namespace {

const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");

bool ParseValue(const std::string& text, double* out) {
  if (text == "+Inf") { *out = INFINITY; return true; }
  if (text == "-Inf") { *out = -INFINITY; return true; }
  if (text == "NaN") { *out = NAN; return true; }
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

// Parses `name{a="b",...} value` into `sample`; returns "" or the error.
std::string ParseSampleLine(const std::string& line, PromSample* sample) {
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample->name = line.substr(0, i);
  if (!std::regex_match(sample->name, kName)) return "bad metric name";
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find('=', i);
      if (eq == std::string::npos) return "label without '='";
      std::string key = line.substr(i, eq - i);
      if (!std::regex_match(key, kLabelName)) return "bad label name";
      if (eq + 1 >= line.size() || line[eq + 1] != '"') return "unquoted label";
      std::string value;
      size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\') {
          if (++j >= line.size()) return "dangling escape";
          char c = line[j];
          if (c == 'n') value.push_back('\n');
          else if (c == '\\' || c == '"') value.push_back(c);
          else return "bad escape in label value";
        } else {
          value.push_back(line[j]);
        }
      }
      if (j >= line.size()) return "unterminated label value";
      if (!sample->labels.emplace(key, value).second) return "repeated label";
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return "unterminated label set";
    ++i;
  }
  if (i >= line.size() || line[i] != ' ') return "missing value";
  std::vector<std::string> rest = absl::StrSplit(line.substr(i + 1), ' ');
  if (rest.empty() || rest.size() > 2) return "bad value/timestamp";
  if (!ParseValue(rest[0], &sample->value)) return "bad value";
  return "";
}

std::string FamilyOf(const std::string& sample_name,
                     const std::map<std::string, PromFamily>& families) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    std::string s = suffix;
    if (sample_name.size() > s.size() &&
        sample_name.compare(sample_name.size() - s.size(), s.size(), s) == 0) {
      std::string base = sample_name.substr(0, sample_name.size() - s.size());
      auto it = families.find(base);
      if (it != families.end() &&
          (it->second.type == "histogram" || it->second.type == "summary")) {
        return base;
      }
    }
  }
  return sample_name;
}

absl::Status CheckHistogram(const std::string& name, const PromFamily& f) {
  // Group by the labels other than "le".
  std::map<std::map<std::string, std::string>, std::vector<PromSample>> series;
  for (const PromSample& s : f.samples) {
    auto key = s.labels;
    key.erase("le");
    series[key].push_back(s);
  }
  for (const auto& [labels, samples] : series) {
    double last = -1, inf = -1, count = -1;
    bool has_sum = false;
    for (const PromSample& s : samples) {
      if (s.name == name + "_bucket") {
        auto le = s.labels.find("le");
        if (le == s.labels.end()) return absl::InvalidArgumentError(
            absl::StrCat(name, ": bucket without le"));
        if (s.value < last) return absl::InvalidArgumentError(
            absl::StrCat(name, ": buckets not cumulative"));
        last = s.value;
        if (le->second == "+Inf") inf = s.value;
      } else if (s.name == name + "_count") {
        count = s.value;
      } else if (s.name == name + "_sum") {
        has_sum = true;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat(name, ": unexpected sample ", s.name));
      }
    }
    if (inf < 0 || count < 0 || !has_sum || inf != count) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": needs +Inf bucket, _sum and _count with +Inf == _count"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::map<std::string, PromFamily>> ParsePrometheusText(
    std::string_view text) {
  std::map<std::string, PromFamily> families;
  std::string current;  // family whose samples are being read
  std::vector<std::string> lines = absl::StrSplit(std::string(text), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  int number = 0;
  for (const std::string& line : lines) {
    ++number;
    auto fail = [&](std::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", number, ": ", std::string(why), ": ", line));
    };
    if (line.empty()) return fail("empty line");
    if (line[0] == '#') {
      std::vector<std::string> parts = absl::StrSplit(line, absl::MaxSplits(' ', 3));
      if (parts.size() < 3 || (parts[1] != "HELP" && parts[1] != "TYPE")) {
        continue;  // a plain comment
      }
      if (!std::regex_match(parts[2], kName)) return fail("bad name");
      PromFamily& f = families[parts[2]];
      if (!f.samples.empty()) return fail("HELP/TYPE after samples");
      if (parts[1] == "TYPE") {
        static const std::regex kTypes("counter|gauge|histogram|summary|untyped");
        if (parts.size() != 4 || !std::regex_match(parts[3], kTypes)) {
          return fail("bad type");
        }
        if (!f.type.empty()) return fail("second TYPE");
        f.type = parts[3];
      } else {
        f.help = parts.size() == 4 ? parts[3] : "";
      }
      current = parts[2];
      continue;
    }
    PromSample sample;
    if (std::string err = ParseSampleLine(line, &sample); !err.empty()) {
      return fail(err);
    }
    std::string family = FamilyOf(sample.name, families);
    if (family != current && families.count(family) &&
        !families[family].samples.empty()) {
      return fail("samples of a family are not contiguous");
    }
    current = family;
    PromFamily& f = families[family];
    if (f.type.empty()) f.type = "untyped";
    if (f.type == "counter" && (sample.value < 0 || std::isnan(sample.value))) {
      return fail("negative counter");
    }
    f.samples.push_back(std::move(sample));
  }
  for (const auto& [name, f] : families) {
    if (f.samples.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": no samples"));
    }
    if (f.type == "histogram") {
      if (absl::Status s = CheckHistogram(name, f); !s.ok()) return s;
    }
  }
  return families;
}

}  // namespace telegate::testing
