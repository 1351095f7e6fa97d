#include "emulator/config.h"

#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

absl::StatusOr<EmulatorConfig> Load(
    const std::map<std::string, std::string>& values) {
  return LoadEmulatorConfig(Settings::FromMap(EmulatorSettingSpecs(), values));
}

TEST(ConfigTest, Defaults) {
  auto config = Load({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen.host, "127.0.0.1");
  EXPECT_EQ(config->listen.port, 8090);
  EXPECT_EQ(config->token, "123456789:emulator-token");
  EXPECT_EQ(config->webhook_url, "");
  EXPECT_EQ(config->log_level, log::Level::kInfo);
  EXPECT_EQ(config->latency_ms, 0);
  EXPECT_EQ(config->latency_jitter_ms, 0);
  EXPECT_EQ(config->chat_rate_limit, 0);
  EXPECT_EQ(config->keep_alive_max_requests, 0);
}

TEST(ConfigTest, LatencyRateLimitAndKeepAlive) {
  auto config = Load({{"EMULATOR_LATENCY_MS", "80"},
                      {"EMULATOR_LATENCY_JITTER_MS", "5"},
                      {"EMULATOR_CHAT_RATE_LIMIT", "1"},
                      {"EMULATOR_KEEP_ALIVE_MAX_REQUESTS", "100"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->latency_ms, 80);
  EXPECT_EQ(config->latency_jitter_ms, 5);
  EXPECT_EQ(config->chat_rate_limit, 1);
  EXPECT_EQ(config->keep_alive_max_requests, 100);
  EXPECT_FALSE(Load({{"EMULATOR_LATENCY_MS", "-1"}}).ok());
  EXPECT_FALSE(Load({{"EMULATOR_LATENCY_MS", "999999999"}}).ok());
  EXPECT_FALSE(Load({{"EMULATOR_LATENCY_JITTER_MS", "x"}}).ok());
  EXPECT_FALSE(Load({{"EMULATOR_CHAT_RATE_LIMIT", "-2"}}).ok());
}

TEST(ConfigTest, RejectsBadValuesWithoutEchoingSecrets) {
  auto token = Load({{"TELEGRAM_BOT_TOKEN", "no-colon-secret"}});
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().message().find("no-colon-secret"),
            absl::string_view::npos);
  EXPECT_FALSE(Load({{"EMULATOR_LISTEN", "nowhere"}}).ok());
  EXPECT_FALSE(Load({{"EMULATOR_WEBHOOK_URL", "ftp://x"}}).ok());
  EXPECT_FALSE(Load({{"TELEGATE_WEBHOOK_SECRET", "bad secret"}}).ok());
  EXPECT_FALSE(Load({{"TELEGATE_LOG_LEVEL", "loud"}}).ok());
  EXPECT_TRUE(Load({{"EMULATOR_WEBHOOK_URL", "http://127.0.0.1:1/h"},
                    {"TELEGATE_WEBHOOK_SECRET", "s3cret_-"}})
                  .ok());
}

}  // namespace
}  // namespace telegate::emulator
