// End-to-end: the real emulator, worker and gateway on loopback. Webhooks go
// through the gateway and the gRPC stream to the worker, whose echo bot
// answers through the emulator's Bot API.
#include <signal.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"

namespace telegate::testing {
namespace {

std::unique_ptr<Stack> StartStack(std::map<std::string, std::string> env = {}) {
  absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start(std::move(env));
  EXPECT_TRUE(stack.ok()) << stack.status();
  return stack.ok() ? std::move(*stack) : nullptr;
}

// Waits until the worker has nothing queued and reports `processed` done.
bool WaitForIdle(Stack& stack, int64_t processed_and_failed) {
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    nlohmann::json s = stack.Admin("GET", "/api/stats").Json();
    if (s.is_object() && s.value("queue_depth", -1) == 0 &&
        s.value("updates_processed", 0) + s.value("updates_failed", 0) >=
            processed_and_failed) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

TEST(EndToEndTest, EchoesEveryTextExactlyOnceToTheRightChatInOrder) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  constexpr int kChats = 20, kPerChat = 10, kSenders = 4;
  std::vector<std::thread> senders;
  std::atomic<int> non_200{0};
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      for (int i = 0; i < kPerChat; ++i) {
        for (int c = s; c < kChats; c += kSenders) {
          std::string text = absl::StrCat("chat ", c, " msg ", i, " ✓ привет");
          if (stack->SendText(1000 + c, text).Json().value("status", 0) !=
              200) {
            ++non_200;
          }
        }
      }
    });
  }
  for (auto& t : senders) t.join();
  EXPECT_EQ(non_200.load(), 0);
  ASSERT_TRUE(stack->WaitForSentMessages(kChats * kPerChat));
  ASSERT_TRUE(WaitForIdle(*stack, kChats * kPerChat));

  std::vector<nlohmann::json> sent = stack->SentMessages();
  ASSERT_EQ(sent.size(), static_cast<size_t>(kChats * kPerChat));
  std::map<int64_t, std::vector<std::string>> by_chat;
  for (const nlohmann::json& m : sent) {
    by_chat[m["chat_id"].get<int64_t>()].push_back(m["text"]);
  }
  ASSERT_EQ(by_chat.size(), static_cast<size_t>(kChats));
  for (int c = 0; c < kChats; ++c) {
    const auto& texts = by_chat[1000 + c];
    ASSERT_EQ(texts.size(), static_cast<size_t>(kPerChat)) << "chat " << c;
    for (int i = 0; i < kPerChat; ++i) {
      EXPECT_EQ(texts[i], absl::StrCat("chat ", c, " msg ", i, " ✓ привет"));
    }
  }
}

TEST(EndToEndTest, SameUpdateTwiceIsEchoedOnce) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  std::string update =
      R"({"update_id":777001,"message":{"message_id":5,"date":1700000000,)"
      R"("chat":{"id":55,"type":"private"},"from":{"id":55,"is_bot":false,)"
      R"("first_name":"Ann"},"text":"only once"}})";
  EXPECT_EQ(stack->PostWebhook(update).status, 200);
  HttpReply again = stack->PostWebhook(update);
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.Json().value("duplicate", false));
  ASSERT_TRUE(stack->WaitForSentMessages(1));
  ASSERT_TRUE(WaitForIdle(*stack, 1));
  std::vector<nlohmann::json> sent = stack->SentMessages();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["text"], "only once");
  EXPECT_EQ(sent[0]["chat_id"], 55);
  EXPECT_EQ(stack->Admin("GET", "/api/stats").Json()["updates_duplicate"], 1);
}

TEST(EndToEndTest, TenFailedSendsReinitialiseAndASuccessResets) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  HttpReply fault = stack->Emulator(
      "POST", "/_emulator/faults",
      R"({"method":"sendMessage","count":10,"error_code":400,)"
      R"("description":"Bad Request: chat not found"})");
  ASSERT_EQ(fault.status, 200) << fault.body;
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(stack->SendText(77, absl::StrCat("fail ", i)).Json()["status"],
              200);
  }
  ASSERT_TRUE(stack->WaitForHealth([](const nlohmann::json& h) {
    return h["error_count"] == 10 && h["restart_count"] == 1;
  })) << stack->Admin("GET", "/health").body;
  HttpReply health = stack->Admin("GET", "/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.Json()["status"], "unhealthy");
  EXPECT_NE(health.Json()["bot_status"].get<std::string>().find(
                "chat not found"),
            std::string::npos);
  EXPECT_TRUE(stack->worker().WaitForEvent("bot_reinitialized",
                                           absl::Seconds(5)).ok());

  ASSERT_EQ(stack->SendText(77, "works again").Json()["status"], 200);
  ASSERT_TRUE(stack->WaitForHealth([](const nlohmann::json& h) {
    return h["error_count"] == 0;
  }));
  health = stack->Admin("GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json()["status"], "healthy");
  EXPECT_EQ(health.Json()["bot_status"], "OK");
  EXPECT_EQ(health.Json()["restart_count"], 1);
  // The token never reaches a log line.
  EXPECT_EQ(stack->worker().Output().find(kToken), std::string::npos);
  EXPECT_EQ(stack->gateway().Output().find(kSecret), std::string::npos);
}

TEST(EndToEndTest, RestartBotAndResetErrorsOverHttp) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  HttpReply health = stack->Admin("GET", "/health");
  ASSERT_EQ(health.status, 200) << health.body;
  nlohmann::json h = health.Json();
  for (const char* key : {"status", "bot_status", "error_count", "timestamp",
                          "environment", "restart_count", "uptime_seconds"}) {
    EXPECT_TRUE(h.contains(key)) << key;
  }
  EXPECT_EQ(h["environment"], "integration");
  EXPECT_EQ(h["bot_username"], "telegate_emulator_bot");

  HttpReply restart = stack->Admin("POST", "/restart_bot");
  ASSERT_EQ(restart.status, 200) << restart.body;
  EXPECT_EQ(restart.Json()["ok"], true);
  EXPECT_EQ(restart.Json()["restart_count"], 1);
  EXPECT_EQ(stack->Admin("GET", "/health").Json()["restart_count"], 1);

  stack->Emulator("POST", "/_emulator/faults",
                  R"({"method":"sendMessage","count":3,"error_code":403,)"
                  R"("description":"Forbidden: bot was blocked by the user"})");
  for (int i = 0; i < 3; ++i) stack->SendText(88, "x");
  ASSERT_TRUE(stack->WaitForHealth(
      [](const nlohmann::json& h) { return h["error_count"] == 3; }));
  HttpReply reset = stack->Admin("POST", "/reset_errors");
  ASSERT_EQ(reset.status, 200);
  EXPECT_EQ(reset.Json()["error_count"], 0);
  EXPECT_EQ(stack->Admin("GET", "/health").Json()["error_count"], 0);
  // Mutations take POST only; the public listener has no admin routes.
  EXPECT_NE(stack->Admin("GET", "/restart_bot").status, 200);
  EXPECT_EQ(stack->Public("POST", "/restart_bot").status, 404);
  EXPECT_EQ(stack->Public("GET", "/health").status, 404);
  EXPECT_EQ(stack->Public("GET", "/healthz").status, 200);
  HttpReply panel = stack->Admin("GET", "/");
  EXPECT_EQ(panel.status, 200);
  EXPECT_NE(panel.body.find("Restart bot"), std::string::npos);
}

TEST(EndToEndTest, BadRequestsGetClearAnswersAndCostNothing) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  std::string valid =
      R"({"update_id":5,"message":{"message_id":1,"date":1,)"
      R"("chat":{"id":9,"type":"private"},"text":"valid"}})";
  EXPECT_EQ(stack->PostWebhook(valid, nullptr).status, 401);
  EXPECT_EQ(stack->PostWebhook(valid, "wrong-secret").status, 401);
  HttpReply bad = stack->PostWebhook("{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"], "body is not valid JSON");
  EXPECT_EQ(stack->PostWebhook(R"({"message":{}})").status, 400);
  EXPECT_EQ(stack->PostWebhook(R"({"update_id":"7"})").status, 400);
  EXPECT_EQ(stack->PostWebhook(std::string(2 << 20, ' ')).status, 413);
  EXPECT_EQ(stack->Public("GET", "/webhook").status, 405);
  EXPECT_EQ(stack->Public("GET", "/nope").status, 404);
  EXPECT_EQ(stack->PostWebhook(valid).status, 200);
  ASSERT_TRUE(stack->WaitForSentMessages(1));
  EXPECT_EQ(stack->SentMessages()[0]["text"], "valid");
}

TEST(EndToEndTest, WorkerDownMeans503ThenDeliveryResumes) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  stack->worker().Signal(SIGKILL);
  stack->worker().Wait();
  std::string update =
      R"({"update_id":9001,"message":{"message_id":1,"date":1,)"
      R"("chat":{"id":31,"type":"private"},"text":"after restart"}})";
  HttpReply down = stack->PostWebhook(update);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.headers["Retry-After"], "1");
  EXPECT_NE(stack->Admin("GET", "/health").status, 200);

  ASSERT_TRUE(stack->StartWorker().ok());
  // Like Telegram: redeliver until a 2xx (the gateway reconnects with backoff).
  int status = 0;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (status != 200 && absl::Now() < deadline) {
    status = stack->PostWebhook(update).status;
    if (status != 200) absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(status, 200);
  ASSERT_TRUE(stack->WaitForSentMessages(1));
  EXPECT_EQ(stack->SentMessages()[0]["text"], "after restart");
}

TEST(EndToEndTest, SigtermStopsBothProcessesCleanly) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  ASSERT_EQ(stack->SendText(3, "before stop").Json()["status"], 200);
  ASSERT_TRUE(stack->WaitForSentMessages(1));
  stack->gateway().Signal(SIGTERM);
  EXPECT_EQ(stack->gateway().Wait(), 0);
  stack->worker().Signal(SIGTERM);
  EXPECT_EQ(stack->worker().Wait(), 0);
}

}  // namespace
}  // namespace telegate::testing
