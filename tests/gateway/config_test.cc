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
  EXPECT_TRUE(c->warnings.empty());
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
  // Removed: accepted and ignored, with one warning.
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("TELEGATE_HTTP_THREADS"), std::string::npos);
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
      {{"TELEGATE_ACK_TIMEOUT_MS", "60000"}},
      {{"TELEGATE_RETRY_AFTER_SECONDS", "0"}},
      {{"TELEGATE_LOG_LEVEL", "loud"}},
      {{"TELEGATE_HTTP_HEADER_TIMEOUT_MS", "0"}},
      {{"TELEGATE_HTTP_BODY_TIMEOUT_MS", "abc"}},
      {{"TELEGATE_HTTP_IDLE_TIMEOUT_MS", "-5"}},
      {{"TELEGATE_HTTP_MAX_CONNECTIONS", "1"}},
      {{"TELEGATE_ALLOWED_SOURCES", "telegram,10.0.0.0/33"}},
      {{"TELEGATE_TRUSTED_PROXIES", "proxy.local"}},
      {{"TELEGATE_WORKER_ADDRESS", "a:1,,b"}},
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

TEST(GatewayConfigTest, RemovedHttpThreadsFlagIsIgnoredWithOneWarning) {
  // Old command lines and compose files keep starting.
  const char* argv[] = {"telegate-gateway", "--http_threads=64",
                        "--webhook_secret=abcdefgh"};
  const char* envp[] = {"TELEGATE_HTTP_THREADS=", nullptr};
  absl::StatusOr<Settings> settings =
      Settings::Load(GatewaySettingSpecs(), 3, argv, envp);
  ASSERT_TRUE(settings.ok()) << settings.status();
  absl::StatusOr<GatewayConfig> c = LoadGatewayConfig(*settings);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->warnings.size(), 1u);
  // Set but empty (compose passes it through that way): no warning.
  const char* no_flags[] = {"telegate-gateway", "--webhook_secret=abcdefgh"};
  settings = Settings::Load(GatewaySettingSpecs(), 2, no_flags, envp);
  ASSERT_TRUE(settings.ok()) << settings.status();
  c = LoadGatewayConfig(*settings);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->warnings.empty());
}

TEST(GatewayConfigTest, PublicListenerSettings) {
  absl::StatusOr<GatewayConfig> c =
      Load({{"TELEGATE_WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->header_timeout_ms, 10000);
  EXPECT_EQ(c->body_timeout_ms, 30000);
  EXPECT_EQ(c->idle_timeout_ms, 60000);
  EXPECT_EQ(c->http_max_connections, 4096);
  EXPECT_TRUE(c->tls_cert_file.empty());
  EXPECT_TRUE(c->allowed_sources.empty());
  EXPECT_EQ(c->worker_targets, std::vector<std::string>{"127.0.0.1:50051"});
  c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
            {"TELEGATE_HTTP_HEADER_TIMEOUT_MS", "2000"},
            {"TELEGATE_HTTP_MAX_CONNECTIONS", "100"},
            {"TELEGATE_TLS_CERT_FILE", "/etc/cert.pem"},
            {"TELEGATE_TLS_KEY_FILE", "/etc/key.pem"},
            {"TELEGATE_ALLOWED_SOURCES", "telegram, 2001:db8::/32"},
            {"TELEGATE_TRUSTED_PROXIES", "10.0.0.1"},
            {"TELEGATE_WORKER_ADDRESS", "w1:50051, dns:///workers:50051"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->header_timeout_ms, 2000);
  EXPECT_EQ(c->http_max_connections, 100);
  EXPECT_EQ(c->tls_key_file, "/etc/key.pem");
  EXPECT_EQ(c->allowed_sources.size(), 3u);  // the two Telegram ranges + one
  EXPECT_EQ(c->trusted_proxies.size(), 1u);
  EXPECT_EQ(c->worker_targets,
            (std::vector<std::string>{"w1:50051", "dns:///workers:50051"}));
}

TEST(GatewayConfigTest, TlsNeedsBothFiles) {
  for (const char* only : {"TELEGATE_TLS_CERT_FILE", "TELEGATE_TLS_KEY_FILE"}) {
    absl::StatusOr<GatewayConfig> c =
        Load({{"TELEGATE_WEBHOOK_SECRET", kSecret}, {only, "/x.pem"}});
    ASSERT_FALSE(c.ok()) << only;
    EXPECT_TRUE(Mentions(c.status(), "TELEGATE_TLS_CERT_FILE"));
    EXPECT_TRUE(Mentions(c.status(), "TELEGATE_TLS_KEY_FILE"));
  }
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

// Polling mode and webhook registration settings (telegram_config.h).
constexpr char kBotToken[] = "123456:ABC-def_ghi";

TEST(GatewayConfigTest, TelegramSettingsDefaults) {
  absl::StatusOr<GatewayConfig> c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->telegram.mode, IntakeMode::kWebhook);
  EXPECT_FALSE(c->telegram.UsesBotApi());
  EXPECT_EQ(c->telegram.bot_api_url, "https://api.telegram.org");
  EXPECT_EQ(c->telegram.poll_timeout_seconds, 25);
  EXPECT_EQ(c->telegram.max_connections, 40);
  EXPECT_TRUE(c->telegram.allowed_updates.empty());
}

TEST(GatewayConfigTest, PollingModeNeedsAValidTokenNeverEchoed) {
  absl::StatusOr<GatewayConfig> c = Load(
      {{"TELEGATE_WEBHOOK_SECRET", kSecret}, {"TELEGATE_MODE", "polling"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Mentions(c.status(), "TELEGATE_BOT_TOKEN")) << c.status();
  c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
            {"TELEGATE_MODE", "polling"},
            {"TELEGATE_BOT_TOKEN", "12:bad token!"}});
  ASSERT_FALSE(c.ok());
  EXPECT_FALSE(Mentions(c.status(), "bad token")) << c.status();
  c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
            {"TELEGATE_MODE", "polling"},
            {"TELEGATE_BOT_TOKEN", kBotToken},
            {"TELEGATE_BOT_API_URL", "http://127.0.0.1:8090"},
            {"TELEGATE_POLL_TIMEOUT_SECONDS", "0"},
            {"TELEGATE_ALLOWED_UPDATES", "message, callback_query,"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->telegram.mode, IntakeMode::kPolling);
  EXPECT_EQ(c->telegram.bot_token, kBotToken);
  EXPECT_EQ(c->telegram.poll_timeout_seconds, 0);
  EXPECT_EQ(c->telegram.allowed_updates,
            (std::vector<std::string>{"message", "callback_query"}));
}

TEST(GatewayConfigTest, BadTelegramSettingsNameTheSetting) {
  const std::map<std::string, std::string> base = {
      {"TELEGATE_WEBHOOK_SECRET", kSecret}, {"TELEGATE_BOT_TOKEN", kBotToken}};
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"TELEGATE_MODE", "push"},
      {"TELEGATE_BOT_API_URL", "https://api.telegram.org/"},
      {"TELEGATE_POLL_TIMEOUT_SECONDS", "51"},
      {"TELEGATE_MAX_CONNECTIONS", "0"},
      {"TELEGATE_MAX_CONNECTIONS", "101"},
      {"TELEGATE_ALLOWED_UPDATES", "message;edited"},
      {"TELEGATE_PUBLIC_URL", "http://bot.example.org"},
      {"TELEGATE_PUBLIC_URL", "https://"},
      {"TELEGATE_PUBLIC_URL", "https://bot.example.org/a?b"},
  };
  for (const auto& [name, value] : bad) {
    auto values = base;
    values[name] = value;
    absl::StatusOr<GatewayConfig> c = Load(values);
    ASSERT_FALSE(c.ok()) << name << "=" << value;
    EXPECT_TRUE(Mentions(c.status(), name)) << c.status();
  }
}

TEST(GatewayConfigTest, PublicUrlRegistersAWebhookAndNeedsAToken) {
  absl::StatusOr<GatewayConfig> c =
      Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
            {"TELEGATE_PUBLIC_URL", "https://bot.example.org/tg/"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Mentions(c.status(), "TELEGATE_BOT_TOKEN"));
  c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
            {"TELEGATE_BOT_TOKEN", kBotToken},
            {"TELEGATE_MAX_CONNECTIONS", "100"},
            {"TELEGATE_PUBLIC_URL", "https://bot.example.org/tg/"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->telegram.public_url, "https://bot.example.org/tg");
  EXPECT_EQ(c->telegram.max_connections, 100);
  EXPECT_TRUE(c->telegram.UsesBotApi());
  c = Load({{"TELEGATE_WEBHOOK_SECRET", kSecret},
            {"TELEGATE_BOT_TOKEN", kBotToken},
            {"TELEGATE_MODE", "polling"},
            {"TELEGATE_PUBLIC_URL", "https://bot.example.org"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Mentions(c.status(), "TELEGATE_PUBLIC_URL"));
}

TEST(GatewayConfigTest, BotTokenIsASecretSetting) {
  bool found = false;
  for (const SettingSpec& spec : GatewaySettingSpecs()) {
    if (spec.env == "TELEGATE_BOT_TOKEN") found = spec.secret;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace telegate::gateway
