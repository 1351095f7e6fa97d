#include "emulator/bot_api.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/emulator/bot_api_options.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

using testing_options::kNow;
using testing_options::kToken;
using testing_options::Options;

std::vector<Fault> Faults(const json& body) {
  absl::StatusOr<std::vector<Fault>> faults = ParseFaults(body);
  EXPECT_TRUE(faults.ok()) << faults.status();
  return faults.ok() ? *faults : std::vector<Fault>{};
}

Response Send(BotApi& api, const json& chat_id, const std::string& text) {
  return api.Call(kToken, "sendMessage",
                  {{"chat_id", chat_id}, {"text", text}});
}

TEST(BotApiTest, GetMeReturnsBotUserWithIdFromToken) {
  BotApi api(Options());
  Response r = api.Call(kToken, "getMe", json::object());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.body["ok"], true);
  EXPECT_EQ(r.body["result"]["id"], 4242);
  EXPECT_EQ(r.body["result"]["is_bot"], true);
  EXPECT_EQ(r.body["result"]["first_name"], "Telegate Emulator");
  EXPECT_EQ(r.body["result"]["username"], "telegate_emulator_bot");
  EXPECT_EQ(r.body["result"]["can_join_groups"], true);
}

TEST(BotApiTest, SendMessageReturnsMessageWithPerChatIds) {
  BotApi api(Options());
  Response a1 = Send(api, 10, "hello");
  Response a2 = Send(api, 10, "again");
  Response b1 = Send(api, -100123, "group");
  ASSERT_EQ(a1.http_status, 200);
  const json& m = a1.body["result"];
  EXPECT_EQ(m["message_id"], 1);
  EXPECT_EQ(m["from"]["id"], 4242);
  EXPECT_EQ(m["chat"]["id"], 10);
  EXPECT_EQ(m["chat"]["type"], "private");
  EXPECT_TRUE(m["chat"].contains("first_name"));
  EXPECT_EQ(m["date"], kNow);
  EXPECT_EQ(m["text"], "hello");
  EXPECT_EQ(a2.body["result"]["message_id"], 2);
  EXPECT_EQ(b1.body["result"]["message_id"], 1);
  EXPECT_EQ(b1.body["result"]["chat"]["type"], "supergroup");
  EXPECT_TRUE(b1.body["result"]["chat"].contains("title"));
}

TEST(BotApiTest, ChatIdMayBeADecimalString) {
  BotApi api(Options());
  Response r = Send(api, "-1001", "hi");
  ASSERT_EQ(r.http_status, 200);
  EXPECT_EQ(r.body["result"]["chat"]["id"], -1001);
}

TEST(BotApiTest, SendMessageValidatesParameters) {
  BotApi api(Options());
  Response no_text = api.Call(kToken, "sendMessage", {{"chat_id", 1}});
  EXPECT_EQ(no_text.http_status, 400);
  EXPECT_EQ(no_text.body["ok"], false);
  EXPECT_EQ(no_text.body["error_code"], 400);
  EXPECT_EQ(no_text.body["description"], "Bad Request: message text is empty");
  Response no_chat = api.Call(kToken, "sendMessage", {{"text", "x"}});
  EXPECT_EQ(no_chat.body["description"], "Bad Request: chat_id is empty");
  std::string long_text;
  for (int i = 0; i < 4096; ++i) long_text += "\xC3\xA9";  // é: 2 bytes
  EXPECT_EQ(Send(api, 1, long_text).http_status, 200);
  Response too_long = Send(api, 1, long_text + "x");
  EXPECT_EQ(too_long.body["description"], "Bad Request: message is too long");
}

TEST(BotApiTest, WrongTokenIs401AndUnknownMethodIs404) {
  BotApi api(Options());
  Response bad = api.Call("4242:wrong", "getMe", json::object());
  EXPECT_EQ(bad.http_status, 401);
  EXPECT_EQ(bad.body, json::parse(R"({"ok":false,"error_code":401,
                                      "description":"Unauthorized"})"));
  Response unknown = api.Call(kToken, "sendTelepathy", json::object());
  EXPECT_EQ(unknown.http_status, 404);
  EXPECT_EQ(unknown.body["description"], "Not Found");
}

TEST(BotApiTest, RecordsEveryCallWithoutToken) {
  BotApi api(Options());
  Send(api, 5, "one");
  api.Call("4242:wrong", "getMe", json::object());
  api.AddFaults(Faults({{"method", "getMe"}, {"error_code", 500}}));
  api.Call(kToken, "getMe", json::object());
  json calls = api.Calls("", 0);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0]["seq"], 1);
  EXPECT_EQ(calls[0]["method"], "sendMessage");
  EXPECT_EQ(calls[0]["params"]["text"], "one");
  EXPECT_EQ(calls[0]["http_status"], 200);
  EXPECT_EQ(calls[0]["time_us"], kNow * 1000000);
  EXPECT_EQ(calls[1]["http_status"], 401);
  EXPECT_EQ(calls[2]["http_status"], 500);
  EXPECT_EQ(calls.dump().find("test-token"), std::string::npos);
  EXPECT_EQ(api.Calls("getMe", 2).size(), 1u);
  EXPECT_EQ(api.Calls("sendMessage", 0).size(), 1u);
}

TEST(BotApiTest, FaultsAreConsumedInOrder) {
  BotApi api(Options());
  api.AddFaults(Faults(
      {{"faults",
        {{{"method", "sendMessage"}, {"error_code", 500}},
         {{"method", "sendMessage"}, {"error_code", 502}, {"count", 2}}}}}));
  EXPECT_EQ(Send(api, 1, "a").http_status, 500);
  EXPECT_EQ(Send(api, 1, "b").http_status, 502);
  EXPECT_EQ(Send(api, 1, "c").http_status, 502);
  EXPECT_EQ(Send(api, 1, "d").http_status, 200);
  EXPECT_TRUE(api.Faults().empty());
}

TEST(BotApiTest, TooManyRequestsCarriesRetryAfter) {
  BotApi api(Options());
  api.AddFaults(Faults(
      {{"method", "sendMessage"}, {"error_code", 429}, {"retry_after", 7}}));
  Response r = Send(api, 1, "x");
  EXPECT_EQ(r.http_status, 429);
  EXPECT_EQ(r.body["description"], "Too Many Requests: retry after 7");
  EXPECT_EQ(r.body["parameters"]["retry_after"], 7);
}

TEST(BotApiTest, MigrateToChatIdGoesIntoParameters) {
  BotApi api(Options());
  api.AddFaults(Faults({{"method", "sendMessage"},
                        {"error_code", 400},
                        {"migrate_to_chat_id", -1009}}));
  Response r = Send(api, -5, "x");
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.body["description"],
            "Bad Request: group chat was upgraded to a supergroup chat");
  EXPECT_EQ(r.body["parameters"]["migrate_to_chat_id"], -1009);
}

TEST(BotApiTest, ChatScopedFaultOnlyMatchesThatChat) {
  BotApi api(Options());
  api.AddFaults(Faults({{"method", "sendMessage"},
                        {"error_code", 403},
                        {"chat_id", "77"},
                        {"count", -1}}));
  EXPECT_EQ(Send(api, 1, "x").http_status, 200);
  EXPECT_EQ(Send(api, 77, "x").http_status, 403);
  EXPECT_EQ(Send(api, "77", "x").http_status, 403);
  EXPECT_EQ(api.Faults().size(), 1u);  // count -1 stays until cleared
  api.ClearFaults();
  EXPECT_EQ(Send(api, 77, "x").http_status, 200);
}

TEST(BotApiTest, DelayOnlyFaultAnswersNormallyWithDelay) {
  BotApi api(Options());
  api.AddFaults(Faults({{"method", "getMe"}, {"delay_ms", 250}}));
  Response r = api.Call(kToken, "getMe", json::object());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.delay_ms, 250);
  EXPECT_EQ(api.Call(kToken, "getMe", json::object()).delay_ms, 0);
}

TEST(BotApiTest, SetWebhookValidatesSecretToken) {
  BotApi api(Options());
  json params = {{"url", "https://example.org/hook"}, {"secret_token", "a b"}};
  Response bad = api.Call(kToken, "setWebhook", params);
  EXPECT_EQ(bad.http_status, 400);
  EXPECT_EQ(bad.body["description"],
            "Bad Request: secret token contains unallowed characters");
  params["secret_token"] = std::string(257, 'a');
  EXPECT_EQ(api.Call(kToken, "setWebhook", params).http_status, 400);
  params["secret_token"] = "Ok_secret-1";
  params["max_connections"] = "5";
  params["allowed_updates"] = json::array({"message"});
  Response ok = api.Call(kToken, "setWebhook", params);
  EXPECT_EQ(ok.http_status, 200);
  EXPECT_EQ(ok.body["result"], true);
  EXPECT_EQ(ok.body["description"], "Webhook was set");
  EXPECT_EQ(api.Webhook().secret_token, "Ok_secret-1");
  json info = api.Call(kToken, "getWebhookInfo", json::object()).body["result"];
  EXPECT_EQ(info["url"], "https://example.org/hook");
  EXPECT_EQ(info["max_connections"], 5);
  EXPECT_EQ(info["allowed_updates"], json::array({"message"}));
  EXPECT_EQ(info["pending_update_count"], 0);
  EXPECT_FALSE(info.contains("last_error_date"));
  api.RecordWebhookError("Connection refused");
  info = api.Call(kToken, "getWebhookInfo", json::object()).body["result"];
  EXPECT_EQ(info["last_error_date"], kNow);
  EXPECT_EQ(info["last_error_message"], "Connection refused");
  Response del = api.Call(kToken, "deleteWebhook", json::object());
  EXPECT_EQ(del.body["description"], "Webhook was deleted");
  EXPECT_EQ(api.Webhook().url, "");
}

TEST(BotApiTest, MakeUpdateBuildsMessageAndCallbackUpdates) {
  BotApiOptions options = Options();
  options.next_update_id = 500;
  BotApi api(options);
  absl::StatusOr<json> msg =
      api.MakeUpdate({{"chat_id", 9}, {"text", "/start x"}});
  ASSERT_TRUE(msg.ok()) << msg.status();
  EXPECT_EQ((*msg)["update_id"], 500);
  EXPECT_EQ((*msg)["message"]["message_id"], 1);
  EXPECT_EQ((*msg)["message"]["from"]["id"], 9);
  EXPECT_EQ((*msg)["message"]["chat"]["type"], "private");
  EXPECT_EQ((*msg)["message"]["entities"][0]["type"], "bot_command");
  EXPECT_EQ((*msg)["message"]["entities"][0]["length"], 6);
  absl::StatusOr<json> cb =
      api.MakeUpdate({{"chat_id", 9}, {"callback_data", "yes"}});
  ASSERT_TRUE(cb.ok()) << cb.status();
  EXPECT_EQ((*cb)["update_id"], 501);
  EXPECT_EQ((*cb)["callback_query"]["data"], "yes");
  EXPECT_EQ((*cb)["callback_query"]["from"]["id"], 9);
  EXPECT_TRUE((*cb)["callback_query"]["id"].is_string());
  absl::StatusOr<json> full = api.MakeUpdate({{"update_id", 900}});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(*full, json({{"update_id", 900}}));
  EXPECT_EQ((*api.MakeUpdate({{"chat_id", 9}, {"text", "a"}}))["update_id"],
            901);
  EXPECT_FALSE(api.MakeUpdate({{"update_id", "1"}}).ok());
  EXPECT_FALSE(api.MakeUpdate({{"chat_id", 9}}).ok());
  EXPECT_FALSE(api.MakeUpdate({{"text", "no chat"}}).ok());
}

TEST(BotApiTest, ResetClearsCallsAndFaultsButKeepsWebhook) {
  BotApiOptions options = Options();
  options.webhook_url = "http://127.0.0.1:1/hook";
  BotApi api(options);
  Send(api, 1, "x");
  api.AddFaults(Faults({{"method", "getMe"}, {"error_code", 500}}));
  api.Reset();
  EXPECT_TRUE(api.Calls("", 0).empty());
  EXPECT_TRUE(api.Faults().empty());
  EXPECT_EQ(api.Webhook().url, "http://127.0.0.1:1/hook");
  Send(api, 1, "y");
  EXPECT_EQ(api.Calls("", 0)[0]["seq"], 2);  // seq keeps increasing
}

}  // namespace
}  // namespace telegate::emulator

namespace telegate::emulator {
namespace {

TEST(BotApiTest, EveryCallCarriesTheBaseLatencyPlusFaultDelay) {
  BotApiOptions options = Options();
  options.latency = {80, 0};
  BotApi api(options);
  EXPECT_EQ(api.Call(kToken, "getMe", json::object()).delay_ms, 80);
  EXPECT_EQ(api.Call("1:wrong", "getMe", json::object()).delay_ms, 80);
  EXPECT_EQ(api.Call(kToken, "fly", json::object()).delay_ms, 80);
  EXPECT_EQ(api.BadRequest(kToken, "getMe", "bad").delay_ms, 80);
  api.AddFaults(Faults({{"method", "getMe"}, {"delay_ms", 20}}));
  EXPECT_EQ(api.Call(kToken, "getMe", json::object()).delay_ms, 100);

  api.SetLatency({5, 10});
  for (int i = 0; i < 50; ++i) {
    int d = api.Call(kToken, "getMe", json::object()).delay_ms;
    EXPECT_GE(d, 5);
    EXPECT_LE(d, 15);
  }
  api.SetLatency({-1, 1000000});  // clamped
  EXPECT_EQ(api.GetLatency().ms, 0);
  EXPECT_EQ(api.GetLatency().jitter_ms, kMaxLatencyMs);
  api.Reset();  // keeps the latency
  EXPECT_EQ(api.GetLatency().jitter_ms, kMaxLatencyMs);
}

TEST(BotApiTest, ChatRateLimitAnswers429WithRetryAfter) {
  absl::Time now = absl::FromUnixSeconds(kNow);
  BotApiOptions options = Options();
  options.clock = [&now] { return now; };
  options.chat_rate_limit = 1;
  BotApi api(options);
  EXPECT_EQ(Send(api, 10, "a").http_status, 200);
  Response limited = Send(api, 10, "b");
  EXPECT_EQ(limited.http_status, 429);
  EXPECT_EQ(limited.body["error_code"], 429);
  EXPECT_EQ(limited.body["parameters"]["retry_after"], 1);
  EXPECT_EQ(limited.body["description"], "Too Many Requests: retry after 1");
  EXPECT_EQ(Send(api, 11, "other chat").http_status, 200);
  EXPECT_EQ(api.Call(kToken, "getMe", json::object()).http_status, 200);
  now += absl::Seconds(1);
  EXPECT_EQ(Send(api, 10, "b").http_status, 200);
  // The refused call is recorded with its status, as Telegram would see it.
  json calls = api.Calls("sendMessage", 0);
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[1]["http_status"], 429);
}

TEST(BotApiTest, CallsSinceSkipsOlderOnesAfterTrimAndReset) {
  BotApiOptions options = Options();
  options.max_recorded_calls = 3;
  BotApi api(options);
  for (int i = 0; i < 5; ++i) Send(api, 1, "x" + std::to_string(i));
  json kept = api.Calls("", 0);  // seqs 3..5
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0]["seq"], 3);
  EXPECT_EQ(api.Calls("", 4).size(), 1u);
  EXPECT_EQ(api.Calls("", 5).size(), 0u);
  EXPECT_EQ(api.Calls("", 100).size(), 0u);
  api.Reset();
  Send(api, 1, "after");
  json after = api.Calls("sendMessage", 5);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["seq"], 6);
}

}  // namespace
}  // namespace telegate::emulator
