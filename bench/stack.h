// BenchStack: the system under test, wired as in production. An in-process
// emulated Telegram Bot API (EmulatorServer on a free loopback port) and the
// real telegate-worker and telegate-gateway binaries started as children on
// free loopback ports, with a fresh data directory. Not thread-safe: one
// owner thread; api() may be read from any thread (BotApi is thread-safe).
// Stop (or the destructor) stops the children and the emulator.
#ifndef TELEGATE_BENCH_STACK_H_
#define TELEGATE_BENCH_STACK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/records.h"
#include "emulator/bot_api.h"
#include "emulator/server.h"
#include "testing/child_process.h"

namespace telegate::bench {

struct StackOptions {
  std::string bin_dir;         // holds telegate-worker and telegate-gateway
  std::string worker_threads;  // "" = the worker's default
  int connections = 40;        // sizes the gateway's HTTP pool
  int queue_limit = 10000;     // the worker's TELEGATE_QUEUE_LIMIT
  size_t expected_calls = 0;   // sizes the emulator's call record
  int latency_ms = 0;          // every Bot API call answered after this
  std::string upstream_bot;    // a Python bot behind the pair; "" = none
};

class BenchStack {
 public:
  static absl::StatusOr<std::unique_ptr<BenchStack>> Start(
      const StackOptions& options);
  ~BenchStack();
  BenchStack(const BenchStack&) = delete;
  BenchStack& operator=(const BenchStack&) = delete;

  int public_port() const { return public_port_; }
  const std::string& secret() const;
  emulator::BotApi& api() { return *api_; }
  // The worker's and the gateway's process ids.
  std::vector<pid_t> pair_pids() const;

  // Reads the children's /proc figures, sends SIGTERM (gateway first, then
  // the worker), waits for both, stops the emulator. Idempotent.
  void Stop(ProcessFigures* worker, ProcessFigures* gateway);

 private:
  BenchStack() = default;
  absl::Status StartAll(const StackOptions& options);

  std::string data_dir_;
  std::unique_ptr<emulator::BotApi> api_;
  std::unique_ptr<emulator::EmulatorServer> emulator_;
  std::unique_ptr<testing::ChildProcess> worker_;
  std::unique_ptr<testing::ChildProcess> gateway_;
  std::unique_ptr<testing::ChildProcess> bot_;  // with upstream_bot
  int public_port_ = 0;
  bool stopped_ = false;
};

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_STACK_H_
