// The real gateway (with a real worker and the emulator) under hostile
// traffic: every bad request gets its status code while a Telegram-shaped
// stream of valid updates keeps flowing and is fully echoed, in order, once;
// idle connections and a slowloris client cost the valid stream nothing and
// are cut by the listener's timeouts; the process stays alive throughout.
#include <signal.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/gateway/raw_http_client.h"
#include "tests/integration/stack.h"
#include "tests/integration/telegram_load.h"

namespace telegate::testing {
namespace {

constexpr char kValid[] =
    R"({"update_id":900000001,"message":{"message_id":1,"date":1,)"
    R"("chat":{"id":77,"type":"private"},"text":"hostile-neighbour"}})";

std::string Post(const std::string& body, const std::string& extra_headers = "",
                 const std::string& content_type = "application/json",
                 const std::string& path = "/webhook") {
  return absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: gateway\r\n",
                      "Content-Type: ", content_type, "\r\n",
                      "X-Telegram-Bot-Api-Secret-Token: ", kSecret, "\r\n",
                      extra_headers, "Content-Length: ", body.size(),
                      "\r\n\r\n", body);
}

struct Case {
  std::string name;
  std::string request;
  int status;
};

std::vector<Case> HostileCases() {
  std::string no_secret = absl::StrCat(
      "POST /webhook HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\n"
      "Content-Length: ",
      std::strlen(kValid), "\r\n\r\n", kValid);
  std::string wrong_secret = no_secret;
  wrong_secret.insert(wrong_secret.find("Content-Length"),
                      "X-Telegram-Bot-Api-Secret-Token: guess\r\n");
  return {
      {"no secret", no_secret, 401},
      {"wrong secret", wrong_secret, 401},
      {"not JSON", Post("{update_id: 1"), 400},
      {"array", Post("[1,2,3]"), 400},
      {"string", Post(R"("update")"), 400},
      {"empty body", Post(""), 400},
      {"no update_id", Post(R"({"message":{}})"), 400},
      {"string update_id", Post(R"({"update_id":"5"})"), 400},
      {"fraction update_id", Post(R"({"update_id":1.5})"), 400},
      {"negative update_id", Post(R"({"update_id":-4})"), 400},
      {"update_id 2^63", Post(R"({"update_id":9223372036854775808})"), 400},
      {"update_id 1e30", Post(R"({"update_id":1e30})"), 400},
      {"deep nesting", Post(std::string(200000, '[')), 400},
      {"invalid UTF-8",
       Post("{\"update_id\":900000002,\"message\":{\"text\":\"\xff\xfe\"}}"),
       400},
      {"GET", "GET /webhook HTTP/1.1\r\nHost: g\r\n\r\n", 405},
      {"PUT", Post(kValid).replace(0, 4, "PUT"), 405},
      {"text/plain", Post(kValid, "", "text/plain"), 415},
      {"form", Post(kValid, "", "application/x-www-form-urlencoded"), 415},
      {"unknown path", Post(kValid, "", "application/json", "/admin"), 404},
      {"garbage request line", "HELLO\r\n\r\n", 400},
      {"bad header", "POST /webhook HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
      {"huge head", Post(kValid, absl::StrCat("X-Pad: ", std::string(20000, 'p'),
                                              "\r\n")),
       431},
  };
}

// The whole valid stream of `expected` updates was acked and echoed exactly
// once, in order, and the gateway is still alive.
void ExpectValidStreamServed(Stack& s, TelegramLoad& load, int64_t expected) {
  load.Join();
  ASSERT_TRUE(load.WaitForAllEchoes());
  EchoCheck check = load.Check();
  EXPECT_EQ(check.acked, expected);
  EXPECT_EQ(check.lost, 0);
  EXPECT_EQ(check.duplicated, 0);
  EXPECT_EQ(check.out_of_order, 0);
  EXPECT_EQ(::kill(s.gateway().pid(), 0), 0);  // alive
}

TEST(HostileIntegrationTest, EveryBadRequestIsAnsweredWhileUpdatesFlow) {
  auto stack = Stack::Start();
  ASSERT_TRUE(stack.ok()) << stack.status();
  Stack& s = **stack;
  TelegramLoad load(&s, {.chats = 40, .per_chat = 15, .connections = 40});
  load.Start();

  for (int round = 0; round < 3; ++round) {
    for (const Case& c : HostileCases()) {
      auto client = RawClient::Connect(s.public_port());
      ASSERT_NE(client, nullptr) << c.name;
      ASSERT_TRUE(client->Send(c.request)) << c.name;
      std::optional<RawResponse> r = client->ReadResponse();
      ASSERT_TRUE(r.has_value()) << c.name;
      EXPECT_EQ(r->status, c.status) << c.name << ": " << r->body;
      // One readable line: {"ok":false,"error":"..."}.
      nlohmann::json body = nlohmann::json::parse(r->body, nullptr, false);
      ASSERT_TRUE(body.is_object()) << c.name << ": " << r->body;
      EXPECT_EQ(body["ok"], false) << c.name;
      EXPECT_TRUE(body["error"].is_string()) << c.name;
      EXPECT_EQ(r->body.find('\n'), std::string::npos) << c.name;
      if (c.status == 405) {
        EXPECT_NE(r->head.find("\r\nallow: post"), std::string::npos) << c.name;
      }
    }
  }

  // 413 is decided from Content-Length: the 2 MiB body is never sent.
  auto big = RawClient::Connect(s.public_port());
  ASSERT_NE(big, nullptr);
  ASSERT_TRUE(big->Send(absl::StrCat(
      "POST /webhook HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\n"
      "X-Telegram-Bot-Api-Secret-Token: ",
      kSecret, "\r\nContent-Length: ", 2 << 20, "\r\n\r\n{\"update_id\":")));
  std::optional<RawResponse> too_large = big->ReadResponse();
  ASSERT_TRUE(too_large.has_value());
  EXPECT_EQ(too_large->status, 413);
  EXPECT_TRUE(big->WaitClosed());

  ExpectValidStreamServed(s, load, 40 * 15);
  EXPECT_EQ(s.Public("GET", "/healthz").status, 200);
  // None of the refused requests reached the worker.
  for (const nlohmann::json& m : s.SentMessages()) {
    EXPECT_NE(m["text"], "hostile-neighbour");
  }
}

TEST(HostileIntegrationTest, IdleAndSlowClientsDoNotStarveTelegram) {
  RaiseFileLimit(4096);
  auto stack = Stack::Start({}, {{"TELEGATE_HTTP_HEADER_TIMEOUT_MS", "1500"},
                                 {"TELEGATE_HTTP_BODY_TIMEOUT_MS", "1500"},
                                 {"TELEGATE_HTTP_IDLE_TIMEOUT_MS", "3000"}});
  ASSERT_TRUE(stack.ok()) << stack.status();
  Stack& s = **stack;

  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 500; ++i) {
    idle.push_back(RawClient::Connect(s.public_port()));
    ASSERT_NE(idle.back(), nullptr) << i;
  }
  // Slowloris: a request head trickled one byte every 100 ms, forever.
  std::atomic<bool> slow_cut{false};
  std::thread slowloris([&] {
    auto slow = RawClient::Connect(s.public_port());
    if (slow == nullptr) return;
    std::string head = Post(kValid);
    for (size_t i = 0;; i = (i + 1) % 40) {
      if (!slow->Send(head.substr(i, 1))) break;
      if (slow->WaitClosed(absl::Milliseconds(100))) break;
    }
    slow_cut = true;
  });

  // A body that never finishes arriving.
  auto slow_body = RawClient::Connect(s.public_port());
  ASSERT_NE(slow_body, nullptr);
  std::string partial = Post(kValid);
  ASSERT_TRUE(slow_body->Send(partial.substr(0, partial.size() - 10)));

  TelegramLoad load(&s, {.chats = 40, .per_chat = 20, .connections = 40,
                         .first_update_id = 5000000});
  load.Start();
  ExpectValidStreamServed(s, load, 40 * 20);

  std::optional<RawResponse> late = slow_body->ReadResponse(absl::Seconds(30));
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->status, 408);
  slowloris.join();  // ends only when the gateway cuts it
  EXPECT_TRUE(slow_cut);
  EXPECT_GE(s.GatewayMetric("telegate_gateway_http_header_timeouts_total"), 1);
  // Idle connections are closed by the gateway, not kept forever.
  for (auto& client : idle) EXPECT_TRUE(client->WaitClosed(absl::Seconds(30)));
  EXPECT_GE(s.GatewayMetric("telegate_gateway_http_idle_timeouts_total") +
                s.GatewayMetric("telegate_gateway_http_header_timeouts_total"),
            500);
  EXPECT_EQ(::kill(s.gateway().pid(), 0), 0);
}

TEST(HostileIntegrationTest, AllowListAdmitsOnlyTelegramThroughOurProxy) {
  auto stack = Stack::Start({}, {{"TELEGATE_ALLOWED_SOURCES", "telegram"},
                                 {"TELEGATE_TRUSTED_PROXIES", "127.0.0.1"}});
  ASSERT_TRUE(stack.ok()) << stack.status();
  Stack& s = **stack;
  auto post = [&](const std::string& forwarded_for, int64_t update_id) {
    nlohmann::json update = {
        {"update_id", update_id},
        {"message", {{"message_id", 1}, {"date", 1},
                     {"chat", {{"id", 88}, {"type", "private"}}},
                     {"text", absl::StrCat("from ", forwarded_for)}}}};
    std::map<std::string, std::string> headers = {
        {"X-Telegram-Bot-Api-Secret-Token", kSecret}};
    if (!forwarded_for.empty()) headers["X-Forwarded-For"] = forwarded_for;
    return Http(s.public_port(), "POST", "/webhook", update.dump(), headers);
  };
  EXPECT_EQ(post("", 8000001).status, 403);  // the proxy itself
  EXPECT_EQ(post("203.0.113.7", 8000002).status, 403);
  EXPECT_EQ(post("149.154.167.220, 203.0.113.7", 8000003).status, 403);
  EXPECT_EQ(post("149.154.167.220", 8000004).status, 200);
  EXPECT_EQ(post("203.0.113.7, 91.108.4.9", 8000005).status, 200);
  ASSERT_TRUE(s.WaitForSentMessages(2));
  std::vector<nlohmann::json> sent = s.SentMessages();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0]["text"], "from 149.154.167.220");
}

}  // namespace
}  // namespace telegate::testing
