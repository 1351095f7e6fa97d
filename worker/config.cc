#include "worker/config.h"

#include "absl/strings/str_cat.h"
#include "common/address.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/http_bot_api_client.h"
#include "common/secret_token.h"
#include "absl/strings/match.h"

namespace telegate::worker {

const std::vector<SettingSpec>& WorkerSettingSpecs() {
  static const auto* specs = new std::vector<SettingSpec>{
      {"TELEGRAM_BOT_TOKEN", "telegram_bot_token", "",
       "Bot API token (required; never logged)", true},
      {"TELEGRAM_API_BASE_URL", "telegram_api_base_url",
       "https://api.telegram.org", "Bot API base URL (the emulator's for tests)"},
      {"TELEGATE_GRPC_LISTEN", "grpc_listen", "127.0.0.1:50051",
       "gRPC listen address (Updates + Admin); port 0 picks a free port"},
      {"TELEGATE_WORKER_THREADS", "threads", "2",
       "processing loops (one per core), each an event loop with its own Bot "
       "API client and many calls in flight"},
      {"TELEGATE_MAX_IN_FLIGHT", "max_in_flight", "4096",
       "Bot API calls in flight at once, worker-wide (one per chat at most)"},
      {"TELEGATE_BOT_API_CONNECTIONS", "bot_api_connections", "2048",
       "keep-alive connections to the Bot API per loop"},
      {"TELEGATE_ERROR_THRESHOLD", "error_threshold", "10",
       "consecutive errors that re-initialise the bot clients"},
      {"TELEGATE_QUEUE_LIMIT", "queue_limit", "10000",
       "accepted-but-unfinished updates before answering overloaded"},
      {"TELEGATE_SHUTDOWN_GRACE_MS", "shutdown_grace_ms", "10000",
       "time to finish queued updates on SIGTERM"},
      {"TELEGATE_DATA_DIR", "data_dir", "./telegate-data",
       "directory of the update journal (SQLite, WAL)"},
      {"TELEGATE_JOURNAL_RETENTION_HOURS", "journal_retention_hours", "48",
       "how long handled updates are kept for deduplication"},
      {"TELEGATE_JOURNAL_SYNC", "journal_sync", "full",
       "full: fsync each group commit (survives power loss); normal: survives "
       "process crashes only"},
      {"TELEGATE_JOURNAL_URL", "journal_url", "",
       "postgresql://user:password@host:port/db (libpq URI): one journal "
       "shared by every worker, chats leased by partition; empty: this "
       "worker's own SQLite journal in TELEGATE_DATA_DIR",
       true},
      {"TELEGATE_LEASE_TTL_MS", "lease_ttl_ms", "10000",
       "PostgreSQL: how long a partition lease lasts unless renewed; a dead "
       "worker's chats move to the others after about this long"},
      {"TELEGATE_PARTITIONS", "partitions", "256",
       "PostgreSQL: chat partitions leased among the workers (the same on "
       "every worker of a cluster)"},
      {"TELEGATE_WORKER_ID", "worker_id", "",
       "this worker's name in the cluster view (1-100 of A-Z a-z 0-9 . _ : "
       "-); empty: <hostname>:<gRPC port>"},
      {"TELEGATE_MAX_ATTEMPTS", "max_attempts", "5",
       "attempts of a call failing with 5xx/network errors before it is a "
       "failed delivery"},
      {"TELEGATE_UPSTREAM_URL", "upstream_url", "",
       "your own bot's webhook (http or https URL): every update is posted "
       "to it as Telegram would; empty: the built-in echo bot"},
      {"TELEGATE_UPSTREAM_SECRET", "upstream_secret", "",
       "sent to the upstream bot as X-Telegram-Bot-Api-Secret-Token "
       "(1-256 of A-Z a-z 0-9 _ -)",
       true},
      {"TELEGATE_UPSTREAM_MAX_CONNECTIONS", "upstream_max_connections", "100",
       "updates posted to the upstream bot at once (one per chat at most)"},
      {"TELEGATE_UPSTREAM_TIMEOUT_MS", "upstream_timeout_ms", "60000",
       "how long the upstream bot may take to answer one update"},
      {"TELEGATE_BOT_API_LISTEN", "bot_api_listen", "",
       "host:port of the Bot API endpoint for your bot and internal "
       "services (/bot<token>/<method>, /file/bot<token>/<path>); empty: "
       "off"},
      {"TELEGATE_BOT_API_MAX_WAIT_MS", "bot_api_max_wait_ms", "30000",
       "longest an endpoint call waits out 429s and retries before the "
       "answer goes back unchanged"},
      {"TELEGATE_RATE_LIMITS", "rate_limits", "off",
       "proactive send limits (on/off); 429 retry_after is always honoured"},
      {"TELEGATE_RATE_GLOBAL_PER_SECOND", "rate_global_per_second", "30",
       "with rate limits: messages per second overall"},
      {"TELEGATE_RATE_CHAT_INTERVAL_MS", "rate_chat_interval_ms", "1000",
       "with rate limits: minimum gap between messages to one private chat"},
      {"TELEGATE_RATE_GROUP_PER_MINUTE", "rate_group_per_minute", "20",
       "with rate limits: messages per minute to one group"},
      {"TELEGATE_ADMIN_TOKEN", "admin_token", "",
       "bearer token required on every gRPC call and on /metrics; without "
       "it the listeners must be loopback addresses",
       true},
      {"TELEGATE_WORKER_ADMIN_LISTEN", "admin_listen", "127.0.0.1:8082",
       "HTTP listener for /metrics and /healthz"},
      {"TELEGATE_ENVIRONMENT", "environment", "development",
       "environment name shown in /health"},
      {"TELEGATE_LOG_LEVEL", "log_level", "info", "debug, info, warn, error"},
  };
  return *specs;
}

absl::StatusOr<WorkerConfig> LoadWorkerConfig(const Settings& settings) {
  WorkerConfig config;
  ASSIGN_OR_RETURN(config.bot_token, settings.GetRequired("TELEGRAM_BOT_TOKEN"));
  config.api_base_url = settings.Get("TELEGRAM_API_BASE_URL");
  RETURN_IF_ERROR(
      ValidateBaseUrl(config.api_base_url, "TELEGRAM_API_BASE_URL"));
  config.grpc_listen = settings.Get("TELEGATE_GRPC_LISTEN");
  RETURN_IF_ERROR(CheckAddress("TELEGATE_GRPC_LISTEN", config.grpc_listen));
  ASSIGN_OR_RETURN(int64_t threads,
                   settings.GetInt("TELEGATE_WORKER_THREADS", 1, 256));
  config.threads = static_cast<int>(threads);
  ASSIGN_OR_RETURN(int64_t in_flight,
                   settings.GetInt("TELEGATE_MAX_IN_FLIGHT", 1, 100000));
  config.max_in_flight = static_cast<int>(in_flight);
  ASSIGN_OR_RETURN(int64_t connections,
                   settings.GetInt("TELEGATE_BOT_API_CONNECTIONS", 1, 10000));
  config.bot_api_connections = static_cast<int>(connections);
  ASSIGN_OR_RETURN(config.error_threshold,
                   settings.GetInt("TELEGATE_ERROR_THRESHOLD", 1, 1000000));
  ASSIGN_OR_RETURN(config.queue_limit,
                   settings.GetInt("TELEGATE_QUEUE_LIMIT", 1, 10000000));
  ASSIGN_OR_RETURN(config.shutdown_grace_ms,
                   settings.GetInt("TELEGATE_SHUTDOWN_GRACE_MS", 0, 600000));
  config.data_dir = settings.Get("TELEGATE_DATA_DIR");
  ASSIGN_OR_RETURN(config.retention_hours,
                   settings.GetInt("TELEGATE_JOURNAL_RETENTION_HOURS", 25,
                                   24 * 365));
  std::string sync = settings.Get("TELEGATE_JOURNAL_SYNC");
  if (sync != "full" && sync != "normal") {
    return absl::InvalidArgumentError(absl::StrCat(
        "TELEGATE_JOURNAL_SYNC must be full or normal, got '", sync, "'"));
  }
  config.journal_sync = sync == "full" ? "FULL" : "NORMAL";
  config.journal_url = settings.Get("TELEGATE_JOURNAL_URL");
  if (!config.journal_url.empty() &&
      !absl::StartsWith(config.journal_url, "postgresql://") &&
      !absl::StartsWith(config.journal_url, "postgres://")) {
    // The value may hold a password: never repeat it.
    return absl::InvalidArgumentError(
        "TELEGATE_JOURNAL_URL must be a postgresql:// URL");
  }
  ASSIGN_OR_RETURN(config.lease_ttl_ms,
                   settings.GetInt("TELEGATE_LEASE_TTL_MS", 1000, 600000));
  ASSIGN_OR_RETURN(int64_t partitions,
                   settings.GetInt("TELEGATE_PARTITIONS", 1, 4096));
  config.partitions = static_cast<int>(partitions);
  config.worker_id = settings.Get("TELEGATE_WORKER_ID");
  if (config.worker_id.size() > 100 ||
      config.worker_id.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") !=
          std::string::npos) {
    return absl::InvalidArgumentError(
        "TELEGATE_WORKER_ID must be 1-100 of A-Z a-z 0-9 . _ : -");
  }
  ASSIGN_OR_RETURN(int64_t attempts,
                   settings.GetInt("TELEGATE_MAX_ATTEMPTS", 1, 100));
  config.max_attempts = static_cast<int>(attempts);
  config.upstream_url = settings.Get("TELEGATE_UPSTREAM_URL");
  if (!config.upstream_url.empty() &&
      !absl::StartsWith(config.upstream_url, "http://") &&
      !absl::StartsWith(config.upstream_url, "https://")) {
    return absl::InvalidArgumentError(
        "TELEGATE_UPSTREAM_URL must be an http:// or https:// URL");
  }
  config.upstream_secret = settings.Get("TELEGATE_UPSTREAM_SECRET");
  if (!config.upstream_secret.empty()) {
    RETURN_IF_ERROR(
        ValidateSecretToken(config.upstream_secret, "TELEGATE_UPSTREAM_SECRET"));
  }
  ASSIGN_OR_RETURN(int64_t upstream_connections,
                   settings.GetInt("TELEGATE_UPSTREAM_MAX_CONNECTIONS", 1,
                                   100000));
  config.upstream_max_connections = static_cast<int>(upstream_connections);
  if (!config.upstream_url.empty() &&
      config.upstream_max_connections > config.max_in_flight) {
    return absl::InvalidArgumentError(
        "TELEGATE_UPSTREAM_MAX_CONNECTIONS must not exceed "
        "TELEGATE_MAX_IN_FLIGHT");
  }
  ASSIGN_OR_RETURN(config.upstream_timeout_ms,
                   settings.GetInt("TELEGATE_UPSTREAM_TIMEOUT_MS", 100,
                                   3600000));
  config.bot_api_listen = settings.Get("TELEGATE_BOT_API_LISTEN");
  if (!config.bot_api_listen.empty()) {
    RETURN_IF_ERROR(
        CheckAddress("TELEGATE_BOT_API_LISTEN", config.bot_api_listen));
  }
  ASSIGN_OR_RETURN(config.bot_api_max_wait_ms,
                   settings.GetInt("TELEGATE_BOT_API_MAX_WAIT_MS", 0, 3600000));
  ASSIGN_OR_RETURN(config.rate_limits, settings.GetBool("TELEGATE_RATE_LIMITS"));
  ASSIGN_OR_RETURN(int64_t global,
                   settings.GetInt("TELEGATE_RATE_GLOBAL_PER_SECOND", 1, 100000));
  config.rate_global_per_second = static_cast<int>(global);
  ASSIGN_OR_RETURN(config.rate_chat_interval_ms,
                   settings.GetInt("TELEGATE_RATE_CHAT_INTERVAL_MS", 0, 60000));
  ASSIGN_OR_RETURN(int64_t group,
                   settings.GetInt("TELEGATE_RATE_GROUP_PER_MINUTE", 1, 100000));
  config.rate_group_per_minute = static_cast<int>(group);
  config.admin_token = settings.Get("TELEGATE_ADMIN_TOKEN");
  config.admin_listen = settings.Get("TELEGATE_WORKER_ADMIN_LISTEN");
  RETURN_IF_ERROR(CheckAddress("TELEGATE_WORKER_ADMIN_LISTEN",
                               config.admin_listen));
  if (config.admin_token.empty()) {
    for (const auto& [name, address] :
         {std::pair<const char*, std::string>{"TELEGATE_GRPC_LISTEN",
                                              config.grpc_listen},
          {"TELEGATE_WORKER_ADMIN_LISTEN", config.admin_listen}}) {
      if (!IsLoopbackHost(ParseHostPort(address)->host)) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, " is not a loopback address: set TELEGATE_ADMIN_TOKEN to "
                  "expose the Admin API"));
      }
    }
  }
  config.environment = settings.Get("TELEGATE_ENVIRONMENT");
  config.log_level = settings.Get("TELEGATE_LOG_LEVEL");
  RETURN_IF_ERROR(settings.GetLogLevel("TELEGATE_LOG_LEVEL").status());
  return config;
}

}  // namespace telegate::worker
