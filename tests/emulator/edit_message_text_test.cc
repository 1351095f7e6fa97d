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

TEST(EditMessageTextTest, EditsASentMessageAndKeepsItsId) {
  BotApi api(Options());
  json keyboard = {
      {"inline_keyboard",
       json::array({json::array({{{"text", "A"}, {"callback_data", "a"}}})})}};
  Response sent =
      api.Call(kToken, "sendMessage",
               {{"chat_id", 7}, {"text", "pick"}, {"reply_markup", keyboard}});
  ASSERT_EQ(sent.http_status, 200);
  const int64_t id = sent.body["result"]["message_id"].get<int64_t>();
  Response edited = api.Call(kToken, "editmessagetext",
                             {{"chat_id", "7"},
                              {"message_id", id},
                              {"text", "picked"},
                              {"reply_markup", keyboard}});
  ASSERT_EQ(edited.http_status, 200) << edited.body.dump();
  const json& m = edited.body["result"];
  EXPECT_EQ(m["message_id"], id);
  EXPECT_EQ(m["chat"]["id"], 7);
  EXPECT_EQ(m["from"]["id"], 4242);
  EXPECT_EQ(m["text"], "picked");
  EXPECT_EQ(m["edit_date"], kNow);
  EXPECT_EQ(m["reply_markup"], keyboard);
  json calls = api.Calls("editMessageText", 0);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["method"], "editMessageText");
}

TEST(EditMessageTextTest, UnknownMessageOrChatIsBadRequest) {
  BotApi api(Options());
  api.Call(kToken, "sendMessage", {{"chat_id", 7}, {"text", "one"}});
  Response future =
      api.Call(kToken, "editMessageText",
               {{"chat_id", 7}, {"message_id", 2}, {"text", "x"}});
  EXPECT_EQ(future.http_status, 400);
  EXPECT_EQ(future.body["description"],
            "Bad Request: message to edit not found");
  Response other_chat =
      api.Call(kToken, "editMessageText",
               {{"chat_id", 8}, {"message_id", 1}, {"text", "x"}});
  EXPECT_EQ(other_chat.body["description"],
            "Bad Request: message to edit not found");
  Response no_id =
      api.Call(kToken, "editMessageText", {{"chat_id", 7}, {"text", "x"}});
  EXPECT_EQ(no_id.body["description"],
            "Bad Request: message identifier is not specified");
  Response no_text =
      api.Call(kToken, "editMessageText", {{"chat_id", 7}, {"message_id", 1}});
  EXPECT_EQ(no_text.body["description"], "Bad Request: message text is empty");
  Response no_chat =
      api.Call(kToken, "editMessageText", {{"message_id", 1}, {"text", "x"}});
  EXPECT_EQ(no_chat.body["description"], "Bad Request: chat_id is empty");
}

TEST(EditMessageTextTest, InlineMessageAnswersTrue) {
  BotApi api(Options());
  Response r = api.Call(kToken, "editMessageText",
                        {{"inline_message_id", "AAE1"}, {"text", "x"}});
  ASSERT_EQ(r.http_status, 200);
  EXPECT_EQ(r.body["result"], true);
}

}  // namespace
}  // namespace telegate::emulator
