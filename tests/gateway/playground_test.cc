// Playground against a tiny fake emulator (an httplib server on port 0 with
// /_emulator/calls and /_emulator/updates), directly and through the admin
// listener's /api/playground.
#include "gateway/playground.h"

#include <httplib.h>

#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/test_gateway.h"

namespace telegate::gateway {
namespace {

using nlohmann::json;

// Records calls like the emulator; a posted update is "answered" by the
// bot with a sendMessage echo unless `silent`. `webhook_status` is what the
// webhook is said to have answered.
class FakeEmulator {
 public:
  FakeEmulator() {
    // An old reply to the same chat that must not count.
    Record(42, "old reply");
    server_.Get("/_emulator/calls", [this](const httplib::Request& req,
                                           httplib::Response& res) {
      EXPECT_EQ(req.get_param_value("method"), "sendMessage");
      int64_t since =
          req.has_param("since") ? std::stoll(req.get_param_value("since")) : 0;
      absl::MutexLock lock(&mu_);
      json out = json::array();
      for (const json& c : calls_) {
        if (c["seq"].get<int64_t>() > since) out.push_back(c);
      }
      res.set_content(json{{"calls", out}}.dump(), "application/json");
    });
    server_.Post("/_emulator/updates", [this](const httplib::Request& req,
                                              httplib::Response& res) {
      json body = json::parse(req.body);
      if (!silent) {
        Record(body["chat_id"].get<int64_t>() + 1, "other chat");
        Record(body["chat_id"].get<int64_t>(), body["text"].get<std::string>());
      }
      res.set_content(json{{"update_id", 777},
                           {"status", webhook_status},
                           {"body", R"({"ok":false,"error":"no worker"})"}}
                          .dump(),
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeEmulator() {
    server_.stop();
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }

  bool silent = false;
  int webhook_status = 200;

 private:
  void Record(int64_t chat_id, const std::string& text) {
    absl::MutexLock lock(&mu_);
    calls_.push_back({{"seq", calls_.size() + 1},
                      {"method", "sendMessage"},
                      {"params", {{"chat_id", chat_id}, {"text", text}}},
                      {"http_status", 200}});
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  absl::Mutex mu_;
  json calls_ ABSL_GUARDED_BY(mu_) = json::array();
};

PlaygroundOptions Fast() {
  PlaygroundOptions o;
  o.reply_timeout = absl::Milliseconds(300);
  o.poll_interval = absl::Milliseconds(10);
  return o;
}

json Body(const JsonAnswer& a) { return json::parse(a.body, nullptr, false); }

TEST(PlaygroundTest, PostsTheUpdateAndReturnsTheBotsReply) {
  FakeEmulator emulator;
  Playground playground(emulator.url(), Fast());
  JsonAnswer a = playground.Send(R"({"chat_id":42,"text":"hello there"})");
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(Body(a),
            json({{"ok", true}, {"update_id", 777}, {"reply", "hello there"}}));
}

TEST(PlaygroundTest, NoReplyIs504AndOldRepliesDoNotCount) {
  FakeEmulator emulator;
  emulator.silent = true;
  Playground playground(emulator.url(), Fast());
  JsonAnswer a = playground.Send(R"({"chat_id":42,"text":"anyone?"})");
  EXPECT_EQ(a.status, 504);
  EXPECT_EQ(Body(a)["ok"], false);
}

TEST(PlaygroundTest, AWebhookThatRefusedIs502) {
  FakeEmulator emulator;
  emulator.webhook_status = 503;
  Playground playground(emulator.url(), Fast());
  JsonAnswer a = playground.Send(R"({"chat_id":42,"text":"x"})");
  EXPECT_EQ(a.status, 502);
  EXPECT_NE(Body(a)["error"].get<std::string>().find("503"), std::string::npos);
}

TEST(PlaygroundTest, UnreachableEmulatorIs502) {
  std::string url;
  {
    FakeEmulator gone;
    url = gone.url();
  }
  JsonAnswer a = Playground(url, Fast()).Send(R"({"chat_id":42,"text":"x"})");
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(Body(a)["ok"], false);
}

TEST(PlaygroundTest, BadBodiesAre400) {
  FakeEmulator emulator;
  Playground playground(emulator.url(), Fast());
  for (const char* body :
       {"", "[]", R"({"chat_id":42})", R"({"text":"x"})",
        R"({"chat_id":"42","text":"x"})", R"({"chat_id":42,"text":""})",
        R"({"chat_id":0,"text":"x"})"}) {
    EXPECT_EQ(playground.Send(body).status, 400) << body;
  }
}

TEST(PlaygroundTest, ThroughTheAdminListener) {
  FakeEmulator emulator;
  auto g = testing::TestGateway::Start({.emulator_url = emulator.url()});
  ASSERT_NE(g, nullptr);
  auto admin = g->Admin();
  httplib::Result res = admin->Get("/api/playground");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body), json({{"enabled", true}}));
  res = admin->Post("/api/playground", R"({"chat_id":42,"text":"ping"})",
                    "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["reply"], "ping");
}

}  // namespace
}  // namespace telegate::gateway
