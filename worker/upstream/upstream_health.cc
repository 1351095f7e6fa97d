#include "worker/upstream/upstream_health.h"

#include <utility>

namespace telegate::worker {

UpstreamHealth::UpstreamHealth(std::string display_url, int64_t threshold)
    : url_(std::move(display_url)), threshold_(threshold) {}

void UpstreamHealth::PostStarted() {
  in_flight_.fetch_add(1);
  absl::MutexLock lock(&mu_);
  ++posted_;
}

void UpstreamHealth::PostFinished() { in_flight_.fetch_sub(1); }

void UpstreamHealth::RecordAnswer(absl::Time now, absl::Duration latency,
                                  bool handled) {
  absl::MutexLock lock(&mu_);
  errors_ = 0;
  misconfigured_ = false;
  down_since_ = absl::InfinitePast();
  last_answer_ = now;
  ++(handled ? handled_ : refused_);
  latency_.Record(now, latency);
}

bool UpstreamHealth::RecordError(absl::Time now, const std::string& reason,
                                 bool misconfigured) {
  absl::MutexLock lock(&mu_);
  if (errors_ == 0) down_since_ = now;
  ++errors_;
  last_error_ = reason;
  misconfigured_ = misconfigured;
  if (threshold_ > 0 && errors_ % threshold_ == 0) {
    ++restarts_;
    generation_.fetch_add(1);
    return true;
  }
  return false;
}

void UpstreamHealth::Reset() {
  absl::MutexLock lock(&mu_);
  errors_ = 0;
  down_since_ = absl::InfinitePast();
}

absl::Time UpstreamHealth::last_answer() const {
  absl::MutexLock lock(&mu_);
  return last_answer_;
}

bool UpstreamHealth::misconfigured() const {
  absl::MutexLock lock(&mu_);
  return misconfigured_;
}

UpstreamSnapshot UpstreamHealth::Snapshot(absl::Time now) const {
  UpstreamSnapshot s;
  s.url = url_;
  s.in_flight = in_flight_.load();
  s.error_threshold = threshold_;
  absl::MutexLock lock(&mu_);
  s.reachable = errors_ == 0;
  s.down_since = down_since_;
  s.last_error = last_error_;
  s.misconfigured = misconfigured_;
  s.error_count = errors_;
  s.restarts = restarts_;
  s.posted = posted_;
  s.handled = handled_;
  s.refused = refused_;
  s.latency = latency_.Percentiles(now);
  return s;
}

std::string DisplayOrigin(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  size_t host_start = scheme_end + 3;
  size_t host_end = url.find_first_of("/?#", host_start);
  std::string_view authority = url.substr(
      host_start, host_end == std::string_view::npos ? std::string_view::npos
                                                     : host_end - host_start);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);  // drop user:password@
  }
  return std::string(url.substr(0, host_start)) + std::string(authority);
}

}  // namespace telegate::worker
