// Resource figures of a running process read from /proc (Linux only):
// peak resident set size (VmHWM) and CPU time (user + system). Stateless
// free functions; safe from any thread.
#ifndef TELEGATE_BENCH_PROC_STATS_H_
#define TELEGATE_BENCH_PROC_STATS_H_

#include <sys/types.h>

#include <string_view>

#include "absl/status/statusor.h"
#include "bench/records.h"

namespace telegate::bench {

// Reads /proc/<pid>/status and /proc/<pid>/stat (getpid() for this
// process). The process must still be alive (a reaped child has no /proc
// entry).
absl::StatusOr<ProcStats> ReadProcStats(pid_t pid);

// Pure parsers, split out for testing.
// VmHWM from the text of /proc/<pid>/status, in MB (1 MB = 1024 kB).
absl::StatusOr<double> ParsePeakRssMb(std::string_view status_text);
// utime + stime from the text of /proc/<pid>/stat, in seconds.
absl::StatusOr<double> ParseCpuSeconds(std::string_view stat_text,
                                       long ticks_per_second);

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_PROC_STATS_H_
