#include "common/bot_api_client.h"

#include <deque>
#include <string>
#include <utility>

#include "common/http_bot_api_client.h"
#include "gtest/gtest.h"

namespace telegate {
namespace {

// Answers each call with the next scripted result (ok:true once exhausted).
class ScriptedClient : public BotApiClient {
 public:
  void Then(ApiResult r) { script_.push_back(std::move(r)); }
  ApiResult Call(std::string_view, const nlohmann::json&) override {
    if (script_.empty()) {
      ApiResult ok;
      ok.http_status = 200;
      ok.ok = true;
      ok.result = {{"username", "fake_bot"}};
      return ok;
    }
    ApiResult r = std::move(script_.front());
    script_.pop_front();
    return r;
  }

 private:
  std::deque<ApiResult> script_;
};

ApiResult Failure(int status, std::string description, int retry_after = 0) {
  ApiResult r;
  r.http_status = status;
  r.error_code = status;
  r.description = std::move(description);
  r.retry_after = retry_after;
  return r;
}

ApiResult Http(int status, bool ok = false) {
  ApiResult r;
  r.http_status = status;
  r.error_code = ok ? 0 : status;
  r.ok = ok;
  return r;
}

TEST(ClassifyTest, SuccessIsOk) {
  EXPECT_EQ(Classify(Http(200, true)), Outcome::kOk);
}

TEST(ClassifyTest, NetworkAndServerErrorsAreTransient) {
  EXPECT_EQ(Classify(Http(0)), Outcome::kTransient);
  for (int status : {500, 502, 503, 504}) {
    EXPECT_EQ(Classify(Http(status)), Outcome::kTransient) << status;
  }
  // A 2xx without ok:true is a malformed answer.
  EXPECT_EQ(Classify(Http(200, false)), Outcome::kTransient);
}

TEST(ClassifyTest, FloodControlIsRetryAfter) {
  ApiResult r = Http(429);
  r.retry_after = 7;
  EXPECT_EQ(Classify(r), Outcome::kRetryAfter);
  ApiResult by_code = Http(400);
  by_code.error_code = 429;
  EXPECT_EQ(Classify(by_code), Outcome::kRetryAfter);
}

TEST(ClassifyTest, MigratedGroupIsMigrated) {
  ApiResult r = Http(400);
  r.migrate_to_chat_id = -1001234567890;
  EXPECT_EQ(Classify(r), Outcome::kMigrated);
}

TEST(ClassifyTest, ClientErrorsArePermanent) {
  for (int status : {400, 401, 403, 404, 409}) {
    EXPECT_EQ(Classify(Http(status)), Outcome::kPermanent) << status;
  }
}

TEST(DescribeFailureTest, NamesMethodStatusAndDescription) {
  ApiResult r = Http(403);
  r.description = "Forbidden: bot was blocked by the user";
  EXPECT_EQ(DescribeFailure("sendMessage", r),
            "sendMessage: 403 Forbidden: bot was blocked by the user");
  ApiResult net;
  net.description = "connection refused to 127.0.0.1:1";
  EXPECT_EQ(DescribeFailure("getMe", net),
            "getMe: connection refused to 127.0.0.1:1");
}

TEST(DecodeEnvelopeTest, Success) {
  ApiResult r =
      DecodeEnvelope(200, R"({"ok":true,"result":{"id":1,"username":"b"}})");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.result["username"], "b");
  EXPECT_EQ(Classify(r), Outcome::kOk);
}

TEST(DecodeEnvelopeTest, ErrorWithParameters) {
  ApiResult r = DecodeEnvelope(
      429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: )"
           R"(retry after 12","parameters":{"retry_after":12}})");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_code, 429);
  EXPECT_EQ(r.retry_after, 12);
  EXPECT_EQ(r.description, "Too Many Requests: retry after 12");
  EXPECT_EQ(Classify(r), Outcome::kRetryAfter);

  ApiResult m = DecodeEnvelope(
      400, R"({"ok":false,"error_code":400,"description":"Bad Request: group )"
           R"(chat was upgraded to a supergroup chat","parameters":)"
           R"({"migrate_to_chat_id":-1001234567890}})");
  EXPECT_EQ(m.migrate_to_chat_id, -1001234567890);
  EXPECT_EQ(Classify(m), Outcome::kMigrated);
}

TEST(DecodeEnvelopeTest, NonJsonAnswer) {
  for (const char* body : {"<html>Bad Gateway</html>", "", "[1,2]", "\"ok\""}) {
    ApiResult r = DecodeEnvelope(502, body);
    EXPECT_FALSE(r.ok) << body;
    EXPECT_EQ(r.http_status, 502);
    EXPECT_EQ(r.error_code, 502);
    EXPECT_EQ(r.description, "answer is not a JSON object");
  }
}

// Known bug (see the test report): `doc.value("ok", false)` throws
// nlohmann::json::type_error when "ok" is not a boolean, although
// BotApiClient::Call promises never to throw. Enable once fixed.
TEST(DecodeEnvelopeTest, NonBooleanOkDoesNotThrow) {
  ApiResult r;
  EXPECT_NO_THROW(r = DecodeEnvelope(200, R"({"ok":"yes","result":1})"));
  EXPECT_FALSE(r.ok);
}

TEST(ValidateBaseUrlTest, AcceptsSchemeHostAndPort) {
  for (const char* url : {"https://api.telegram.org", "http://127.0.0.1:8081",
                          "http://localhost:1", "http://[::1]:8081"}) {
    EXPECT_TRUE(ValidateBaseUrl(url, "TELEGRAM_API_BASE_URL").ok()) << url;
  }
}

TEST(ValidateBaseUrlTest, RefusesPathsSlashesAndOtherSchemes) {
  for (const char* url :
       {"", "api.telegram.org", "ftp://api.telegram.org",
        "https://api.telegram.org/", "https://api.telegram.org/bot",
        "https://user@host", "https://host?x=1", " https://host"}) {
    absl::Status status = ValidateBaseUrl(url, "TELEGRAM_API_BASE_URL");
    ASSERT_FALSE(status.ok()) << url;
    EXPECT_NE(status.message().find("TELEGRAM_API_BASE_URL"),
              absl::string_view::npos);
  }
}

TEST(CallOrErrorTest, MapsOutcomesToStatusCodes) {
  auto client = std::make_unique<ScriptedClient>();
  absl::StatusOr<nlohmann::json> me =
      CallOrError(*client, "getMe", nlohmann::json::object());
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ((*me)["username"], "fake_bot");

  client->Then(Failure(503, "Service Unavailable"));
  EXPECT_TRUE(absl::IsUnavailable(CallOrError(*client, "getMe", {}).status()));
  client->Then(Failure(429, "Too Many Requests", 3));
  EXPECT_TRUE(absl::IsUnavailable(CallOrError(*client, "getMe", {}).status()));
  client->Then(Failure(400, "Bad Request: chat not found"));
  absl::Status permanent = CallOrError(*client, "sendMessage", {}).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(permanent));
  EXPECT_EQ(permanent.message(),
            "sendMessage: 400 Bad Request: chat not found");
}

}  // namespace
}  // namespace telegate
