// RunBench: one benchmark run end to end: starts the stack (emulator,
// worker, gateway), plays the load, waits for the echoes, measures the
// processes, stops everything and summarises. Blocking; call from one
// thread. Errors are start-up failures; a run with lost echoes still
// returns a Report (see Passed).
#ifndef TELEGATE_BENCH_RUNNER_H_
#define TELEGATE_BENCH_RUNNER_H_

#include "absl/status/statusor.h"
#include "bench/config.h"
#include "bench/report.h"

namespace telegate::bench {

absl::StatusOr<Report> RunBench(const BenchConfig& config);

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_RUNNER_H_
