// HttpAsyncBotApiClient against a fake Bot API on loopback, and the named
// transport failures of both Bot API clients (never the token).
#include "common/http_async_bot_api.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/http_bot_api_client.h"
#include "gtest/gtest.h"
#include "testing/loopback_servers.h"

namespace telegate {
namespace {

using telegate::testing::LoopbackServer;
using telegate::testing::SilentListener;
using telegate::testing::UnusedPort;

constexpr char kToken[] = "4242:SECRET-async-token";

class AsyncBotApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.server().Post(
        absl::StrCat("/bot", kToken, "/(\\w+)"),
        [this](const httplib::Request& req, httplib::Response& res) {
          Answer(req.matches[1], req, res);
        });
    server_.Start();
    ASSERT_TRUE(loop_.Start("botapi-test").ok());
    options_.base_url = server_.base_url();
    options_.token = kToken;
  }
  void TearDown() override {
    if (loop_.running()) {
      absl::Notification gone;
      loop_.Post([&] {
        client_.reset();
        gone.Notify();
      });
      ASSERT_TRUE(gone.WaitForNotificationWithTimeout(absl::Seconds(10)));
    }
    client_.reset();
  }

  static void Answer(const std::string& method, const httplib::Request& req,
                     httplib::Response& res) {
    nlohmann::json params = nlohmann::json::parse(req.body, nullptr, false);
    std::string text = params.is_object() ? params.value("text", "") : "";
    if (req.get_header_value("Content-Type") != "application/json") {
      res.status = 415;
      return;
    }
    if (method == "getMe") {
      res.set_content(R"({"ok":true,"result":{"id":7,"username":"fake_bot"}})",
                      "application/json");
    } else if (text == "flood") {
      res.status = 429;
      res.set_content(
          R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}})",
          "application/json");
    } else if (text == "flood-header") {
      res.status = 429;
      res.set_header("Retry-After", "9");
      res.set_content(R"({"ok":false,"error_code":429})", "application/json");
    } else if (text == "bad") {
      res.status = 400;
      res.set_content(
          R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})",
          "application/json");
    } else if (text == "down") {
      res.status = 502;
      res.set_content("<html>Bad Gateway</html>", "text/html");
    } else if (text == "migrate") {
      res.status = 400;
      res.set_content(
          R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}})",
          "application/json");
    } else {
      res.set_content(
          absl::StrCat(R"({"ok":true,"result":{"message_id":1,"echo":)",
                       params.dump(), "}}"),
          "application/json");
    }
  }

  ApiResult Call(std::string_view method, const nlohmann::json& params) {
    if (client_ == nullptr) client_ = factory().Create(&loop_);
    return CallAndWait(*client_, loop_, method, params);
  }
  HttpAsyncBotApiClientFactory factory() {
    return HttpAsyncBotApiClientFactory(options_);
  }

  LoopbackServer server_{8};
  http::EventLoop loop_;
  HttpAsyncBotApiOptions options_;
  std::unique_ptr<AsyncBotApiClient> client_;
};

TEST_F(AsyncBotApiTest, OkResultIsDecoded) {
  ApiResult r = Call("getMe", nlohmann::json::object());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(Classify(r), Outcome::kOk);
  EXPECT_EQ(r.result["username"], "fake_bot");

  ApiResult sent = Call("sendMessage", {{"chat_id", 5}, {"text", "hi"}});
  EXPECT_EQ(Classify(sent), Outcome::kOk);
  EXPECT_EQ(sent.result["echo"]["chat_id"], 5);
  EXPECT_EQ(sent.result["echo"]["text"], "hi");
}

TEST_F(AsyncBotApiTest, FloodControlCarriesRetryAfter) {
  ApiResult r = Call("sendMessage", {{"chat_id", 5}, {"text", "flood"}});
  EXPECT_EQ(r.http_status, 429);
  EXPECT_EQ(Classify(r), Outcome::kRetryAfter);
  EXPECT_EQ(r.retry_after, 3);
  // Without parameters.retry_after, the Retry-After header counts.
  ApiResult h = Call("sendMessage", {{"chat_id", 5}, {"text", "flood-header"}});
  EXPECT_EQ(Classify(h), Outcome::kRetryAfter);
  EXPECT_EQ(h.retry_after, 9);
}

TEST_F(AsyncBotApiTest, BadRequestIsPermanentWithItsDescription) {
  ApiResult r = Call("sendMessage", {{"chat_id", 5}, {"text", "bad"}});
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(Classify(r), Outcome::kPermanent);
  EXPECT_EQ(DescribeFailure("sendMessage", r),
            "sendMessage: 400 Bad Request: chat not found");
}

TEST_F(AsyncBotApiTest, ServerErrorIsTransient) {
  ApiResult r = Call("sendMessage", {{"chat_id", 5}, {"text", "down"}});
  EXPECT_EQ(r.http_status, 502);
  EXPECT_EQ(Classify(r), Outcome::kTransient);
}

TEST_F(AsyncBotApiTest, MigratedGroupGivesTheNewChatId) {
  ApiResult r = Call("sendMessage", {{"chat_id", -5}, {"text", "migrate"}});
  EXPECT_EQ(Classify(r), Outcome::kMigrated);
  EXPECT_EQ(r.migrate_to_chat_id, -1001234567890);
}

TEST_F(AsyncBotApiTest, ManyCallsInFlightShareTheLoopsConnections) {
  options_.connections = 4;
  client_ = factory().Create(&loop_);
  constexpr int kCalls = 200;
  std::atomic<int> ok{0};
  std::atomic<int> done{0};
  for (int i = 0; i < kCalls; ++i) {
    client_->Call("sendMessage", {{"chat_id", i}, {"text", "x"}},
                  [&](ApiResult r) {
                    if (Classify(r) == Outcome::kOk) ok.fetch_add(1);
                    done.fetch_add(1);
                  });
  }
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (done.load() < kCalls && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(client_->in_flight(), 0);
  EXPECT_LE(server_.connections(), 4);
}

TEST_F(AsyncBotApiTest, EachCreatedClientHasItsOwnConnections) {
  auto f = factory();
  std::unique_ptr<AsyncBotApiClient> a = f.Create(&loop_);
  std::unique_ptr<AsyncBotApiClient> b = f.Create(&loop_);
  EXPECT_TRUE(CallAndWait(*a, loop_, "getMe", {}).ok);
  EXPECT_TRUE(CallAndWait(*a, loop_, "getMe", {}).ok);
  EXPECT_EQ(server_.connections(), 1);  // kept alive
  EXPECT_TRUE(CallAndWait(*b, loop_, "getMe", {}).ok);
  EXPECT_EQ(server_.connections(), 2);  // a fresh one for the new client
  absl::Notification gone;
  loop_.Post([&] {
    a.reset();
    b.reset();
    gone.Notify();
  });
  ASSERT_TRUE(gone.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

TEST_F(AsyncBotApiTest, NetworkFailureIsNamedWithoutTheToken) {
  int port = UnusedPort();
  options_.base_url = absl::StrCat("http://127.0.0.1:", port);
  ApiResult r = Call("getMe", {});
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(Classify(r), Outcome::kTransient);
  EXPECT_EQ(DescribeFailure("getMe", r),
            absl::StrCat("getMe: connection refused to 127.0.0.1:", port));
  EXPECT_FALSE(absl::StrContains(r.description, "SECRET"));
}

TEST_F(AsyncBotApiTest, TimeoutIsNamedWithoutTheToken) {
  SilentListener silent;
  options_.base_url = absl::StrCat("http://127.0.0.1:", silent.port());
  options_.timeout = absl::Milliseconds(200);
  ApiResult r = Call("getMe", {});
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(r.description, absl::StrCat("timeout after 0.2 s (127.0.0.1:",
                                        silent.port(), ")"));
}

TEST_F(AsyncBotApiTest, CallAndWaitAfterTheLoopStoppedIsCancelled) {
  client_ = factory().Create(&loop_);
  loop_.Stop();
  ApiResult r = CallAndWait(*client_, loop_, "getMe", {});
  EXPECT_EQ(r.http_status, 0);
  EXPECT_TRUE(absl::StrContains(r.description, "cancelled")) << r.description;
}

TEST_F(AsyncBotApiTest, CallAndWaitOnTheLoopThreadAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  client_ = factory().Create(&loop_);
  EXPECT_DEATH(
      {
        absl::Notification never;
        loop_.Post([&] { CallAndWait(*client_, loop_, "getMe", {}); });
        never.WaitForNotificationWithTimeout(absl::Seconds(30));
      },
      "CHECK failed");
}

// The blocking cpp-httplib client names its failures the same way.
TEST(HttpBotApiClientFailureTest, RefusedTimeoutAndDnsAreNamed) {
  HttpBotApiOptions o;
  o.token = kToken;
  int port = UnusedPort();
  o.base_url = absl::StrCat("http://127.0.0.1:", port);
  ApiResult refused = HttpBotApiClient(o).Call("getMe", {});
  EXPECT_EQ(refused.http_status, 0);
  EXPECT_EQ(refused.description,
            absl::StrCat("connection refused to 127.0.0.1:", port));

  SilentListener silent;
  o.base_url = absl::StrCat("http://127.0.0.1:", silent.port());
  o.read_timeout = absl::Milliseconds(300);
  ApiResult timeout = HttpBotApiClient(o).Call("getMe", {});
  EXPECT_EQ(timeout.description, absl::StrCat("timeout after 0.3 s (127.0.0.1:",
                                              silent.port(), ")"));

  o.base_url = "http://no-such-host.invalid";
  ApiResult dns = HttpBotApiClient(o).Call("getMe", {});
  EXPECT_EQ(dns.description, "DNS lookup failed for no-such-host.invalid");
  for (const ApiResult* r : {&refused, &timeout, &dns}) {
    EXPECT_FALSE(absl::StrContains(r->description, "SECRET"));
  }
}

}  // namespace
}  // namespace telegate
