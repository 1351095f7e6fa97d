#include "gateway/webhook_handler.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/fake_update_sink.h"

namespace telegate::gateway {
namespace {

using telegate::v1::Ack;
using testing::FakeUpdateSink;

constexpr char kSecret[] = "s3cr3t-Token_1";
constexpr char kUpdate[] =
    R"({"update_id":10,"message":{"chat":{"id":5},"text":"hi"}})";

class WebhookHandlerTest : public ::testing::Test {
 protected:
  WebhookAnswer Post(std::string body, const std::string& secret = kSecret) {
    return handler_.Handle(&secret, std::move(body));
  }
  static std::string ErrorOf(const WebhookAnswer& answer) {
    nlohmann::json j = nlohmann::json::parse(answer.body, nullptr, false);
    EXPECT_TRUE(j.is_object()) << answer.body;
    if (!j.is_object()) return "";
    EXPECT_EQ(j.value("ok", true), false);
    return j.value("error", "");
  }

  FakeUpdateSink sink_;
  WebhookHandler handler_{kSecret, &sink_, /*retry_after_seconds=*/2};
};

TEST_F(WebhookHandlerTest, MissingSecretIs401) {
  WebhookAnswer a = handler_.Handle(nullptr, kUpdate);
  EXPECT_EQ(a.status, 401);
  EXPECT_FALSE(ErrorOf(a).empty());
  EXPECT_TRUE(sink_.deliveries().empty());
}

TEST_F(WebhookHandlerTest, WrongSecretIs401) {
  for (const char* wrong : {"", "s3cr3t-Token_", "s3cr3t-Token_12",
                            "S3CR3T-TOKEN_1"}) {
    EXPECT_EQ(Post(kUpdate, wrong).status, 401) << wrong;
  }
  EXPECT_TRUE(sink_.deliveries().empty());
}

TEST_F(WebhookHandlerTest, MalformedUpdateIs400WithOneLineReason) {
  for (const char* body : {"{not json", "", "[1,2]", R"({"message":{}})",
                           R"({"update_id":-3})", R"({"update_id":"7"})"}) {
    WebhookAnswer a = Post(body);
    EXPECT_EQ(a.status, 400) << body;
    EXPECT_EQ(a.retry_after, 0);
    std::string reason = ErrorOf(a);
    EXPECT_FALSE(reason.empty()) << body;
    EXPECT_EQ(reason.find('\n'), std::string::npos) << reason;
    EXPECT_EQ(a.body.find('\n'), std::string::npos);
  }
  EXPECT_EQ(ErrorOf(Post("{not json")), "body is not valid JSON");
  EXPECT_TRUE(sink_.deliveries().empty());
}

TEST_F(WebhookHandlerTest, AcceptedIs200) {
  WebhookAnswer a = Post(kUpdate);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(nlohmann::json::parse(a.body)["ok"], true);
  EXPECT_EQ(a.retry_after, 0);
}

TEST_F(WebhookHandlerTest, DuplicateIs200) {
  sink_.AnswerWith(Ack::DUPLICATE);
  WebhookAnswer a = Post(kUpdate);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(nlohmann::json::parse(a.body)["ok"], true);
}

TEST_F(WebhookHandlerTest, OverloadedIs503WithTheAcksRetryAfter) {
  sink_.AnswerWith(Ack::OVERLOADED, "worker queue is full", 7);
  WebhookAnswer a = Post(kUpdate);
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.retry_after, 7);
  EXPECT_EQ(ErrorOf(a), "worker queue is full");
  // Without a hint from the worker, the configured value is used.
  sink_.AnswerWith(Ack::OVERLOADED, "busy", 0);
  EXPECT_EQ(Post(kUpdate).retry_after, 2);
}

TEST_F(WebhookHandlerTest, UnreachableWorkerIs503WithRetryAfter) {
  for (absl::Status error : {absl::UnavailableError("no stream to the worker"),
                             absl::DeadlineExceededError("slow")}) {
    sink_.AnswerWith(error);
    WebhookAnswer a = Post(kUpdate);
    EXPECT_EQ(a.status, 503);
    EXPECT_EQ(a.retry_after, 2);
    EXPECT_FALSE(ErrorOf(a).empty());
  }
}

TEST_F(WebhookHandlerTest, RejectedIs400) {
  sink_.AnswerWith(Ack::REJECTED, "payload is unusable");
  WebhookAnswer a = Post(kUpdate);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(ErrorOf(a), "payload is unusable");
}

TEST_F(WebhookHandlerTest, UnknownAckIs503) {
  sink_.AnswerWith(Ack::RESULT_UNSPECIFIED);
  EXPECT_EQ(Post(kUpdate).status, 503);
}

TEST_F(WebhookHandlerTest, DrainingIs503) {
  handler_.Drain();
  WebhookAnswer a = Post(kUpdate);
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.retry_after, 2);
  EXPECT_TRUE(sink_.deliveries().empty());
  // The secret is still checked first.
  EXPECT_EQ(Post(kUpdate, "wrong").status, 401);
}

TEST_F(WebhookHandlerTest, SinkGetsTheExactBytesAndChatKey) {
  const std::string body =
      "{ \"update_id\" : 77,\n \"message\": {\"chat\": {\"id\": -1001234567890},"
      " \"text\": \"\\u041f\xc3\xa9 \xf0\x9f\x91\x8b  \"} }\r\n";
  ASSERT_EQ(Post(body).status, 200);
  std::vector<testing::Delivery> got = sink_.deliveries();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, body);
  EXPECT_EQ(got[0].update_id, 77);
  EXPECT_EQ(got[0].chat_key, "c:-1001234567890");

  ASSERT_EQ(Post(R"({"update_id":78,"callback_query":{"id":"q","from":{"id":9}}})")
                .status,
            200);
  EXPECT_EQ(sink_.deliveries().back().chat_key, "u:9");
}

TEST(ErrorBodyTest, IsJsonWithTheReason) {
  nlohmann::json j = nlohmann::json::parse(ErrorBody("a \"quoted\" reason"));
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"], "a \"quoted\" reason");
}

}  // namespace
}  // namespace telegate::gateway
