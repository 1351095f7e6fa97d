#include "worker/config.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

constexpr char kToken[] = "123456:SECRET-token_value";

absl::StatusOr<WorkerConfig> Load(std::map<std::string, std::string> values) {
  return LoadWorkerConfig(Settings::FromMap(WorkerSettingSpecs(), values));
}

bool Mentions(const absl::Status& status, const std::string& text) {
  return status.message().find(text) != absl::string_view::npos;
}

TEST(WorkerConfigTest, MissingTokenNamesTheVariable) {
  absl::StatusOr<WorkerConfig> config = Load({});
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(config.status()));
  EXPECT_TRUE(Mentions(config.status(), "TELEGRAM_BOT_TOKEN"))
      << config.status();
}

TEST(WorkerConfigTest, Defaults) {
  absl::StatusOr<WorkerConfig> config = Load({{"TELEGRAM_BOT_TOKEN", kToken}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->bot_token, kToken);
  EXPECT_EQ(config->api_base_url, "https://api.telegram.org");
  EXPECT_EQ(config->grpc_listen, "127.0.0.1:50051");
  EXPECT_EQ(config->threads, 2);
  EXPECT_EQ(config->max_in_flight, 4096);
  EXPECT_EQ(config->bot_api_connections, 2048);
  EXPECT_EQ(config->upstream_url, "");  // the built-in echo bot
  EXPECT_EQ(config->upstream_max_connections, 100);
  EXPECT_EQ(config->upstream_timeout_ms, 60000);
  EXPECT_EQ(config->error_threshold, 10);
  EXPECT_EQ(config->queue_limit, 10000);
  EXPECT_EQ(config->shutdown_grace_ms, 10000);
  EXPECT_EQ(config->data_dir, "./telegate-data");
  EXPECT_EQ(config->retention_hours, 48);
  EXPECT_EQ(config->journal_sync, "FULL");
  EXPECT_EQ(config->max_attempts, 5);
  EXPECT_FALSE(config->rate_limits);
  EXPECT_EQ(config->rate_global_per_second, 30);
  EXPECT_EQ(config->rate_chat_interval_ms, 1000);
  EXPECT_EQ(config->rate_group_per_minute, 20);
  EXPECT_EQ(config->environment, "development");
  EXPECT_EQ(config->log_level, "info");
}

TEST(WorkerConfigTest, Overrides) {
  absl::StatusOr<WorkerConfig> config =
      Load({{"TELEGRAM_BOT_TOKEN", kToken},
            {"TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081"},
            {"TELEGATE_GRPC_LISTEN", "[::1]:0"},
            {"TELEGATE_WORKER_THREADS", "16"},
            {"TELEGATE_MAX_IN_FLIGHT", "64"},
            {"TELEGATE_BOT_API_CONNECTIONS", "8"},
            {"TELEGATE_ERROR_THRESHOLD", "3"},
            {"TELEGATE_QUEUE_LIMIT", "5"},
            {"TELEGATE_SHUTDOWN_GRACE_MS", "0"},
            {"TELEGATE_DATA_DIR", "/var/lib/telegate"},
            {"TELEGATE_JOURNAL_SYNC", "normal"},
            {"TELEGATE_MAX_ATTEMPTS", "2"},
            {"TELEGATE_RATE_LIMITS", "on"},
            {"TELEGATE_ENVIRONMENT", "production"},
            {"TELEGATE_LOG_LEVEL", "debug"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->api_base_url, "http://127.0.0.1:8081");
  EXPECT_EQ(config->grpc_listen, "[::1]:0");
  EXPECT_EQ(config->threads, 16);
  EXPECT_EQ(config->max_in_flight, 64);
  EXPECT_EQ(config->bot_api_connections, 8);
  EXPECT_EQ(config->error_threshold, 3);
  EXPECT_EQ(config->queue_limit, 5);
  EXPECT_EQ(config->shutdown_grace_ms, 0);
  EXPECT_EQ(config->data_dir, "/var/lib/telegate");
  EXPECT_EQ(config->journal_sync, "NORMAL");
  EXPECT_EQ(config->max_attempts, 2);
  EXPECT_TRUE(config->rate_limits);
  EXPECT_EQ(config->environment, "production");
  EXPECT_EQ(config->log_level, "debug");
}

TEST(WorkerConfigTest, BadThreadCountNamesTheVariable) {
  for (const char* threads : {"0", "257", "-1", "four", "4x"}) {
    absl::StatusOr<WorkerConfig> config =
        Load({{"TELEGRAM_BOT_TOKEN", kToken},
              {"TELEGATE_WORKER_THREADS", threads}});
    ASSERT_FALSE(config.ok()) << threads;
    EXPECT_TRUE(Mentions(config.status(), "TELEGATE_WORKER_THREADS"))
        << config.status();
  }
}

TEST(WorkerConfigTest, BadBaseUrlNamesTheVariable) {
  for (const char* url : {"api.telegram.org", "https://api.telegram.org/",
                          "https://api.telegram.org/bot"}) {
    absl::StatusOr<WorkerConfig> config =
        Load({{"TELEGRAM_BOT_TOKEN", kToken}, {"TELEGRAM_API_BASE_URL", url}});
    ASSERT_FALSE(config.ok()) << url;
    EXPECT_TRUE(Mentions(config.status(), "TELEGRAM_API_BASE_URL"))
        << config.status();
  }
}

TEST(WorkerConfigTest, OtherBadValuesAreRefused) {
  const std::map<std::string, std::string> bad[] = {
      {{"TELEGATE_GRPC_LISTEN", "no-port"}},
      {{"TELEGATE_GRPC_LISTEN", "127.0.0.1:70000"}},
      {{"TELEGATE_ERROR_THRESHOLD", "0"}},
      {{"TELEGATE_QUEUE_LIMIT", "0"}},
      {{"TELEGATE_SHUTDOWN_GRACE_MS", "-5"}},
      {{"TELEGATE_JOURNAL_RETENTION_HOURS", "24"}},
      {{"TELEGATE_JOURNAL_SYNC", "off"}},
      {{"TELEGATE_MAX_ATTEMPTS", "0"}},
      {{"TELEGATE_RATE_LIMITS", "sometimes"}},
      {{"TELEGATE_RATE_GLOBAL_PER_SECOND", "0"}},
      {{"TELEGATE_LOG_LEVEL", "verbose"}},
      {{"TELEGATE_UPSTREAM_URL", "ftp://bot.example/hook"}},
      {{"TELEGATE_UPSTREAM_SECRET", "has spaces"}},
      {{"TELEGATE_UPSTREAM_MAX_CONNECTIONS", "0"}},
      {{"TELEGATE_UPSTREAM_TIMEOUT_MS", "5"}},
      {{"TELEGATE_UPSTREAM_URL", "http://127.0.0.1:9/hook"},
       {"TELEGATE_UPSTREAM_MAX_CONNECTIONS", "5000"}},
      {{"TELEGATE_JOURNAL_URL", "mysql://u:hunter2@db/x"}},
      {{"TELEGATE_LEASE_TTL_MS", "999"}},
      {{"TELEGATE_PARTITIONS", "0"}},
      {{"TELEGATE_WORKER_ID", "has space"}},
  };
  for (std::map<std::string, std::string> values : bad) {
    std::string name = values.begin()->first;
    values["TELEGRAM_BOT_TOKEN"] = kToken;
    absl::StatusOr<WorkerConfig> config = Load(values);
    ASSERT_FALSE(config.ok()) << name;
    if (name != "TELEGATE_GRPC_LISTEN") {  // address errors quote the value
      EXPECT_TRUE(Mentions(config.status(), name)) << config.status();
    }
    EXPECT_FALSE(Mentions(config.status(), kToken)) << config.status();
  }
}

TEST(WorkerConfigTest, ClusterSettings) {
  absl::StatusOr<WorkerConfig> config = Load({{"TELEGRAM_BOT_TOKEN", kToken}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->journal_url, "");  // SQLite
  EXPECT_EQ(config->lease_ttl_ms, 10000);
  EXPECT_EQ(config->partitions, 256);
  config = Load({{"TELEGRAM_BOT_TOKEN", kToken},
                 {"TELEGATE_JOURNAL_URL", "postgresql://t:pw@db:5432/telegate"},
                 {"TELEGATE_LEASE_TTL_MS", "3000"},
                 {"TELEGATE_PARTITIONS", "64"},
                 {"TELEGATE_WORKER_ID", "worker-2.pod:50051"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->journal_url, "postgresql://t:pw@db:5432/telegate");
  EXPECT_EQ(config->lease_ttl_ms, 3000);
  EXPECT_EQ(config->partitions, 64);
  EXPECT_EQ(config->worker_id, "worker-2.pod:50051");
  // The URL may carry a password: a bad one is named, never repeated.
  config = Load({{"TELEGRAM_BOT_TOKEN", kToken},
                 {"TELEGATE_JOURNAL_URL", "mysql://u:hunter2@db/x"}});
  ASSERT_FALSE(config.ok());
  EXPECT_FALSE(Mentions(config.status(), "hunter2")) << config.status();
}

TEST(WorkerConfigTest, UpstreamBotSettings) {
  absl::StatusOr<WorkerConfig> config =
      Load({{"TELEGRAM_BOT_TOKEN", kToken},
            {"TELEGATE_UPSTREAM_URL", "https://bot.internal:8443/telegram"},
            {"TELEGATE_UPSTREAM_SECRET", "s3cret_-x"},
            {"TELEGATE_UPSTREAM_MAX_CONNECTIONS", "20"},
            {"TELEGATE_UPSTREAM_TIMEOUT_MS", "5000"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->upstream_url, "https://bot.internal:8443/telegram");
  EXPECT_EQ(config->upstream_secret, "s3cret_-x");
  EXPECT_EQ(config->upstream_max_connections, 20);
  EXPECT_EQ(config->upstream_timeout_ms, 5000);
  for (const SettingSpec& spec : WorkerSettingSpecs()) {
    if (spec.env == "TELEGATE_UPSTREAM_SECRET") EXPECT_TRUE(spec.secret);
  }
}

TEST(WorkerConfigTest, TokenIsASecretSetting) {
  bool found = false;
  for (const SettingSpec& spec : WorkerSettingSpecs()) {
    if (spec.env == "TELEGRAM_BOT_TOKEN") {
      found = true;
      EXPECT_TRUE(spec.secret);
      EXPECT_TRUE(spec.default_value.empty());
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace telegate::worker
