// BotApiEndpoint through real HTTP on 127.0.0.1:0 (cpp-httplib clients,
// raw sockets for a client that leaves) with a FakeBotApiCaller: routes,
// the token, parameter forms, intercepted methods, per-chat order, 429
// waits and callers that leave.
#include "worker/endpoint/bot_api_endpoint.h"

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "gtest/gtest.h"
#include "tests/gateway/raw_http_client.h"
#include "tests/worker/endpoint/fake_bot_api_caller.h"
#include "tests/worker/wait_until.h"
#include "worker/endpoint/params.h"

namespace telegate::worker {
namespace {

using nlohmann::json;
using testing::WaitUntil;

constexpr char kToken[] = "123456:TEST-token_value";

std::string MethodPath(const std::string& method) {
  return absl::StrCat("/bot", kToken, "/", method);
}

// One HTTP answer (copyable, unlike httplib::Result); `ok` false when the
// request failed.
struct Answer {
  bool ok = false;
  int status = 0;
  std::string body;
  explicit operator bool() const { return ok; }
  const Answer* operator->() const { return this; }
};

class BotApiEndpointTest : public ::testing::Test {
 protected:
  void StartEndpoint(BotApiEndpointOptions options = {}) {
    options.token = kToken;
    if (!options.webhook_info) {
      options.webhook_info = [] {
        WebhookView info;
        info.url = "https://gw.example/hook";
        info.pending_update_count = 2;
        return info;
      };
    }
    endpoint_ = std::make_unique<BotApiEndpoint>(std::move(options), &fake_);
    auto port = endpoint_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
  }
  std::unique_ptr<httplib::Client> Client() {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client->set_read_timeout(20, 0);
    return client;
  }
  Answer PostJson(const std::string& method, const json& params) {
    auto res = Client()->Post(MethodPath(method).c_str(), params.dump(),
                              "application/json");
    if (!res) return Answer{};
    return Answer{true, res->status, res->body};
  }
  const BotApiEndpointStats& stats() { return endpoint_->stats(); }

  FakeBotApiCaller fake_;
  std::unique_ptr<BotApiEndpoint> endpoint_;
  int port_ = 0;
};

TEST_F(BotApiEndpointTest, JsonCallIsForwardedAndAnsweredAsTelegramDid) {
  StartEndpoint();
  fake_.Script({OkResult({{"message_id", 9}})});
  auto res = PostJson("sendMessage", {{"chat_id", 42}, {"text", "hi"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"ok":true,"result":{"message_id":9}})");
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "sendMessage");
  EXPECT_EQ(calls[0].params, json({{"chat_id", 42}, {"text", "hi"}}));
  EXPECT_EQ(stats().calls, 1);
  EXPECT_EQ(stats().answered_ok, 1);
  EXPECT_TRUE(WaitUntil([&] { return stats().in_flight == 0; }));
}

TEST_F(BotApiEndpointTest, MethodCaseIsKeptWhenForwarding) {
  StartEndpoint();
  auto res = Client()->Get(MethodPath("GETME").c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(fake_.call_count(), 1u);
  EXPECT_EQ(fake_.calls()[0].method, "GETME");
  EXPECT_EQ(fake_.calls()[0].params, json::object());
}

TEST_F(BotApiEndpointTest, FormParametersReachTheCaller) {
  StartEndpoint();
  httplib::Params form{{"chat_id", "@MyChannel"}, {"text", "a b&c=d"}};
  auto res = Client()->Post(MethodPath("sendMessage").c_str(), form);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(fake_.call_count(), 1u);
  EXPECT_EQ(fake_.calls()[0].params,
            json({{"chat_id", "@MyChannel"}, {"text", "a b&c=d"}}));
}

TEST_F(BotApiEndpointTest, QueryParametersReachTheCaller) {
  StartEndpoint();
  auto res = Client()->Get(
      (MethodPath("sendMessage") + "?chat_id=42&text=a%20b").c_str());
  ASSERT_TRUE(res);
  ASSERT_EQ(fake_.call_count(), 1u);
  EXPECT_EQ(fake_.calls()[0].params,
            json({{"chat_id", "42"}, {"text", "a b"}}));
}

TEST_F(BotApiEndpointTest, MultipartIsPassedThroughUnparsed) {
  StartEndpoint();
  httplib::MultipartFormDataItems items = {
      {"chat_id", "42", "", ""},
      {"document", "file bytes\r\n--not-a-boundary", "a.txt", "text/plain"},
  };
  auto res = Client()->Post(MethodPath("sendDocument").c_str(), items);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(fake_.call_count(), 1u);
  RecordedCall call = fake_.calls()[0];
  EXPECT_TRUE(call.raw);
  EXPECT_EQ(call.method, "sendDocument");
  EXPECT_EQ(call.content_type.rfind("multipart/form-data; boundary=", 0), 0u)
      << call.content_type;
  EXPECT_NE(call.body.find("file bytes\r\n--not-a-boundary"),
            std::string::npos);
  EXPECT_EQ(MultipartField(call.content_type, call.body, "chat_id"), "42");
}

TEST_F(BotApiEndpointTest, OversizedBodyIs413) {
  BotApiEndpointOptions options;
  options.max_body_bytes = 1024;
  StartEndpoint(std::move(options));
  auto res = Client()->Post(MethodPath("sendMessage").c_str(),
                            std::string(4096, 'x'), "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(fake_.call_count(), 0u);
}

TEST_F(BotApiEndpointTest, WrongTokenIs401AndUnknownRouteIs404) {
  StartEndpoint();
  auto client = Client();
  auto wrong = client->Post("/bot123456:TEST-token_valuX/sendMessage", "{}",
                            "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->body,
            R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
  auto shorter = client->Get("/bot123456/getMe");
  ASSERT_TRUE(shorter);
  EXPECT_EQ(shorter->status, 401);
  auto file = client->Get("/file/botnope/photos/a.jpg");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 401);
  auto unknown = client->Get("/metrics");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->body,
            R"({"ok":false,"error_code":404,"description":"Not Found"})");
  EXPECT_EQ(fake_.call_count(), 0u);
  EXPECT_EQ(stats().unauthorized, 3);
  EXPECT_EQ(stats().not_found, 1);
}

TEST_F(BotApiEndpointTest, TheTokenIsInNoLogLineOrAnswer) {
  log::SetLevel(log::Level::kDebug);
  ::testing::internal::CaptureStderr();
  StartEndpoint();
  ApiResult bad;
  bad.http_status = 400;
  bad.error_code = 400;
  bad.description = "Bad Request: chat not found";
  fake_.Script({FloodResult(1), bad});
  std::string answers;
  for (const char* method : {"setWebhook", "getUpdates", "sendMessage"}) {
    Answer res = PostJson(method, {{"chat_id", 1}});
    ASSERT_TRUE(res);
    answers += res.body;
  }
  auto wrong = Client()->Post("/bot123456:TEST-token_valuX/getMe", "{}",
                              "application/json");
  ASSERT_TRUE(wrong);
  answers += wrong->body;
  endpoint_->Stop();
  std::string logged = ::testing::internal::GetCapturedStderr();
  log::SetLevel(log::Level::kInfo);
  EXPECT_NE(logged.find("webhook_call_ignored"), std::string::npos) << logged;
  EXPECT_NE(logged.find("call_retry"), std::string::npos) << logged;
  EXPECT_NE(logged.find("unauthorized"), std::string::npos) << logged;
  for (const std::string& secret :
       {std::string(kToken), std::string("TEST-token")}) {
    EXPECT_EQ(logged.find(secret), std::string::npos) << logged;
    EXPECT_EQ(answers.find(secret), std::string::npos) << answers;
  }
}

TEST_F(BotApiEndpointTest, MalformedJsonIs400) {
  StartEndpoint();
  auto res = Client()->Post(MethodPath("sendMessage").c_str(),
                            "{\"chat_id\":", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(
      res->body,
      R"({"ok":false,"error_code":400,"description":"Bad Request: malformed JSON body"})");
  EXPECT_EQ(fake_.call_count(), 0u);
}

TEST_F(BotApiEndpointTest, InterceptedMethodsNeverReachTheCaller) {
  StartEndpoint();
  auto set = PostJson("setWebhook", {{"url", "https://elsewhere/"}});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->status, 200);
  EXPECT_EQ(json::parse(set->body)["result"], true);
  auto del = PostJson("deleteWebhook", json::object());
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
  auto info = Client()->Get(MethodPath("getWebhookInfo").c_str());
  ASSERT_TRUE(info);
  EXPECT_EQ(
      info->body,
      R"({"ok":true,"result":{"url":"https://gw.example/hook","has_custom_certificate":false,"pending_update_count":2}})");
  auto updates = PostJson("getupdates", json::object());
  ASSERT_TRUE(updates);
  EXPECT_EQ(updates->status, 409);
  auto logout = PostJson("logOut", json::object());
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 400);
  auto close = PostJson("close", json::object());
  ASSERT_TRUE(close);
  EXPECT_EQ(close->status, 400);
  EXPECT_EQ(fake_.call_count(), 0u);
  EXPECT_EQ(stats().intercepted, 6);
}

TEST_F(BotApiEndpointTest, TelegramErrorsAndNetworkFailuresArePassedBack) {
  BotApiEndpointOptions options;
  options.max_wait = absl::ZeroDuration();  // no retries
  StartEndpoint(std::move(options));
  ApiResult bad;
  bad.http_status = 400;
  bad.error_code = 400;
  bad.description = "Bad Request: chat not found";
  ApiResult down;
  down.description = "connection refused to api.telegram.org:443";
  fake_.Script({bad, down});
  auto first = PostJson("sendMessage", {{"chat_id", 1}, {"text", "x"}});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 400);
  EXPECT_EQ(
      first->body,
      R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})");
  auto second = PostJson("sendMessage", {{"chat_id", 1}, {"text", "x"}});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 502);
  EXPECT_EQ(
      second->body,
      R"({"ok":false,"error_code":502,"description":"Bad Gateway: connection refused to api.telegram.org:443"})");
  EXPECT_EQ(stats().answered_error, 1);
  EXPECT_EQ(stats().answered_network, 1);
}

TEST_F(BotApiEndpointTest, TransientFailureIsRetriedWithBackoff) {
  BotApiEndpointOptions options;
  options.retry.initial_backoff = absl::Milliseconds(10);
  StartEndpoint(std::move(options));
  ApiResult unavailable;
  unavailable.http_status = 502;
  unavailable.error_code = 502;
  unavailable.description = "Bad Gateway";
  fake_.Script({unavailable, ApiResult{}, OkResult(true)});
  auto res = PostJson("sendMessage", {{"chat_id", 1}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(fake_.call_count(), 3u);
  EXPECT_EQ(stats().retries, 2);
}

TEST_F(BotApiEndpointTest, FilesArePassedThrough) {
  StartEndpoint();
  http::HttpResponse file;
  file.code = 200;
  file.headers = {{"content-type", "image/jpeg"}};
  file.body = std::string("\xff\xd8jpeg\x00", 7);
  fake_.SetFile(file);
  auto res = Client()->Get(
      absl::StrCat("/file/bot", kToken, "/photos/file_1.jpg").c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(res->body, file.body);
  EXPECT_EQ(fake_.file_paths(), std::vector<std::string>{"photos/file_1.jpg"});
}

// The flood-wait scenario: A (chat 1) gets a 429 with retry_after 1 and is
// retried after the wait; B (chat 1) waits behind A; C (chat 2) goes ahead.
TEST_F(BotApiEndpointTest, FloodWaitHoldsItsChatButNotOthers) {
  StartEndpoint();
  fake_.Script({FloodResult(1)});  // then every call succeeds
  Answer a, b;
  std::thread ta([&] {
    a = PostJson("sendMessage", {{"chat_id", 1}, {"text", "A"}});
  });
  ASSERT_TRUE(WaitUntil([&] { return stats().flood_waits == 1; }));
  std::thread tb([&] {
    b = PostJson("sendMessage", {{"chat_id", "1"}, {"text", "B"}});
  });
  ASSERT_TRUE(WaitUntil([&] { return stats().queued == 1; }));
  auto c = PostJson("sendMessage", {{"chat_id", 2}, {"text", "C"}});
  ta.join();
  tb.join();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 200);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(json::parse(a->body)["result"]["text"], "A");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200);
  std::vector<std::string> order;
  for (const RecordedCall& call : fake_.calls()) {
    order.push_back(call.params["text"]);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"A", "C", "A", "B"}));
  EXPECT_EQ(stats().retries, 1);
}

TEST_F(BotApiEndpointTest, FloodWaitPastMaxWaitPassesThe429Back) {
  BotApiEndpointOptions options;
  options.max_wait = absl::Milliseconds(500);
  StartEndpoint(std::move(options));
  fake_.Script({FloodResult(3)});
  auto res = PostJson("sendMessage", {{"chat_id", 1}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(
      res->body,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}})");
  EXPECT_EQ(fake_.call_count(), 1u);
}

std::string RawPost(const std::string& method, const std::string& body) {
  return absl::StrCat("POST ", MethodPath(method),
                      " HTTP/1.1\r\nHost: localhost\r\n"
                      "Content-Type: application/json\r\nContent-Length: ",
                      body.size(), "\r\n\r\n", body);
}

TEST_F(BotApiEndpointTest, CallerLeavingWhileQueuedBehindA429IsDropped) {
  StartEndpoint();
  fake_.Script({FloodResult(1)});
  Answer a;
  std::thread ta([&] {
    a = PostJson("sendMessage", {{"chat_id", 1}, {"text", "A"}});
  });
  ASSERT_TRUE(WaitUntil([&] { return stats().flood_waits == 1; }));
  auto leaver = testing::RawClient::Connect(port_);
  ASSERT_NE(leaver, nullptr);
  ASSERT_TRUE(
      leaver->Send(RawPost("sendMessage", R"({"chat_id":1,"text":"B"})")));
  ASSERT_TRUE(WaitUntil([&] { return stats().queued == 1; }));
  leaver.reset();
  ASSERT_TRUE(WaitUntil([&] { return stats().dropped_caller_left == 1; }));
  ta.join();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200);
  ASSERT_TRUE(WaitUntil([&] { return stats().in_flight == 0; }));
  std::vector<std::string> order;
  for (const RecordedCall& call : fake_.calls()) {
    order.push_back(call.params["text"]);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"A", "A"}));
  EXPECT_EQ(stats().queued, 0);
}

TEST_F(BotApiEndpointTest, CallerLeavingDuringItsOwnFloodWaitIsNotRetried) {
  StartEndpoint();
  fake_.Script({FloodResult(20), FakeBotApiCaller::Hold()});
  auto leaver = testing::RawClient::Connect(port_);
  ASSERT_NE(leaver, nullptr);
  ASSERT_TRUE(leaver->Send(RawPost("sendMessage", R"({"chat_id":5})")));
  ASSERT_TRUE(WaitUntil([&] { return stats().flood_waits == 1; }));
  leaver.reset();
  ASSERT_TRUE(WaitUntil([&] { return stats().dropped_caller_left == 1; }));
  EXPECT_EQ(stats().in_flight, 0);
  // The chat is free again at once: the next call goes out (held by the
  // script), not the retry.
  Answer next;
  std::thread tn([&] {
    next = PostJson("sendMessage", {{"chat_id", 5}, {"text", "next"}});
  });
  ASSERT_TRUE(WaitUntil([&] { return fake_.held_count() == 1; }));
  EXPECT_TRUE(fake_.AnswerHeld(OkResult(true)));
  tn.join();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  std::vector<RecordedCall> calls = fake_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].params["text"], "next");
}

TEST_F(BotApiEndpointTest, StopDropsWaitingCallsWithoutCallingBack) {
  BotApiEndpointOptions options;
  options.stop_grace = absl::Milliseconds(100);
  StartEndpoint(std::move(options));
  fake_.Script({FakeBotApiCaller::Hold()});
  auto first = testing::RawClient::Connect(port_);
  auto second = testing::RawClient::Connect(port_);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Send(RawPost("sendMessage", R"({"chat_id":5})")));
  ASSERT_TRUE(WaitUntil([&] { return fake_.held_count() == 1; }));
  ASSERT_TRUE(second->Send(RawPost("sendMessage", R"({"chat_id":5})")));
  ASSERT_TRUE(WaitUntil([&] { return stats().queued == 1; }));
  endpoint_->Stop();
  EXPECT_EQ(stats().in_flight, 0);
  EXPECT_EQ(stats().queued, 0);
  // A late answer after Stop is ignored; the queued call never goes out.
  EXPECT_TRUE(fake_.AnswerHeld(OkResult(true)));
  endpoint_.reset();
  EXPECT_EQ(fake_.call_count(), 1u);
}

}  // namespace
}  // namespace telegate::worker
