// PublicRoutes: the answers decided from the request head (404, 405, 403,
// 401, 415, /healthz), the hand-off of a complete webhook (parse, deliver,
// answer when the ack comes) and WebhookAnswer, the ack-to-answer table.
#include "gateway/public_routes.h"

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/fake_update_sink.h"

namespace telegate::gateway {
namespace {

using telegate::v1::Ack;

constexpr char kSecret[] = "s3cret_token-1";
constexpr char kUpdate[] =
    R"({"update_id":10,"message":{"chat":{"id":5},"text":"hi"}})";

// The answer a Respond got, once it got one. Thread-safe.
class Answer {
 public:
  http::Respond Respond() {
    return http::Respond([this](http::Response r) {
      absl::MutexLock lock(&mu_);
      response_ = std::move(r);
    });
  }
  std::optional<http::Response> get() {
    absl::MutexLock lock(&mu_);
    return response_;
  }

 private:
  absl::Mutex mu_;
  std::optional<http::Response> response_ ABSL_GUARDED_BY(mu_);
};

std::string ErrorOf(const http::Response& r) {
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  EXPECT_TRUE(j.is_object()) << r.body;
  if (!j.is_object()) return "";
  EXPECT_EQ(j.value("ok", true), false);
  return j.value("error", "");
}

// The Retry-After header's value, or "" without one.
std::string RetryAfter(const http::Response& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Retry-After") return value;
  }
  return "";
}

class PublicRoutesTest : public ::testing::Test {
 protected:
  PublicRoutes Routes(std::string allowed = "", std::string proxies = "") {
    SourceFilterOptions options;
    options.allowed = *ParseNetworkList(allowed);
    options.trusted_proxies = *ParseNetworkList(proxies);
    return PublicRoutes(
        PublicRoutesOptions{"/hook", kSecret, SourceFilter(std::move(options)),
                            /*retry_after_seconds=*/2},
        &sink_, &stats_);
  }
  // Handle with the fake sink answering inline: the answer is there when
  // Handle returns.
  http::Response Post(const PublicRoutes& routes, std::string body) {
    http::Request request = Head();
    request.body = std::move(body);
    Answer answer;
    routes.Handle(std::move(request), answer.Respond());
    std::optional<http::Response> r = answer.get();
    EXPECT_TRUE(r.has_value());
    return r.value_or(http::Response{0});
  }
  static http::Request Head(std::string method = "POST",
                            std::string path = "/hook") {
    http::Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.peer_ip = "149.154.167.200";
    r.headers["x-telegram-bot-api-secret-token"] = kSecret;
    r.headers["content-type"] = "application/json";
    return r;
  }
  static int Status(const std::optional<http::Response>& r) {
    return r.has_value() ? r->status : 0;  // 0: read the body
  }

  testing::FakeUpdateSink sink_;
  GatewayStats stats_;
};

TEST_F(PublicRoutesTest, AValidHeadGoesOnToTheBody) {
  EXPECT_EQ(Status(Routes().CheckHead(Head())), 0);
}

TEST_F(PublicRoutesTest, UnknownPathIs404AndWrongMethodIs405) {
  PublicRoutes routes = Routes();
  std::optional<http::Response> r = routes.CheckHead(Head("POST", "/other"));
  EXPECT_EQ(Status(r), 404);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"], "not found");
  for (const char* method : {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    r = routes.CheckHead(Head(method));
    ASSERT_EQ(Status(r), 405) << method;
    ASSERT_EQ(r->headers.size(), 1u);
    EXPECT_EQ(r->headers[0], (std::pair<std::string, std::string>{"Allow",
                                                                  "POST"}));
  }
  EXPECT_EQ(Status(routes.CheckHead(Head("GET", "/healthz"))), 200);
  EXPECT_EQ(Status(routes.CheckHead(Head("POST", "/healthz"))), 405);
}

TEST_F(PublicRoutesTest, ReadyzFollowsTheSinkAndDraining) {
  PublicRoutes routes = Routes();
  EXPECT_EQ(Status(routes.CheckHead(Head("GET", "/readyz"))), 200);
  EXPECT_EQ(Status(routes.CheckHead(Head("POST", "/readyz"))), 405);
  sink_.SetReady(false);
  EXPECT_EQ(Status(routes.CheckHead(Head("GET", "/readyz"))), 503);
  sink_.SetReady(true);
  EXPECT_EQ(Status(routes.CheckHead(Head("GET", "/readyz"))), 200);
  routes.Drain();
  EXPECT_EQ(Status(routes.CheckHead(Head("GET", "/readyz"))), 503);
  // Liveness does not depend on either.
  EXPECT_EQ(Status(routes.CheckHead(Head("GET", "/healthz"))), 200);
}

TEST_F(PublicRoutesTest, SecretIsRequiredAndCompared) {
  PublicRoutes routes = Routes();
  http::Request head = Head();
  head.headers.erase("x-telegram-bot-api-secret-token");
  EXPECT_EQ(Status(routes.CheckHead(head)), 401);
  for (const char* wrong : {"", "s3cret_token-", "s3cret_token-12",
                            "S3CRET_TOKEN-1"}) {
    head.headers["x-telegram-bot-api-secret-token"] = wrong;
    EXPECT_EQ(Status(routes.CheckHead(head)), 401) << wrong;
  }
}

TEST_F(PublicRoutesTest, OnlyJsonIsAccepted) {
  PublicRoutes routes = Routes();
  http::Request head = Head();
  for (const char* ok : {"application/json", "Application/JSON",
                         "application/json; charset=utf-8",
                         " application/json ;charset=UTF-8"}) {
    head.headers["content-type"] = ok;
    EXPECT_EQ(Status(routes.CheckHead(head)), 0) << ok;
  }
  for (const char* bad : {"text/plain", "application/x-www-form-urlencoded",
                          "application/jsonx", "", "multipart/form-data"}) {
    head.headers["content-type"] = bad;
    EXPECT_EQ(Status(routes.CheckHead(head)), 415) << bad;
  }
  head.headers.erase("content-type");
  EXPECT_EQ(Status(routes.CheckHead(head)), 415);
}

TEST_F(PublicRoutesTest, AllowListUsesForwardedForOnlyFromTrustedProxies) {
  PublicRoutes routes = Routes("telegram", "10.0.0.0/8");
  EXPECT_EQ(Status(routes.CheckHead(Head())), 0);  // Telegram's range
  http::Request head = Head();
  head.peer_ip = "203.0.113.9";
  EXPECT_EQ(Status(routes.CheckHead(head)), 403);
  // An untrusted peer cannot claim to be Telegram.
  head.headers["x-forwarded-for"] = "149.154.167.200";
  EXPECT_EQ(Status(routes.CheckHead(head)), 403);
  // Behind our proxy, the forwarded address decides.
  head.peer_ip = "10.1.2.3";
  EXPECT_EQ(Status(routes.CheckHead(head)), 0);
  head.headers["x-forwarded-for"] = "203.0.113.9";
  EXPECT_EQ(Status(routes.CheckHead(head)), 403);
  // 403 comes before the secret check: nothing is revealed to strangers.
  head.headers.erase("x-telegram-bot-api-secret-token");
  EXPECT_EQ(Status(routes.CheckHead(head)), 403);
}

TEST_F(PublicRoutesTest, HandleDeliversAndCountsTheAnswer) {
  PublicRoutes routes = Routes();
  EXPECT_EQ(Post(routes, kUpdate).status, 200);
  sink_.AnswerWith(absl::UnavailableError("down"));
  http::Response r = Post(routes, kUpdate);
  EXPECT_EQ(r.status, 503);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  routes.CheckHead(Head("GET"));
  EXPECT_EQ(stats_.webhook_answers[0].load(), 1u);  // 200
  size_t i405 = 0;
  while (GatewayStats::kWebhookCodes[i405] != 405) ++i405;
  EXPECT_EQ(stats_.webhook_answers[i405].load(), 1u);
  EXPECT_EQ(stats_.webhooks_in_flight.load(), 0);
}

TEST_F(PublicRoutesTest, AnswersWhenTheAckComesFromAnotherThread) {
  PublicRoutes routes = Routes();
  sink_.HoldAnswers();
  http::Request request = Head();
  request.body = kUpdate;
  Answer answer;
  routes.Handle(std::move(request), answer.Respond());
  // Handle returned without waiting; nothing is answered yet.
  EXPECT_FALSE(answer.get().has_value());
  EXPECT_EQ(stats_.webhooks_in_flight.load(), 1);
  sink_.AnswerWith(Ack::DUPLICATE);
  std::thread reader([this] { sink_.Release(); });
  reader.join();
  ASSERT_TRUE(answer.get().has_value());
  EXPECT_EQ(answer.get()->status, 200);
  EXPECT_EQ(answer.get()->body, R"({"ok":true,"duplicate":true})");
  EXPECT_EQ(stats_.webhooks_in_flight.load(), 0);
}

TEST_F(PublicRoutesTest, MalformedUpdateIs400WithOneLineReason) {
  PublicRoutes routes = Routes();
  for (const char* body :
       {"{not json", "", "[1,2]", R"({"message":{}})", R"({"update_id":-3})",
        R"({"update_id":"7"})", R"({"update_id":9007199254740992})"}) {
    http::Response r = Post(routes, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(RetryAfter(r), "");
    std::string reason = ErrorOf(r);
    EXPECT_FALSE(reason.empty()) << body;
    EXPECT_EQ(reason.find('\n'), std::string::npos) << reason;
    EXPECT_EQ(r.body.find('\n'), std::string::npos);
  }
  EXPECT_EQ(ErrorOf(Post(routes, "{not json")), "body is not valid JSON");
  EXPECT_EQ(ErrorOf(Post(routes, R"({"update_id":9007199254740992})")),
            "update_id is out of range");
  EXPECT_EQ(Post(routes, R"({"update_id":9007199254740991})").status, 200);
  EXPECT_EQ(sink_.deliveries().size(), 1u);
}

TEST_F(PublicRoutesTest, DrainingIs503WithoutDelivering) {
  PublicRoutes routes = Routes();
  routes.Drain();
  http::Response r = Post(routes, kUpdate);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(RetryAfter(r), "2");
  EXPECT_TRUE(sink_.deliveries().empty());
  // The secret is still checked first, in the head.
  http::Request head = Head();
  head.headers["x-telegram-bot-api-secret-token"] = "wrong";
  EXPECT_EQ(Status(routes.CheckHead(head)), 401);
}

TEST_F(PublicRoutesTest, SinkGetsTheExactBytesAndChatKey) {
  PublicRoutes routes = Routes();
  const std::string body =
      "{ \"update_id\" : 77,\n \"message\": {\"chat\": {\"id\": -1001234567890},"
      " \"text\": \"\\u041f\xc3\xa9 \xf0\x9f\x91\x8b  \"} }\r\n";
  ASSERT_EQ(Post(routes, body).status, 200);
  std::vector<testing::Delivery> got = sink_.deliveries();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, body);
  EXPECT_EQ(got[0].update_id, 77);
  EXPECT_EQ(got[0].chat_key, "c:-1001234567890");
  ASSERT_EQ(
      Post(routes, R"({"update_id":78,"callback_query":{"id":"q","from":{"id":9}}})")
          .status,
      200);
  EXPECT_EQ(sink_.deliveries().back().chat_key, "u:9");
}

Ack MakeAck(Ack::Result result, std::string reason = "", int retry_after = 0) {
  Ack ack;
  ack.set_result(result);
  ack.set_reason(std::move(reason));
  ack.set_retry_after_seconds(retry_after);
  return ack;
}

TEST(WebhookAnswerTest, MapsEveryAckToTelegramsAnswer) {
  struct Case {
    absl::StatusOr<Ack> ack;
    int status;
    std::string retry_after;  // "" for none
    std::string error;        // "" for a success body
  } cases[] = {
      {MakeAck(Ack::ACCEPTED), 200, "", ""},
      {MakeAck(Ack::DUPLICATE), 200, "", ""},
      {MakeAck(Ack::OVERLOADED, "worker queue is full", 7), 503, "7",
       "worker queue is full"},
      // Without a hint from the worker, the configured value.
      {MakeAck(Ack::OVERLOADED, "busy", 0), 503, "2", "busy"},
      {MakeAck(Ack::REJECTED, "payload is unusable"), 400, "",
       "payload is unusable"},
      {MakeAck(Ack::RESULT_UNSPECIFIED), 503, "2",
       "unexpected answer from worker"},
      {absl::UnavailableError("no stream to the worker"), 503, "2",
       "no worker accepted the update"},
      {absl::DeadlineExceededError("slow"), 503, "2",
       "no worker accepted the update"},
  };
  for (const Case& c : cases) {
    http::Response r = WebhookAnswer(c.ack, /*retry_after_seconds=*/2);
    SCOPED_TRACE(c.ack.ok() ? Ack::Result_Name(c.ack->result())
                            : c.ack.status().ToString());
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(RetryAfter(r), c.retry_after);
    if (c.error.empty()) {
      EXPECT_EQ(nlohmann::json::parse(r.body)["ok"], true);
    } else {
      EXPECT_EQ(ErrorOf(r), c.error);
    }
  }
  EXPECT_EQ(WebhookAnswer(MakeAck(Ack::DUPLICATE), 1).body,
            R"({"ok":true,"duplicate":true})");
}

TEST(JsonErrorResponseTest, IsJsonWithTheReason) {
  http::Response r = http::JsonErrorResponse(418, "a \"quoted\" reason");
  EXPECT_EQ(r.status, 418);
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"], "a \"quoted\" reason");
}

}  // namespace
}  // namespace telegate::gateway
