// Resource figures of a running process read from /proc (Linux only):
// peak resident set size (VmHWM), CPU time (user + system) and proportional
// set size. Free functions, safe from any thread, and one sampler of the
// peak Pss of several processes together.
#ifndef TELEGATE_BENCH_PROC_STATS_H_
#define TELEGATE_BENCH_PROC_STATS_H_

#include <sys/types.h>

#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/records.h"

namespace telegate::bench {

// Reads /proc/<pid>/status and /proc/<pid>/stat (getpid() for this
// process). The process must still be alive (a reaped child has no /proc
// entry).
absl::StatusOr<ProcStats> ReadProcStats(pid_t pid);

// Proportional set size (Pss in /proc/<pid>/smaps_rollup), in MB: the
// process's private pages plus its share of pages it shares with others
// (the same libgrpc, libprotobuf, ... mapped by worker and gateway count
// once across them, not once per process as a sum of RSS would).
absl::StatusOr<double> ReadPssMb(pid_t pid);

// Samples the summed Pss of `pids` every `interval` on a thread of its own
// until Stop(); Stop returns the highest sum seen (0 when none could be read).
class PssPeakSampler {
 public:
  PssPeakSampler(std::vector<pid_t> pids, absl::Duration interval);
  ~PssPeakSampler();
  PssPeakSampler(const PssPeakSampler&) = delete;
  PssPeakSampler& operator=(const PssPeakSampler&) = delete;
  double Stop();

 private:
  void SampleOnce();

  const std::vector<pid_t> pids_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  double peak_mb_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

// Pure parsers, split out for testing.
// Pss from the text of /proc/<pid>/smaps_rollup, in MB.
absl::StatusOr<double> ParsePssMb(std::string_view smaps_rollup_text);
// VmHWM from the text of /proc/<pid>/status, in MB (1 MB = 1024 kB).
absl::StatusOr<double> ParsePeakRssMb(std::string_view status_text);
// utime + stime from the text of /proc/<pid>/stat, in seconds.
absl::StatusOr<double> ParseCpuSeconds(std::string_view stat_text,
                                       long ticks_per_second);

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_PROC_STATS_H_
