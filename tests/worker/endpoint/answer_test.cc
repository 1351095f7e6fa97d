// Telegram-shaped answers: results passed back, errors, files, intercepted
// methods.
#include "worker/endpoint/answer.h"

#include "gtest/gtest.h"
#include "tests/worker/endpoint/fake_bot_api_caller.h"

namespace telegate::worker {
namespace {

TEST(AnswerTest, SuccessCarriesResultAndDescription) {
  http::Response ok = AnswerFromResult(OkResult({{"message_id", 5}}));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, "application/json");
  EXPECT_EQ(ok.body, R"({"ok":true,"result":{"message_id":5}})");
  ApiResult set = OkResult(true);
  set.description = "Webhook was set";
  EXPECT_EQ(AnswerFromResult(set).body,
            R"({"ok":true,"result":true,"description":"Webhook was set"})");
}

TEST(AnswerTest, TelegramErrorsKeepStatusAndParameters) {
  ApiResult bad;
  bad.http_status = 400;
  bad.error_code = 400;
  bad.description = "Bad Request: chat not found";
  http::Response answer = AnswerFromResult(bad);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(
      answer.body,
      R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})");
  http::Response flood = AnswerFromResult(FloodResult(7));
  EXPECT_EQ(flood.status, 429);
  EXPECT_EQ(
      flood.body,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})");
  ApiResult migrated = bad;
  migrated.description =
      "Bad Request: group chat was upgraded to a supergroup chat";
  migrated.migrate_to_chat_id = -1001234;
  EXPECT_EQ(
      AnswerFromResult(migrated).body,
      R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234}})");
}

TEST(AnswerTest, NetworkFailureIs502NamingIt) {
  ApiResult down;
  down.description = "connection refused to api.telegram.org:443";
  http::Response answer = AnswerFromResult(down);
  EXPECT_EQ(answer.status, 502);
  EXPECT_EQ(
      answer.body,
      R"({"ok":false,"error_code":502,"description":"Bad Gateway: connection refused to api.telegram.org:443"})");
}

TEST(AnswerTest, FileIsPassedThrough) {
  http::HttpResponse file;
  file.code = 200;
  file.headers = {{"content-type", "image/jpeg"}};
  file.body = std::string("\xff\xd8\x00jpeg", 7);
  http::Response answer = FileAnswer(file);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.content_type, "image/jpeg");
  EXPECT_EQ(answer.body, file.body);
  http::HttpResponse missing;
  missing.code = 404;
  missing.body = R"({"ok":false,"error_code":404,"description":"Not Found"})";
  EXPECT_EQ(FileAnswer(missing).status, 404);
  EXPECT_EQ(FileAnswer(missing).content_type, "application/octet-stream");
  http::HttpResponse failed;
  failed.status = absl::DeadlineExceededError("timeout after 5 s (api:443)");
  EXPECT_EQ(
      FileAnswer(failed).body,
      R"json({"ok":false,"error_code":502,"description":"Bad Gateway: timeout after 5 s (api:443)"})json");
}

TEST(AnswerTest, InterceptedMethods) {
  WebhookView info;
  info.url = "https://gateway.example/hook";
  info.pending_update_count = 3;
  info.max_connections = 40;
  info.allowed_updates = {"message"};
  EXPECT_EQ(
      InterceptedAnswer(Interception::kWebhookInfo, "getWebhookInfo", info)
          .body,
      R"({"ok":true,"result":{"url":"https://gateway.example/hook","has_custom_certificate":false,"pending_update_count":3,"max_connections":40,"allowed_updates":["message"]}})");
  http::Response noop =
      InterceptedAnswer(Interception::kWebhookNoop, "setWebhook", info);
  EXPECT_EQ(noop.status, 200);
  auto body = nlohmann::json::parse(noop.body);
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(body["result"], true);
  EXPECT_TRUE(body["description"].is_string());
  http::Response conflict =
      InterceptedAnswer(Interception::kGetUpdatesConflict, "getUpdates", info);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(
      conflict.body,
      R"({"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})");
  http::Response refused =
      InterceptedAnswer(Interception::kRefused, "logOut", info);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error_code"], 400);
}

TEST(AnswerTest, TelegramError) {
  EXPECT_EQ(TelegramError(401, "Unauthorized").body,
            R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
}

}  // namespace
}  // namespace telegate::worker
