// WorkerConfig: the worker's typed settings, built from Settings in main.cc.
#ifndef TELEGATE_WORKER_CONFIG_H_
#define TELEGATE_WORKER_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/settings.h"

namespace telegate::worker {

struct WorkerConfig {
  std::string bot_token;
  std::string api_base_url;
  std::string grpc_listen;
  int threads = 2;  // processing loops
  int max_in_flight = 4096;
  int bot_api_connections = 2048;  // per loop
  int64_t error_threshold = 10;
  int64_t queue_limit = 10000;
  int64_t shutdown_grace_ms = 10000;
  std::string data_dir = "./telegate-data";
  int64_t retention_hours = 48;
  std::string journal_sync = "FULL";
  // postgresql://...: the journal shared by every worker of the cluster;
  // empty: this worker's own SQLite file in data_dir.
  std::string journal_url;
  int64_t lease_ttl_ms = 10000;  // partition leases (PostgreSQL)
  int partitions = 256;          // chat partitions (PostgreSQL)
  std::string worker_id;         // the name in the cluster view
  int max_attempts = 5;
  std::string upstream_url;  // empty: the built-in echo bot
  std::string upstream_secret;
  int upstream_max_connections = 100;
  int64_t upstream_timeout_ms = 60000;
  std::string bot_api_listen;  // empty: no Bot API endpoint
  int64_t bot_api_max_wait_ms = 30000;
  bool rate_limits = false;
  int rate_global_per_second = 30;
  int64_t rate_chat_interval_ms = 1000;
  int rate_group_per_minute = 20;
  std::string admin_token;   // empty: no auth, loopback listeners only
  std::string admin_listen;  // HTTP: /metrics, /healthz; empty: none
  std::string environment;
  std::string log_level;
};

// The worker's settings table (flags and environment variables).
const std::vector<SettingSpec>& WorkerSettingSpecs();

// Validates everything; the error is one line naming the bad setting.
absl::StatusOr<WorkerConfig> LoadWorkerConfig(const Settings& settings);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_CONFIG_H_
