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
  int messages = 50;
  int connections = 40;
  std::string worker_threads;  // "" = the worker's default
  int queue_limit = 10000;     // the worker's TELEGATE_QUEUE_LIMIT
  std::string bin_dir;         // holds telegate-worker, telegate-gateway
  std::string json_path;       // "" = no JSON file
};

const std::vector<SettingSpec>& BenchSettingSpecs();

// `self_dir` (the bench binary's directory) is the default bin_dir.
absl::StatusOr<BenchConfig> LoadBenchConfig(const Settings& settings,
                                            const std::string& self_dir);

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_CONFIG_H_
