// BenchConfig: the benchmark's typed settings, built in main.cc from flags
// (or BENCH_* environment variables) through common/settings.h. Plain value.
#ifndef TELEGATE_BENCH_CONFIG_H_
#define TELEGATE_BENCH_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/settings.h"

namespace telegate::bench {

struct BenchConfig {
  int chats = 200;
  int messages = 50;  // per chat; ignored when `seconds` > 0
  int seconds = 0;    // > 0: send for this long instead of `messages`
  int drain_seconds = 30;  // after the load, wait at most this for echoes
  int latency_ms = 0;      // every Bot API call answered after this
  int connections = 40;
  std::string worker_threads;  // "" = the worker's default
  int queue_limit = 10000;     // the worker's TELEGATE_QUEUE_LIMIT
  // A webhook bot script run with /usr/bin/python3 behind the pair
  // (TELEGATE_UPSTREAM_URL + TELEGATE_BOT_API_LISTEN), e.g.
  // examples/python-echo/bot.py; "" = the built-in echo bot.
  std::string upstream_bot;
  std::string bin_dir;         // holds telegate-worker, telegate-gateway
  std::string json_path;       // "" = no JSON file
  std::string markdown_path;   // "" = none; else a table row is appended
};

const std::vector<SettingSpec>& BenchSettingSpecs();

// `self_dir` (the bench binary's directory) is the default bin_dir.
absl::StatusOr<BenchConfig> LoadBenchConfig(const Settings& settings,
                                            const std::string& self_dir);

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_CONFIG_H_
