#include "bench/runner.h"

#include <unistd.h>

#include <filesystem>
#include <utility>

#include "absl/time/clock.h"
#include "bench/echoes.h"
#include "bench/load.h"
#include "bench/proc_stats.h"
#include "bench/stack.h"

namespace telegate::bench {
namespace {

constexpr absl::Duration kEchoIdleTimeout = absl::Seconds(15);
constexpr absl::Duration kDuplicateSettle = absl::Milliseconds(500);

}  // namespace

absl::StatusOr<Report> RunBench(const BenchConfig& config) {
  const bool timed = config.seconds > 0;
  // A timed run records as many calls as it makes (up to a generous cap).
  const size_t total =
      timed ? 5000000 : static_cast<size_t>(config.chats) * config.messages;
  StackOptions stack_options;
  stack_options.bin_dir = config.bin_dir;
  stack_options.worker_threads = config.worker_threads;
  stack_options.connections = config.connections;
  stack_options.queue_limit = config.queue_limit;
  stack_options.expected_calls = total;
  stack_options.latency_ms = config.latency_ms;
  stack_options.upstream_bot = config.upstream_bot;
  absl::StatusOr<std::unique_ptr<BenchStack>> stack =
      BenchStack::Start(stack_options);
  if (!stack.ok()) return stack.status();

  LoadOptions load;
  load.port = (*stack)->public_port();
  load.secret = (*stack)->secret();
  load.chats = config.chats;
  load.messages = config.messages;
  load.duration = absl::Seconds(config.seconds);
  load.connections = config.connections;
  PssPeakSampler pss((*stack)->pair_pids(), absl::Milliseconds(100));
  LoadResult result = RunLoad(load);
  size_t accepted = 0;
  for (const UpdateRecord& u : result.updates) accepted += u.delivered;

  RunData data;
  data.echoes = WaitForEchoes(
      (*stack)->api(), accepted, kEchoIdleTimeout,
      absl::FromUnixMicros(result.end_us) + absl::Seconds(config.drain_seconds),
      kDuplicateSettle);
  // Measured before anything stops, so shutdown work is not counted.
  data.bench.name = "load generator + emulator";
  if (absl::StatusOr<ProcStats> self = ReadProcStats(getpid()); self.ok()) {
    data.bench.measured = true;
    data.bench.stats = *self;
  }
  data.pair_peak_pss_mb = pss.Stop();
  (*stack)->Stop(&data.worker, &data.gateway);

  data.chats = config.chats;
  data.messages = timed ? 0 : config.messages;
  data.seconds = config.seconds;
  data.latency_ms = config.latency_ms;
  data.connections = config.connections;
  data.worker_threads = config.worker_threads;
  data.bot = config.upstream_bot.empty()
                 ? ""
                 : std::filesystem::path(config.upstream_bot)
                       .parent_path()
                       .filename()
                       .string();
  data.updates = std::move(result.updates);
  data.non_2xx = result.non_2xx;
  data.no_answer = result.no_answer;
  return Summarize(data);
}

}  // namespace telegate::bench
