#include "bench/proc_stats.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace telegate::bench {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The value of the "<key> <n> kB" line of a /proc text, in MB.
absl::StatusOr<double> ParseKbLineMb(std::string_view text,
                                     absl::string_view key) {
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    if (!absl::ConsumePrefix(&line, key)) continue;
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&line, "kB");
    int64_t kb = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &kb)) break;
    return static_cast<double>(kb) / 1024.0;
  }
  return absl::InvalidArgumentError(absl::StrCat("no ", key, " line"));
}

}  // namespace

absl::StatusOr<double> ParsePeakRssMb(std::string_view status_text) {
  return ParseKbLineMb(status_text, "VmHWM:");
}

absl::StatusOr<double> ParsePssMb(std::string_view smaps_rollup_text) {
  return ParseKbLineMb(smaps_rollup_text, "Pss:");
}

absl::StatusOr<double> ReadPssMb(pid_t pid) {
  absl::StatusOr<std::string> text =
      ReadFile(absl::StrCat("/proc/", pid, "/smaps_rollup"));
  if (!text.ok()) return text.status();
  return ParsePssMb(*text);
}

PssPeakSampler::PssPeakSampler(std::vector<pid_t> pids,
                               absl::Duration interval)
    : pids_(std::move(pids)) {
  thread_ = std::thread([this, interval] {
    absl::MutexLock lock(&mu_);
    while (!stop_) {
      mu_.Unlock();
      SampleOnce();
      mu_.Lock();
      mu_.AwaitWithTimeout(absl::Condition(&stop_), interval);
    }
  });
}

PssPeakSampler::~PssPeakSampler() { Stop(); }

void PssPeakSampler::SampleOnce() {
  double sum = 0;
  for (pid_t pid : pids_) {
    absl::StatusOr<double> pss = ReadPssMb(pid);
    if (!pss.ok()) return;  // one gone: no whole sample
    sum += *pss;
  }
  absl::MutexLock lock(&mu_);
  peak_mb_ = std::max(peak_mb_, sum);
}

double PssPeakSampler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  return peak_mb_;
}

absl::StatusOr<double> ParseCpuSeconds(std::string_view stat_text,
                                       long ticks_per_second) {
  // "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so
  // fields are counted after the last ')'. utime and stime are fields 14
  // and 15 (1-based), i.e. the 12th and 13th after the ')'.
  size_t paren = stat_text.rfind(')');
  if (paren == std::string_view::npos || ticks_per_second <= 0) {
    return absl::InvalidArgumentError("malformed stat");
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat_text.data() + paren + 1,
                                       stat_text.size() - paren - 1),
                     ' ', absl::SkipEmpty());
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InvalidArgumentError("malformed stat");
  }
  return static_cast<double>(utime + stime) /
         static_cast<double>(ticks_per_second);
}

absl::StatusOr<ProcStats> ReadProcStats(pid_t pid) {
  std::string dir = absl::StrCat("/proc/", pid, "/");
  absl::StatusOr<std::string> status = ReadFile(dir + "status");
  if (!status.ok()) return status.status();
  absl::StatusOr<std::string> stat = ReadFile(dir + "stat");
  if (!stat.ok()) return stat.status();
  ProcStats out;
  absl::StatusOr<double> rss = ParsePeakRssMb(*status);
  if (!rss.ok()) return rss.status();
  out.peak_rss_mb = *rss;
  absl::StatusOr<double> cpu = ParseCpuSeconds(*stat, sysconf(_SC_CLK_TCK));
  if (!cpu.ok()) return cpu.status();
  out.cpu_seconds = *cpu;
  return out;
}

}  // namespace telegate::bench
