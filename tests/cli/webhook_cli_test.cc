// telegate-webhook's logic (RunWebhookCli) against an in-process emulator on
// a free loopback port.
#include "cli/webhook_cli.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "emulator/bot_api.h"
#include "emulator/server.h"
#include "gtest/gtest.h"

namespace telegate::cli {
namespace {

using nlohmann::json;

constexpr char kToken[] = "777:cli-test-token";
constexpr int64_t kNow = 1700000000;  // 2023-11-14 22:13:20 UTC

class WebhookCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emulator::BotApiOptions options;
    options.token = kToken;
    options.clock = [] { return absl::FromUnixSeconds(kNow); };
    api_ = std::make_unique<emulator::BotApi>(options);
    server_ = std::make_unique<emulator::EmulatorServer>(api_.get());
    absl::StatusOr<int> port = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status();
    env_ = {
        {"TELEGATE_BOT_TOKEN", kToken},
        {"TELEGATE_BOT_API_URL", "http://127.0.0.1:" + std::to_string(*port)}};
  }
  void TearDown() override { server_->Stop(); }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunWebhookCli(args, env_, out_, err_);
  }

  std::unique_ptr<emulator::BotApi> api_;
  std::unique_ptr<emulator::EmulatorServer> server_;
  std::map<std::string, std::string> env_;
  std::ostringstream out_, err_;
};

TEST_F(WebhookCliTest, SetPassesEveryOption) {
  ASSERT_EQ(
      Run({"set", "--url=https://bot.example.org/webhook", "--secret=Abc_123-x",
           "--max-connections=7", "--allowed-updates=message,callback_query",
           "--drop-pending-updates"}),
      kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(), "ok: Webhook was set\n");
  emulator::WebhookConfig hook = api_->Webhook();
  EXPECT_EQ(hook.url, "https://bot.example.org/webhook");
  EXPECT_EQ(hook.secret_token, "Abc_123-x");
  EXPECT_EQ(hook.max_connections, 7);
  EXPECT_EQ(hook.allowed_updates, json::array({"message", "callback_query"}));
  json call = api_->Calls("setWebhook", 0)[0]["params"];
  EXPECT_EQ(call["drop_pending_updates"], true);
}

TEST_F(WebhookCliTest, SecretFromTheEnvironmentAndTokenFromAFile) {
  std::string path = ::testing::TempDir() + "telegate-cli-token";
  std::ofstream(path) << kToken << "\n";
  env_.erase("TELEGATE_BOT_TOKEN");
  env_["TELEGATE_WEBHOOK_SECRET"] = "from_env";
  ASSERT_EQ(Run({"set", "--url=https://h.example/x", "--token-file=" + path}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(api_->Webhook().secret_token, "from_env");
  std::remove(path.c_str());
}

TEST_F(WebhookCliTest, InfoIsReadableOrJson) {
  ASSERT_EQ(Run({"info"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(),
            "url: (none)\npending_update_count: 0\nlast_error: (none)\n"
            "allowed_updates: (default)\n");
  Run({"set", "--url=https://h.example/x", "--allowed-updates=message"});
  api_->RecordWebhookError("Connection refused");
  ASSERT_EQ(Run({"info"}), kExitOk);
  EXPECT_EQ(out_.str(),
            "url: https://h.example/x\npending_update_count: 0\n"
            "last_error: 2023-11-14 22:13:20 UTC Connection refused\n"
            "max_connections: 40\nallowed_updates: message\n");
  ASSERT_EQ(Run({"info", "--json"}), kExitOk);
  json doc = json::parse(out_.str());
  EXPECT_EQ(doc["url"], "https://h.example/x");
  EXPECT_EQ(doc["last_error_date"], kNow);
}

TEST_F(WebhookCliTest, DeleteCanDropPendingUpdates) {
  api_->QueueUpdate({{"update_id", 1}, {"message", json::object()}});
  ASSERT_EQ(Run({"delete"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "ok: Webhook was deleted\n");
  EXPECT_EQ(api_->PendingUpdateCount(), 1u);
  ASSERT_EQ(Run({"delete", "--drop-pending-updates"}), kExitOk);
  EXPECT_EQ(api_->PendingUpdateCount(), 0u);
}

TEST_F(WebhookCliTest, UsageErrorsExit2WithoutCallingTelegram) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"register"},
      {"set"},
      {"set", "--url=http://insecure.example/x"},
      {"set", "--url=https://h.example/x", "--secret=has space"},
      {"set", "--url=https://h.example/x", "--max-connections=0"},
      {"set", "--url=https://h.example/x", "--max-connections=101"},
      {"set", "--url=https://h.example/x", "--allowed-updates=a;b"},
      {"info", "--url=https://h.example/x"},
      {"info", "--token=123:abc"},
      {"delete", "--json"},
      {"info", "--token-file=/nonexistent/token"},
  };
  for (const auto& args : bad) {
    EXPECT_EQ(Run(args), kExitUsage) << ::testing::PrintToString(args);
    const std::string err = err_.str();
    EXPECT_EQ(err.rfind("telegate-webhook: ", 0), 0u) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
  EXPECT_EQ(Run({"set", "--url=https://h.example/x", "--secret=has space"}),
            kExitUsage);
  EXPECT_EQ(err_.str().find("has space"), std::string::npos);
  env_.erase("TELEGATE_BOT_TOKEN");
  EXPECT_EQ(Run({"info"}), kExitUsage);
  EXPECT_NE(err_.str().find("TELEGATE_BOT_TOKEN"), std::string::npos);
  env_["TELEGATE_BOT_TOKEN"] = kToken;
  env_["TELEGATE_BOT_API_URL"] = "http://127.0.0.1:1/path";
  EXPECT_EQ(Run({"info"}), kExitUsage);
  EXPECT_TRUE(api_->Calls("", 0).empty());
  EXPECT_EQ(Run({"--help"}), kExitOk);
  EXPECT_NE(out_.str().find("usage: telegate-webhook"), std::string::npos);
}

TEST_F(WebhookCliTest, ApiErrorsExit1WithoutTheToken) {
  env_["TELEGATE_BOT_TOKEN"] = "999:wrong-token";
  EXPECT_EQ(Run({"info"}), kExitApiError);
  EXPECT_EQ(err_.str(), "telegate-webhook: getWebhookInfo: 401 Unauthorized\n");
  env_["TELEGATE_BOT_TOKEN"] = kToken;
  api_->AddFaults(
      *emulator::ParseFaults({{"method", "setWebhook"}, {"error_code", 502}}));
  EXPECT_EQ(Run({"set", "--url=https://h.example/x"}), kExitApiError);
  EXPECT_NE(err_.str().find("setWebhook: 502"), std::string::npos);
  EXPECT_EQ(err_.str().find(kToken), std::string::npos);
  env_["TELEGATE_BOT_API_URL"] = "http://127.0.0.1:1";  // nothing listens
  EXPECT_EQ(Run({"info"}), kExitApiError);
  EXPECT_NE(err_.str().find("getWebhookInfo: connection refused to 127.0.0.1:1"),
            std::string::npos)
      << err_.str();
}

}  // namespace
}  // namespace telegate::cli
