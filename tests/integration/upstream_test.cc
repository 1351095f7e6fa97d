// The user's own bot behind telegate (TELEGATE_UPSTREAM_URL), on the real
// binaries: the worker posts every update to UpstreamBot as Telegram would
// and performs its webhook replies. Outcomes only, generous deadlines.
#include <signal.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"
#include "tests/integration/telegram_load.h"
#include "tests/integration/upstream_bot.h"

namespace telegate::testing {
namespace {

constexpr char kBotSecret[] = "bot_secret-42";

std::unique_ptr<Stack> StartWithBot(
    UpstreamBot& bot, std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env = {
      {"TELEGATE_UPSTREAM_URL", bot.url()},
      {"TELEGATE_UPSTREAM_SECRET", kBotSecret}};
  env.insert(extra.begin(), extra.end());
  auto stack = Stack::Start(env);
  EXPECT_TRUE(stack.ok()) << stack.status();
  return stack.ok() ? std::move(*stack) : nullptr;
}

// Waits up to 60 s for `pred`.
bool Eventually(const std::function<bool()>& pred) {
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return pred();
}

// Successful sendMessage texts to `chat_id`, in send order.
std::vector<std::string> TextsTo(Stack& stack, int64_t chat_id) {
  std::vector<std::string> out;
  for (const nlohmann::json& m : stack.SentMessages()) {
    if (m.value("chat_id", int64_t{0}) == chat_id) {
      out.push_back(m.value("text", ""));
    }
  }
  return out;
}

// Sends a text as Telegram would: redelivered until the gateway answered
// 2xx (the emulator's control call itself always answers 200 and reports
// the gateway's status in its body).
bool SendAccepted(Stack& stack, int64_t chat_id, const std::string& text) {
  return Eventually([&] {
    HttpReply r = stack.SendText(chat_id, text);
    return r.status == 200 && r.Json().value("status", 0) / 100 == 2;
  });
}

nlohmann::json Upstream(Stack& stack) {
  nlohmann::json health = stack.Admin("GET", "/health").Json();
  return health.is_object() ? health.value("upstream", nlohmann::json())
                            : nlohmann::json();
}

TEST(UpstreamTest, EveryTextEchoedOnceInOrderThroughTheBot) {
  UpstreamBot bot(kBotSecret);
  ASSERT_TRUE(bot.Start());
  auto stack = StartWithBot(bot);
  ASSERT_NE(stack, nullptr);
  TelegramLoad load(stack.get(),
                    {.chats = 200, .per_chat = 3, .connections = 8});
  ASSERT_TRUE(load.RunToAllEchoedOnceInOrder(600));
  EXPECT_EQ(bot.posted().size(), 600u);  // each update posted once
  nlohmann::json up = Upstream(*stack);
  ASSERT_TRUE(up.is_object());
  EXPECT_TRUE(up["reachable"].get<bool>());
  EXPECT_EQ(up["handled"].get<int64_t>(), 600);
  // The URL is shown without its path.
  EXPECT_EQ(up["url"], absl::StrCat("http://127.0.0.1:", bot.port()));
}

TEST(UpstreamTest, BotDownFiveSecondsLosesNothingAndItsCounterResets) {
  UpstreamBot bot(kBotSecret);
  ASSERT_TRUE(bot.Start());
  auto stack = StartWithBot(bot);
  ASSERT_NE(stack, nullptr);
  TelegramLoad load(stack.get(),
                    {.chats = 20, .per_chat = 30, .connections = 4});
  load.Start();
  ASSERT_TRUE(Eventually([&] { return bot.posted().size() >= 100; }));
  bot.Stop();
  ASSERT_TRUE(Eventually([&] {
    nlohmann::json up = Upstream(*stack);
    return up.is_object() && !up["reachable"].get<bool>() &&
           up["error_count"].get<int64_t>() > 0;
  })) << Upstream(*stack).dump();
  EXPECT_NE(Upstream(*stack)["last_error"].get<std::string>().find(
                "connection refused"),
            std::string::npos);
  EXPECT_FALSE(Upstream(*stack)["down_since"].is_null());
  absl::SleepFor(absl::Seconds(5));  // the outage itself, not a wait
  ASSERT_TRUE(bot.Start());
  ASSERT_TRUE(load.JoinToAllEchoedInOrder(600, 0));
  ASSERT_TRUE(Eventually([&] {
    nlohmann::json up = Upstream(*stack);
    return up.is_object() && up["reachable"].get<bool>() &&
           up["error_count"].get<int64_t>() == 0;
  })) << Upstream(*stack).dump();
  // 20 chats failing for 5 s passed the threshold (10): the connections to
  // the bot were re-created.
  EXPECT_GE(Upstream(*stack)["restarts"].get<int64_t>(), 1);
}

TEST(UpstreamTest, CrashAfterTheBotAnsweredSendsTheReplyOnceAndAsksNoMore) {
  UpstreamBot bot(kBotSecret);
  ASSERT_TRUE(bot.Start());
  auto stack = StartWithBot(bot, {{"TELEGATE_MAX_ATTEMPTS", "100"}});
  ASSERT_NE(stack, nullptr);
  // The reply cannot go out yet: the worker holds the bot's answer.
  ASSERT_EQ(stack->Emulator("POST", "/_emulator/faults",
                            R"({"method":"sendMessage","chat_id":501,)"
                            R"("count":-1,"error_code":500})")
                .status,
            200);
  ASSERT_TRUE(SendAccepted(*stack, 501, "reply once"));
  ASSERT_TRUE(Eventually([&] {
    nlohmann::json calls =
        stack->Emulator("GET", "/_emulator/calls?method=sendMessage").Json();
    return calls.is_object() && !calls["calls"].empty();
  })) << "posted to the bot: " << bot.posted().size();
  ASSERT_EQ(bot.posted().size(), 1u);
  const int64_t update_id = bot.posted()[0].update_id;
  stack->worker().Signal(SIGKILL);
  stack->worker().Wait();
  ASSERT_EQ(stack->Emulator("DELETE", "/_emulator/faults").status, 200);
  ASSERT_TRUE(stack->StartWorker().ok());
  ASSERT_TRUE(Eventually([&] { return !TextsTo(*stack, 501).empty(); }));
  // A later update of the same chat passes behind it, so the replay is over.
  ASSERT_TRUE(SendAccepted(*stack, 501, "after"));
  ASSERT_TRUE(Eventually([&] { return TextsTo(*stack, 501).size() >= 2; }))
      << "posted to the bot: " << bot.posted().size();
  EXPECT_EQ(TextsTo(*stack, 501),
            (std::vector<std::string>{"reply once", "after"}));
  EXPECT_EQ(bot.PostsOf(update_id), 1);
}

TEST(UpstreamTest, RefusedUpdateIsAFailedDeliveryThatARetryPostsAgain) {
  UpstreamBot bot(kBotSecret);
  bool refuse = true;
  absl::Mutex mu;
  bot.SetScript([&](const PostedUpdate& u) -> UpstreamBot::Answer {
    absl::MutexLock lock(&mu);
    if ((u.text == "refuse me" || u.text == "refuse me too") && refuse) {
      return {400, "no such command"};
    }
    return UpstreamBot::EchoReply(u);
  });
  ASSERT_TRUE(bot.Start());
  auto stack = StartWithBot(bot);
  ASSERT_NE(stack, nullptr);
  ASSERT_TRUE(SendAccepted(*stack, 601, "refuse me"));
  ASSERT_TRUE(SendAccepted(*stack, 601, "next"));
  ASSERT_TRUE(Eventually([&] { return !TextsTo(*stack, 601).empty(); }));
  EXPECT_EQ(TextsTo(*stack, 601), std::vector<std::string>{"next"});
  nlohmann::json failed = stack->Admin("GET", "/api/failed").Json();
  ASSERT_TRUE(failed.is_object()) << failed.dump();
  ASSERT_EQ(failed["deliveries"].size(), 1u) << failed.dump();
  const nlohmann::json& d = failed["deliveries"][0];
  EXPECT_EQ(d["kind"], "upstream_update");
  EXPECT_EQ(d["error_code"], 400);
  EXPECT_NE(d["reason"].get<std::string>().find("no such command"),
            std::string::npos);
  EXPECT_EQ(d["params"]["message"]["text"], "refuse me");
  {
    absl::MutexLock lock(&mu);
    refuse = false;
  }
  HttpReply retry = Http(stack->admin_port(), "POST", "/api/failed/retry",
                         nlohmann::json{{"id", d["id"]}}.dump());
  ASSERT_EQ(retry.status, 200) << retry.body;
  ASSERT_TRUE(Eventually([&] { return TextsTo(*stack, 601).size() >= 2; }));
  EXPECT_EQ(TextsTo(*stack, 601),
            (std::vector<std::string>{"next", "refuse me"}));
  EXPECT_EQ(stack->Admin("GET", "/api/failed").Json()["deliveries"].size(), 0u);
  // All of them at once, by kind.
  {
    absl::MutexLock lock(&mu);
    refuse = true;
  }
  ASSERT_TRUE(SendAccepted(*stack, 602, "refuse me too"));
  ASSERT_TRUE(Eventually([&] {
    return stack->Admin("GET", "/api/failed").Json()["deliveries"].size() == 1;
  }));
  {
    absl::MutexLock lock(&mu);
    refuse = false;
  }
  HttpReply all = Http(stack->admin_port(), "POST", "/api/failed/retry",
                       R"({"all":true,"kind":"upstream_update"})");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json()["retried"], 1) << all.body;
  ASSERT_TRUE(Eventually([&] { return !TextsTo(*stack, 602).empty(); }));
  EXPECT_EQ(TextsTo(*stack, 602), std::vector<std::string>{"refuse me too"});
}

TEST(UpstreamTest, WrongSecretMakesHealthUnhealthyAndDropsNothing) {
  UpstreamBot bot("not-the-worker-s-secret");
  ASSERT_TRUE(bot.Start());
  auto stack = StartWithBot(bot);
  ASSERT_NE(stack, nullptr);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(SendAccepted(*stack, 701 + i, absl::StrCat("wait ", i)));
  }
  ASSERT_TRUE(stack->WaitForHealth([](const nlohmann::json& h) {
    return h.value("status", "") == "unhealthy" &&
           h.value("bot_status", "").find("TELEGATE_UPSTREAM_SECRET") !=
               std::string::npos;
  })) << stack->Admin("GET", "/health").body;
  EXPECT_TRUE(Upstream(*stack)["misconfigured"].get<bool>());
  EXPECT_TRUE(stack->SentMessages().empty());
  EXPECT_EQ(stack->Admin("GET", "/api/failed").Json()["deliveries"].size(), 0u);
  // The operator fixes the bot's secret: everything waiting goes out.
  bot.SetSecretForTest(kBotSecret);
  ASSERT_TRUE(stack->WaitForSentMessages(5));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(TextsTo(*stack, 701 + i),
              std::vector<std::string>{absl::StrCat("wait ", i)});
  }
  ASSERT_TRUE(stack->WaitForHealth([](const nlohmann::json& h) {
    return h.value("status", "") == "healthy";
  })) << stack->Admin("GET", "/health").body;
}

TEST(UpstreamTest, PoisonUpdateBecomesAFailedDeliveryAndItsChatGoesOn) {
  UpstreamBot bot(kBotSecret);
  bot.SetScript([](const PostedUpdate& u) -> UpstreamBot::Answer {
    if (u.text == "poison") return {500, "handler crashed"};
    return UpstreamBot::EchoReply(u);
  });
  ASSERT_TRUE(bot.Start());
  auto stack = StartWithBot(bot, {{"TELEGATE_MAX_ATTEMPTS", "3"}});
  ASSERT_NE(stack, nullptr);
  ASSERT_TRUE(SendAccepted(*stack, 801, "poison"));
  ASSERT_TRUE(SendAccepted(*stack, 801, "after poison"));
  // Other chats keep the bot answering, so the poison's failures count.
  int n = 0;
  ASSERT_TRUE(Eventually([&] {
    stack->SendText(900 + (n % 50), absl::StrCat("other ", n));
    ++n;
    return !TextsTo(*stack, 801).empty();
  }));
  EXPECT_EQ(TextsTo(*stack, 801), std::vector<std::string>{"after poison"});
  nlohmann::json failed = stack->Admin("GET", "/api/failed").Json();
  ASSERT_EQ(failed["deliveries"].size(), 1u) << failed.dump();
  EXPECT_EQ(failed["deliveries"][0]["kind"], "upstream_update");
  EXPECT_EQ(failed["deliveries"][0]["params"]["message"]["text"], "poison");
}

TEST(UpstreamTest, EmptyAndNonJsonAnswersAreHandledWithoutACall) {
  UpstreamBot bot(kBotSecret);
  bot.SetScript([](const PostedUpdate& u) -> UpstreamBot::Answer {
    if (u.text == "empty") return {200, ""};
    if (u.text == "plain") return {200, "thanks"};
    if (u.text == "no method") return {200, R"({"ok":true})"};
    return UpstreamBot::EchoReply(u);
  });
  ASSERT_TRUE(bot.Start());
  auto stack = StartWithBot(bot);
  ASSERT_NE(stack, nullptr);
  for (const char* text : {"empty", "plain", "no method", "last"}) {
    ASSERT_TRUE(SendAccepted(*stack, 1001, text));
  }
  ASSERT_TRUE(Eventually([&] { return !TextsTo(*stack, 1001).empty(); }));
  EXPECT_EQ(TextsTo(*stack, 1001), std::vector<std::string>{"last"});
  EXPECT_EQ(bot.posted().size(), 4u);
  EXPECT_EQ(stack->Admin("GET", "/api/failed").Json()["deliveries"].size(), 0u);
}

}  // namespace
}  // namespace telegate::testing
