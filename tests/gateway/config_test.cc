#include "gateway/config.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace telegate::gateway {
namespace {

constexpr char kSecret[] = "webhook-Secret_42";

absl::StatusOr<GatewayConfig> Load(std::map<std::string, std::string> values) {
  return LoadGatewayConfig(Settings::FromMap(GatewaySettingSpecs(), values));
}

bool Mentions(const absl::Status& status, const std::string& text) {
  return status.message().find(text) != absl::string_view::npos;
}

TEST(GatewayConfigTest, MissingSecretNamesTheVariable) {
  absl::StatusOr<GatewayConfig> config = Load({});
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(Mentions(config.status(), "TELEGATE_WEBHOOK_SECRET"))
      << config.status();
}

TEST(GatewayConfigTest, BadSecretCharactersAreRefusedWithoutEchoingIt) {
  for (const char* secret : {"has space", "semi;colon", "dots.dots"}) {
    absl::StatusOr<GatewayConfig> config =
        Load({{"TELEGATE_WEBHOOK_SECRET", secret}});
    ASSERT_FALSE(config.ok()) << secret;
    EXPECT_TRUE(Mentions(config.status(), "TELEGATE_WEBHOOK_SECRET"));
    EXPECT_FALSE(Mentions(config.status(), secret));
  }
  EXPECT_FALSE(Load({{"TELEGATE_WEBHOOK_SECRET", std::string(257, 'a')}}).ok());
}

TEST(GatewayConfigTest, Defaults) {
  absl::StatusOr<GatewayConfig> c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->webhook_secret, kSecret);
  EXPECT_EQ(c->webhook_path, "/webhook");
  EXPECT_EQ(c->listen, "0.0.0.0:8080");
  EXPECT_EQ(c->admin_listen, "127.0.0.1:8081");
  EXPECT_EQ(c->worker_address, "127.0.0.1:50051");
  EXPECT_EQ(c->max_body_bytes, 1048576);
  EXPECT_EQ(c->http_threads, 128);
  EXPECT_EQ(c->ack_timeout_ms, 10000);
  EXPECT_EQ(c->retry_after_seconds, 1);
  EXPECT_EQ(c->environment, "development");
  EXPECT_EQ(c->log_level, "info");
}

TEST(GatewayConfigTest, Overrides) {
  absl::StatusOr<GatewayConfig> c =
      Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
            {"TELEGATE_WEBHOOK_PATH", "/tg/hook"},
            {"TELEGATE_LISTEN", "127.0.0.1:0"},
            {"TELEGATE_ADMIN_LISTEN", "[::1]:9000"},
            {"TELEGATE_WORKER_ADDRESS", "worker:50051"},
            {"TELEGATE_MAX_BODY_BYTES", "2048"},
            {"TELEGATE_HTTP_THREADS", "8"},
            {"TELEGATE_ACK_TIMEOUT_MS", "500"},
            {"TELEGATE_RETRY_AFTER_SECONDS", "3"},
            {"TELEGATE_ENVIRONMENT", "staging"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->webhook_path, "/tg/hook");
  EXPECT_EQ(c->listen, "127.0.0.1:0");
  EXPECT_EQ(c->admin_listen, "[::1]:9000");
  EXPECT_EQ(c->worker_address, "worker:50051");
  EXPECT_EQ(c->max_body_bytes, 2048);
  EXPECT_EQ(c->http_threads, 8);
  EXPECT_EQ(c->ack_timeout_ms, 500);
  EXPECT_EQ(c->retry_after_seconds, 3);
  EXPECT_EQ(c->environment, "staging");
}

TEST(GatewayConfigTest, BadListenAddressIsRefused) {
  for (const char* key : {"TELEGATE_LISTEN", "TELEGATE_ADMIN_LISTEN",
                          "TELEGATE_WORKER_ADDRESS"}) {
    for (const char* address : {"8080", "host:", ":8080", "host:99999",
                                "[::1:80"}) {
      absl::StatusOr<GatewayConfig> c =
          Load({{"TELEGATE_WEBHOOK_SECRET", kSecret}, {key, address}});
      ASSERT_FALSE(c.ok()) << key << "=" << address;
      EXPECT_TRUE(Mentions(c.status(), address)) << c.status();
    }
  }
}

TEST(GatewayConfigTest, OtherBadValuesNameTheSetting) {
  const std::map<std::string, std::string> bad[] = {
      {{"TELEGATE_WEBHOOK_PATH", "webhook"}},
      {{"TELEGATE_MAX_BODY_BYTES", "10"}},
      {{"TELEGATE_HTTP_THREADS", "1"}},
      {{"TELEGATE_ACK_TIMEOUT_MS", "60000"}},
      {{"TELEGATE_RETRY_AFTER_SECONDS", "0"}},
      {{"TELEGATE_LOG_LEVEL", "loud"}},
  };
  for (std::map<std::string, std::string> values : bad) {
    std::string name = values.begin()->first;
    values["TELEGATE_WEBHOOK_SECRET"] = kSecret;
    absl::StatusOr<GatewayConfig> c = Load(values);
    ASSERT_FALSE(c.ok()) << name;
    EXPECT_TRUE(Mentions(c.status(), name)) << c.status();
    EXPECT_FALSE(Mentions(c.status(), kSecret));
  }
}

TEST(GatewayConfigTest, AdminTokenAndEmulatorUrlAreOptional) {
  absl::StatusOr<GatewayConfig> c =
      Load({{"TELEGATE_WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->admin_token, "");
  EXPECT_EQ(c->emulator_url, "");
  c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
            {"TELEGATE_ADMIN_TOKEN", "admin-Token.42/x"},
            {"TELEGATE_EMULATOR_URL", "http://127.0.0.1:8090/"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->admin_token, "admin-Token.42/x");
  EXPECT_EQ(c->emulator_url, "http://127.0.0.1:8090");  // trailing '/' dropped
}

TEST(GatewayConfigTest, AdminTokenIsASecretSetting) {
  for (const SettingSpec& spec : GatewaySettingSpecs()) {
    if (spec.env == "TELEGATE_ADMIN_TOKEN") {
      EXPECT_TRUE(spec.secret);
      EXPECT_EQ(spec.flag, "admin_token");
      return;
    }
  }
  ADD_FAILURE() << "TELEGATE_ADMIN_TOKEN is not a setting";
}

TEST(GatewayConfigTest, NonLoopbackAdminListenNeedsAToken) {
  for (const char* address : {"0.0.0.0:8081", "10.0.0.5:8081", "[::]:8081"}) {
    absl::StatusOr<GatewayConfig> c =
        Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
              {"TELEGATE_ADMIN_LISTEN", address}});
    ASSERT_FALSE(c.ok()) << address;
    EXPECT_EQ(c.status().message(),
              "TELEGATE_ADMIN_LISTEN is not a loopback address: set "
              "TELEGATE_ADMIN_TOKEN to expose the admin listener");
    c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
              {"TELEGATE_ADMIN_LISTEN", address},
              {"TELEGATE_ADMIN_TOKEN", "0123456789abcdef"}});
    EXPECT_TRUE(c.ok()) << address << ": " << c.status();
  }
  for (const char* address :
       {"127.0.0.1:0", "localhost:8081", "[::1]:8081", "127.1.2.3:8081"}) {
    EXPECT_TRUE(Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
                      {"TELEGATE_ADMIN_LISTEN", address}})
                    .ok())
        << address;
  }
}

TEST(GatewayConfigTest, BadAdminTokenIsRefusedWithoutEchoingIt) {
  for (const std::string value :
       {"short", "has a space in it", "tab\there-long",
        "caf\xc3\xa9-latte-token"}) {
    absl::StatusOr<GatewayConfig> c =
        Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
              {"TELEGATE_ADMIN_TOKEN", value}});
    ASSERT_FALSE(c.ok()) << value;
    EXPECT_TRUE(Mentions(c.status(), "TELEGATE_ADMIN_TOKEN")) << c.status();
    EXPECT_FALSE(Mentions(c.status(), value));
  }
}

TEST(GatewayConfigTest, BadEmulatorUrlIsRefused) {
  for (const char* url :
       {"127.0.0.1:8090", "ftp://x", "http://", "http://h/p"}) {
    absl::StatusOr<GatewayConfig> c = Load(
        {{"TELEGATE_WEBHOOK_SECRET", kSecret}, {"TELEGATE_EMULATOR_URL", url}});
    ASSERT_FALSE(c.ok()) << url;
    EXPECT_TRUE(Mentions(c.status(), "TELEGATE_EMULATOR_URL")) << c.status();
  }
}

}  // namespace
}  // namespace telegate::gateway
