// An example bot, unchanged, behind the real pair: the worker posts every
// update to it (TELEGATE_UPSTREAM_URL) and serves it the Bot API
// (TELEGATE_BOT_API_LISTEN), whose calls go out to the emulator. Built
// twice: python_bot_test runs examples/python-echo/bot.py, grammy_bot_test
// runs examples/grammy-echo/bot.js from TELEGATE_GRAMMY_DIR (installed with
// its npm packages by the CTest fixture examples.grammy_install).
#include <signal.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "testing/loopback_servers.h"
#include "tests/integration/stack.h"
#include "tests/integration/telegram_load.h"

namespace telegate::testing {
namespace {

constexpr char kBotSecret[] = "python_bot-secret";

bool Eventually(const std::function<bool()>& pred,
                absl::Duration timeout = absl::Seconds(90)) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return pred();
}

class ExampleBotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bot_port_ = UnusedPort();
    api_port_ = UnusedPort();
    auto stack = Stack::Start(
        {{"TELEGATE_UPSTREAM_URL",
          absl::StrCat("http://127.0.0.1:", bot_port_, "/webhook")},
         {"TELEGATE_UPSTREAM_SECRET", kBotSecret},
         {"TELEGATE_BOT_API_LISTEN", absl::StrCat("127.0.0.1:", api_port_)}});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = std::move(*stack);
    ASSERT_TRUE(StartBot());
  }

  bool StartBot() {
#if defined(TELEGATE_GRAMMY_DIR)
    const std::string program = "/usr/bin/node";
    const std::string script = absl::StrCat(TELEGATE_GRAMMY_DIR, "/bot.js");
#else
    const std::string program = "/usr/bin/python3";
    const std::string script =
        absl::StrCat(TELEGATE_SOURCE_DIR, "/examples/python-echo/bot.py");
#endif
    auto bot = ChildProcess::Start(
        program, {script},
        {{"BOT_TOKEN", kToken},
         {"BOT_API_BASE", absl::StrCat("http://127.0.0.1:", api_port_)},
         {"WEBHOOK_LISTEN", absl::StrCat("127.0.0.1:", bot_port_)},
         {"WEBHOOK_SECRET", kBotSecret},
         {"PATH", "/usr/bin:/bin"}});
    if (!bot.ok()) return false;
    bot_ = std::move(*bot);
    return Eventually([&] {
      return bot_->Output().find("event=listening") != std::string::npos;
    }, absl::Seconds(30));
  }

  // Texts the emulator accepted for `chat_id`, in order.
  std::vector<std::string> TextsTo(int64_t chat_id) {
    std::vector<std::string> out;
    for (const nlohmann::json& m : stack_->SentMessages()) {
      if (m.value("chat_id", int64_t{0}) == chat_id) {
        out.push_back(m.value("text", ""));
      }
    }
    return out;
  }

  bool SendAccepted(const std::string& body) {
    return Eventually([&] {
      return stack_->PostWebhook(body).status / 100 == 2;
    });
  }

  int bot_port_ = 0, api_port_ = 0;
  std::unique_ptr<Stack> stack_;
  std::unique_ptr<ChildProcess> bot_;
};

TEST_F(ExampleBotTest, EchoesEveryTextOnceInOrderAcross200Chats) {
  TelegramLoad load(stack_.get(),
                    {.chats = 200, .per_chat = 2, .connections = 8});
  ASSERT_TRUE(load.RunToAllEchoedOnceInOrder(400));
  // The bot never saw the token anywhere it would print it.
  EXPECT_EQ(bot_->Output().find(kToken), std::string::npos);
}

TEST_F(ExampleBotTest, ButtonPressEditsTheMessageSendMessageReturned) {
  const int64_t chat = 4242;
  const std::string start = nlohmann::json{
      {"update_id", 900001},
      {"message",
       {{"message_id", 1},
        {"date", 1700000000},
        {"chat", {{"id", chat}, {"type", "private"}}},
        {"from", {{"id", chat}, {"is_bot", false}, {"first_name", "U"}}},
        {"text", "/start"},
        // As Telegram sends a command (grammY's command filter needs it).
        {"entities",
         {{{"type", "bot_command"}, {"offset", 0}, {"length", 6}}}}}}}
          .dump();
  ASSERT_TRUE(SendAccepted(start));
  std::smatch found;
  const std::regex keyboard(
      "chat_id=4242 action=keyboard message_id=([0-9]+)");
  std::string output;
  ASSERT_TRUE(Eventually([&] {
    output = bot_->Output();
    return std::regex_search(output, found, keyboard);
  })) << output;
  const int64_t message_id = std::stoll(found[1].str());
  const std::string press = nlohmann::json{
      {"update_id", 900002},
      {"callback_query",
       {{"id", "cb-1"},
        {"from", {{"id", chat}, {"is_bot", false}, {"first_name", "U"}}},
        {"chat_instance", "ci"},
        {"data", "yes"},
        {"message",
         {{"message_id", message_id},
          {"date", 1700000001},
          {"chat", {{"id", chat}, {"type", "private"}}},
          {"text", "Pick one:"}}}}}}.dump();
  ASSERT_TRUE(SendAccepted(press));
  nlohmann::json edit;
  ASSERT_TRUE(Eventually([&] {
    nlohmann::json calls =
        stack_->Emulator("GET", "/_emulator/calls?method=editMessageText")
            .Json();
    if (!calls.is_object() || calls["calls"].empty()) return false;
    edit = calls["calls"][0];
    return true;
  }));
  EXPECT_EQ(edit["http_status"], 200) << edit.dump();
  EXPECT_EQ(edit["params"]["message_id"], message_id);
  EXPECT_EQ(edit["params"]["chat_id"], chat);
  // The bot logs the update once it handled it (after the edit returned).
  EXPECT_TRUE(Eventually([&] {
    return bot_->Output().find("match=yes") != std::string::npos;
  })) << bot_->Output();
}

TEST_F(ExampleBotTest, BotKilledAndRestartedLosesNothing) {
  TelegramLoad load(stack_.get(),
                    {.chats = 20, .per_chat = 30, .connections = 4});
  load.Start();
  ASSERT_TRUE(Eventually([&] { return stack_->SentMessages().size() >= 100; }));
  bot_->Signal(SIGKILL);
  bot_->Wait();
  ASSERT_TRUE(Eventually([&] {
    nlohmann::json h = stack_->Admin("GET", "/health").Json();
    return h.is_object() && h.contains("upstream") &&
           h["upstream"]["error_count"].get<int64_t>() > 0;
  })) << stack_->Admin("GET", "/health").body;
  ASSERT_TRUE(StartBot());
  // Only what the killed bot had sent but not yet answered may repeat: at
  // most one per chat in flight.
  ASSERT_TRUE(load.JoinToAllEchoedInOrder(600, 20));
  ASSERT_TRUE(Eventually([&] {
    nlohmann::json h = stack_->Admin("GET", "/health").Json();
    return h.is_object() && h["upstream"]["error_count"].get<int64_t>() == 0;
  }));
}

TEST_F(ExampleBotTest, FloodWaitOnTheBotsCallIsWaitedOutInsideTheEndpoint) {
  ASSERT_EQ(stack_->Emulator("POST", "/_emulator/faults",
                             R"({"method":"sendMessage","chat_id":5151,)"
                             R"("count":1,"error_code":429,"retry_after":1})")
                .status,
            200);
  ASSERT_EQ(stack_->SendText(5151, "held").status, 200);
  ASSERT_EQ(stack_->SendText(5252, "free").status, 200);
  ASSERT_TRUE(Eventually([&] {
    return !TextsTo(5151).empty() && !TextsTo(5252).empty();
  }));
  EXPECT_EQ(TextsTo(5151), std::vector<std::string>{"held"});
  EXPECT_EQ(TextsTo(5252), std::vector<std::string>{"free"});
  // The bot's call got success back: it answered 200, nothing was retried
  // by redelivery, and no failed delivery was recorded.
  nlohmann::json calls =
      stack_->Emulator("GET", "/_emulator/calls?method=sendMessage").Json();
  int to_held = 0;
  for (const nlohmann::json& c : calls["calls"]) {
    to_held += c["params"]["chat_id"] == 5151;
  }
  EXPECT_EQ(to_held, 2);  // the 429, then the success
  EXPECT_EQ(stack_->Admin("GET", "/api/failed").Json()["deliveries"].size(),
            0u);
}

TEST_F(ExampleBotTest, EndpointKeepsTelegatesWebhookAndChecksTheToken) {
  const std::string base = absl::StrCat("/bot", kToken, "/");
  HttpReply wrong = Http(api_port_, "POST", "/bot1:wrong/getMe", "{}",
                         {{"Content-Type", "application/json"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Json()["error_code"], 401);
  EXPECT_EQ(wrong.body.find(kToken), std::string::npos);
  nlohmann::json before = stack_->Emulator("GET", "/_emulator/webhook").Json();
  ASSERT_FALSE(before.value("url", "").empty()) << before.dump();
  for (const char* method : {"deleteWebhook", "setWebhook"}) {
    HttpReply r = Http(api_port_, "POST", base + method,
                       R"({"url":"https://elsewhere.example/hook"})",
                       {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << method << ": " << r.body;
    EXPECT_EQ(r.Json()["ok"], true) << r.body;
  }
  EXPECT_EQ(stack_->Emulator("GET", "/_emulator/webhook").Json()["url"],
            before["url"]);
  HttpReply updates = Http(api_port_, "GET", base + "getUpdates");
  EXPECT_EQ(updates.status, 409) << updates.body;
  HttpReply me = Http(api_port_, "GET", base + "getMe");
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["result"]["is_bot"], true) << me.body;
}

}  // namespace
}  // namespace telegate::testing
