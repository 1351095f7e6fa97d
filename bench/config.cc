#include "bench/config.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace telegate::bench {

const std::vector<SettingSpec>& BenchSettingSpecs() {
  static const auto* specs = new std::vector<SettingSpec>{
      {"BENCH_CHATS", "chats", "200", "private chats sending messages"},
      {"BENCH_MESSAGES", "messages", "50",
       "text messages per chat (when BENCH_SECONDS is 0)"},
      {"BENCH_SECONDS", "seconds", "0",
       "send for this many seconds instead of a fixed count (0: the count)"},
      {"BENCH_DRAIN_SECONDS", "drain_seconds", "30",
       "after the load, wait at most this long for the last echoes"},
      {"BENCH_LATENCY_MS", "latency_ms", "0",
       "every Bot API call is answered after this many ms"},
      {"BENCH_CONNECTIONS", "connections", "40",
       "webhook connections (Telegram's max_connections), one thread each"},
      {"BENCH_WORKER_THREADS", "worker_threads", "",
       "TELEGATE_WORKER_THREADS for the worker (empty: its default)"},
      {"BENCH_QUEUE_LIMIT", "queue_limit", "10000",
       "TELEGATE_QUEUE_LIMIT for the worker (small values provoke 503 + "
       "redelivery)"},
      {"BENCH_UPSTREAM_BOT", "upstream_bot", "",
       "a Python webhook bot (e.g. examples/python-echo/bot.py) run behind "
       "the pair instead of the built-in echo bot"},
      {"BENCH_BIN_DIR", "bin_dir", "",
       "directory of telegate-worker and telegate-gateway (empty: the "
       "bench binary's directory)"},
      {"BENCH_JSON", "json", "", "also write the report as JSON to this file"},
      {"BENCH_MARKDOWN", "markdown", "",
       "append the run as a Markdown table row to this file (the header "
       "first when the file is empty)"},
  };
  return *specs;
}

absl::StatusOr<BenchConfig> LoadBenchConfig(const Settings& settings,
                                            const std::string& self_dir) {
  BenchConfig config;
  ASSIGN_OR_RETURN(int64_t chats, settings.GetInt("BENCH_CHATS", 1, 1000000));
  ASSIGN_OR_RETURN(int64_t messages,
                   settings.GetInt("BENCH_MESSAGES", 1, 1000000));
  ASSIGN_OR_RETURN(int64_t connections,
                   settings.GetInt("BENCH_CONNECTIONS", 1, 1000));
  if (chats * messages > 10000000) {
    return absl::InvalidArgumentError(
        "BENCH_CHATS x BENCH_MESSAGES must be at most 10000000");
  }
  ASSIGN_OR_RETURN(int64_t seconds, settings.GetInt("BENCH_SECONDS", 0, 3600));
  ASSIGN_OR_RETURN(int64_t drain,
                   settings.GetInt("BENCH_DRAIN_SECONDS", 1, 3600));
  ASSIGN_OR_RETURN(int64_t latency,
                   settings.GetInt("BENCH_LATENCY_MS", 0, 60000));
  config.seconds = static_cast<int>(seconds);
  config.drain_seconds = static_cast<int>(drain);
  config.latency_ms = static_cast<int>(latency);
  config.chats = static_cast<int>(chats);
  config.messages = static_cast<int>(messages);
  config.connections = static_cast<int>(connections);
  config.worker_threads = settings.Get("BENCH_WORKER_THREADS");
  if (!config.worker_threads.empty()) {
    RETURN_IF_ERROR(settings.GetInt("BENCH_WORKER_THREADS", 1, 256).status());
  }
  ASSIGN_OR_RETURN(int64_t queue_limit,
                   settings.GetInt("BENCH_QUEUE_LIMIT", 1, 10000000));
  config.queue_limit = static_cast<int>(queue_limit);
  config.upstream_bot = settings.Get("BENCH_UPSTREAM_BOT");
  config.bin_dir = settings.Get("BENCH_BIN_DIR");
  if (config.bin_dir.empty()) config.bin_dir = self_dir;
  config.json_path = settings.Get("BENCH_JSON");
  config.markdown_path = settings.Get("BENCH_MARKDOWN");
  return config;
}

}  // namespace telegate::bench
