#include "worker/echo_bot.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/worker/fake_bot_api.h"  // TextUpdate

namespace telegate::worker {
namespace {

using nlohmann::json;
using testing::TextUpdate;

// What EchoBot decides for `update`.
std::vector<BotAction> Decide(const json& update) {
  EchoBot bot;
  return bot.Decide(update);
}

TEST(EchoBotTest, StartGreetsByFirstName) {
  std::vector<BotAction> calls = Decide(TextUpdate(1, 99, "/start", "Zoë"));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "sendMessage");
  EXPECT_EQ(calls[0].params["chat_id"], 99);
  std::string text = calls[0].params["text"];
  EXPECT_EQ(text.rfind("Hello, Zoë!", 0), 0u) << text;
}

TEST(EchoBotTest, StartAddressedToBotIsStart) {
  for (const char* command : {"/start@somebot", "/start payload",
                              "/start@somebot deep-link"}) {
    std::optional<BotAction> a = DecideEchoReply(TextUpdate(1, 5, command));
    ASSERT_TRUE(a.has_value()) << command;
    EXPECT_EQ(a->params["text"].get<std::string>().rfind("Hello, Ann!", 0), 0u)
        << command;
  }
}

TEST(EchoBotTest, StartWithoutSenderGreetsThere) {
  json update = TextUpdate(1, 5, "/start");
  update["message"].erase("from");
  std::optional<BotAction> a = DecideEchoReply(update);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->params["text"].get<std::string>().rfind("Hello, there!", 0), 0u);
}

TEST(EchoBotTest, HelpListsCommands) {
  for (const char* command : {"/help", "/help@somebot"}) {
    std::optional<BotAction> a = DecideEchoReply(TextUpdate(1, 5, command));
    ASSERT_TRUE(a.has_value());
    std::string text = a->params["text"];
    EXPECT_EQ(text, kHelpText);
    EXPECT_NE(text.find("/start"), std::string::npos);
    EXPECT_NE(text.find("/help"), std::string::npos);
  }
}

TEST(EchoBotTest, EchoesAnyOtherTextExactly) {
  const std::vector<std::string> texts = {
      "hello",
      "  leading and trailing spaces  ",
      "line one\nline two\n\ttabbed\r\n",
      "Привет, 世界! 👋🏽 مرحبا",
      "/unknown command",
      "/",
      "start",
      std::string(4096, 'x'),
  };
  std::vector<std::string> cases = texts;
  std::string long_unicode;
  // 4096 characters (Telegram's limit), 10240 bytes of UTF-8.
  for (int i = 0; i < 2048; ++i) long_unicode += "ж€";
  cases.push_back(long_unicode);
  for (const std::string& text : cases) {
    std::vector<BotAction> calls = Decide(TextUpdate(3, 12345, text));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].method, "sendMessage");
    EXPECT_EQ(calls[0].params["chat_id"], 12345);
    EXPECT_EQ(calls[0].params["text"].get<std::string>(), text);
  }
}

TEST(EchoBotTest, RepliesToTheSameChatIncludingGroups) {
  for (int64_t chat_id : {int64_t{1}, int64_t{-42}, int64_t{-1001234567890},
                          int64_t{9007199254740991}}) {
    std::optional<BotAction> a = DecideEchoReply(TextUpdate(1, chat_id, "hi"));
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->params["chat_id"].get<int64_t>(), chat_id);
  }
}

TEST(EchoBotTest, CallbackQueryIsAnswered) {
  json update = {{"update_id", 9},
                 {"callback_query",
                  {{"id", "4382bfdwdsb323b2d9"},
                   {"from", {{"id", 7}, {"first_name", "Ann"}}},
                   {"message", {{"message_id", 1}, {"chat", {{"id", 7}}}}},
                   {"data", "button-1"}}}};
  std::vector<BotAction> calls = Decide(update);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "answerCallbackQuery");
  EXPECT_EQ(calls[0].params,
            json({{"callback_query_id", "4382bfdwdsb323b2d9"}}));
}

TEST(EchoBotTest, OtherUpdatesGetNoReply) {
  json photo = TextUpdate(1, 5, "x");
  photo["message"].erase("text");
  photo["message"]["photo"] = json::array({{{"file_id", "abc"}}});
  photo["message"]["caption"] = "a caption";
  json edited = {{"update_id", 2}, {"edited_message", TextUpdate(2, 5, "e")["message"]}};
  json channel = {{"update_id", 3}, {"channel_post", TextUpdate(3, -1007, "c")["message"]}};
  json inline_query = {{"update_id", 4},
                       {"inline_query",
                        {{"id", "q1"}, {"from", {{"id", 7}}}, {"query", "hi"},
                         {"offset", ""}}}};
  json bad_callback = {{"update_id", 5}, {"callback_query", {{"id", 17}}}};
  json empty = {{"update_id", 6}};
  for (const json& update :
       {photo, edited, channel, inline_query, bad_callback, empty}) {
    EXPECT_FALSE(DecideEchoReply(update).has_value()) << update.dump();
    EXPECT_TRUE(Decide(update).empty()) << update.dump();
  }
}

// Known bug (see the test report): `from->value("first_name", name)` throws
// nlohmann::json::type_error when first_name is not a string, and nothing on
// the processing thread catches it, so the worker terminates. Enable once
// echo_bot.cc checks is_string().
TEST(EchoBotTest, NonStringFirstNameDoesNotThrow) {
  json update = TextUpdate(1, 5, "/start");
  update["message"]["from"]["first_name"] = 12;
  EXPECT_NO_THROW(DecideEchoReply(update));
}

}  // namespace
}  // namespace telegate::worker
