#include "bench/runner.h"

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
  const size_t total = static_cast<size_t>(config.chats) * config.messages;
  StackOptions stack_options;
  stack_options.bin_dir = config.bin_dir;
  stack_options.worker_threads = config.worker_threads;
  stack_options.connections = config.connections;
  stack_options.queue_limit = config.queue_limit;
  stack_options.expected_calls = total;
  absl::StatusOr<std::unique_ptr<BenchStack>> stack =
      BenchStack::Start(stack_options);
  if (!stack.ok()) return stack.status();

  LoadOptions load;
  load.port = (*stack)->public_port();
  load.secret = (*stack)->secret();
  load.chats = config.chats;
  load.messages = config.messages;
  load.connections = config.connections;
  LoadResult result = RunLoad(load);

  RunData data;
  data.echoes =
      WaitForEchoes((*stack)->api(), total, kEchoIdleTimeout, kDuplicateSettle);
  data.bench_cpu_seconds = SelfCpuSeconds();
  (*stack)->Stop(&data.worker, &data.gateway);

  data.chats = config.chats;
  data.messages = config.messages;
  data.connections = config.connections;
  data.worker_threads = config.worker_threads;
  data.updates = std::move(result.updates);
  data.non_2xx = result.non_2xx;
  data.no_answer = result.no_answer;
  return Summarize(data);
}

}  // namespace telegate::bench
