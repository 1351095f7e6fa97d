#include "emulator/server.h"

#include <httplib.h>

#include <chrono>
#include <future>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr char kToken[] = "555:server-test";

// A tiny webhook receiver on a free loopback port that checks the secret
// header and remembers what it received.
class FakeWebhook {
 public:
  explicit FakeWebhook(std::string secret) : secret_(std::move(secret)) {
    server_.Post("/hook", [this](const httplib::Request& req,
                                 httplib::Response& res) {
      if (req.get_header_value("X-Telegram-Bot-Api-Secret-Token") != secret_) {
        res.status = 403;
        res.set_content("wrong secret", "text/plain");
        return;
      }
      absl::MutexLock lock(&mu_);
      bodies_.push_back(json::parse(req.body, nullptr, false));
      content_types_.push_back(req.get_header_value("Content-Type"));
      res.set_content("{\"handled\":true}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      done_.Notify();
    });
  }
  ~FakeWebhook() {
    do {
      server_.stop();
    } while (!done_.WaitForNotificationWithTimeout(absl::Milliseconds(20)));
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
  }
  int port() const { return port_; }
  std::vector<json> bodies() {
    absl::MutexLock lock(&mu_);
    return bodies_;
  }
  std::vector<std::string> content_types() {
    absl::MutexLock lock(&mu_);
    return content_types_;
  }

 private:
  const std::string secret_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  absl::Notification done_;
  absl::Mutex mu_;
  std::vector<json> bodies_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> content_types_ ABSL_GUARDED_BY(mu_);
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }
  void StartServer(ServerOptions server_options) {
    BotApiOptions options;
    options.token = kToken;
    api_ = std::make_unique<BotApi>(options);
    server_ = std::make_unique<EmulatorServer>(api_.get(), server_options);
    absl::StatusOr<int> port = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
    client_ = NewClient();
  }
  void TearDown() override {
    server_->Stop();
    server_->Stop();  // idempotent
  }
  std::unique_ptr<httplib::Client> NewClient() const {
    return std::make_unique<httplib::Client>("127.0.0.1", port_);
  }
  static std::string Bot(const std::string& method) {
    return std::string("/bot") + kToken + "/" + method;
  }
  static json Body(const httplib::Result& r) {
    return r ? json::parse(r->body, nullptr, false) : json();
  }
  json PostJson(const std::string& path, const json& body) {
    httplib::Result r = client_->Post(path, body.dump(), "application/json");
    EXPECT_TRUE(r);
    last_status_ = r ? r->status : 0;
    return Body(r);
  }

  std::unique_ptr<BotApi> api_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
  int last_status_ = 0;
};

TEST_F(ServerTest, BotApiRoundTrip) {
  httplib::Result me = client_->Get(Bot("getMe"));
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ(Body(me)["result"]["id"], 555);

  httplib::Params form = {{"chat_id", "-42"}, {"text", "from a form"}};
  httplib::Result sent = client_->Post(Bot("sendMessage"), form);
  ASSERT_TRUE(sent);
  EXPECT_EQ(Body(sent)["result"]["chat"]["id"], -42);
  EXPECT_EQ(Body(sent)["result"]["text"], "from a form");

  json by_json =
      PostJson(Bot("sendMessage"), {{"chat_id", -42}, {"text", "j"}});
  EXPECT_EQ(by_json["result"]["message_id"], 2);

  httplib::Result bad = client_->Get("/bot555:nope/getMe");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(Body(bad)["description"], "Unauthorized");
  httplib::Result unknown = client_->Get(Bot("fly"));
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(Body(unknown)["error_code"], 404);
  httplib::Result no_method = client_->Get(std::string("/bot") + kToken + "/");
  EXPECT_EQ(no_method->status, 404);
  EXPECT_EQ(Body(no_method)["ok"], false);
  httplib::Result malformed =
      client_->Post(Bot("sendMessage"), "{oops", "application/json");
  EXPECT_EQ(malformed->status, 400);
}

TEST_F(ServerTest, ControlApiFaultsAndCalls) {
  json added = PostJson("/_emulator/faults", {{"faults",
                                               {{{"method", "sendMessage"},
                                                 {"error_code", 429},
                                                 {"retry_after", 2}}}}});
  EXPECT_EQ(added, json({{"ok", true}}));
  json limited = PostJson(Bot("sendMessage"), {{"chat_id", 1}, {"text", "x"}});
  EXPECT_EQ(last_status_, 429);
  EXPECT_EQ(limited["parameters"]["retry_after"], 2);
  PostJson(Bot("sendMessage"), {{"chat_id", 1}, {"text", "y"}});
  EXPECT_EQ(last_status_, 200);

  httplib::Result calls =
      client_->Get("/_emulator/calls?method=sendMessage&since=1");
  ASSERT_TRUE(calls);
  json list = Body(calls)["calls"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["seq"], 2);
  EXPECT_EQ(list[0]["params"]["text"], "y");

  PostJson("/_emulator/faults",
           {{"method", "getMe"}, {"error_code", 500}, {"count", -1}});
  EXPECT_EQ(Body(client_->Get("/_emulator/faults"))["faults"].size(), 1u);
  EXPECT_EQ(client_->Delete("/_emulator/faults")->status, 200);
  EXPECT_EQ(client_->Get(Bot("getMe"))->status, 200);
  PostJson("/_emulator/reset", json::object());
  EXPECT_TRUE(Body(client_->Get("/_emulator/calls"))["calls"].empty());

  json bad = PostJson("/_emulator/faults", {{"error_code", 500}});
  EXPECT_EQ(last_status_, 400);
  EXPECT_TRUE(bad["error"].is_string());
  EXPECT_EQ(client_->Get("/_emulator/calls?since=x")->status, 400);
}

TEST_F(ServerTest, PostsUpdatesToWebhookWithSecret) {
  FakeWebhook hook("hook_secret");
  json set = PostJson(Bot("setWebhook"),
                      {{"url", hook.url()}, {"secret_token", "hook_secret"}});
  EXPECT_EQ(set["result"], true);

  json sent =
      PostJson("/_emulator/updates", {{"chat_id", 77}, {"text", "/go"}});
  EXPECT_EQ(last_status_, 200);
  EXPECT_EQ(sent["update_id"], 1);
  EXPECT_EQ(sent["status"], 200);
  EXPECT_EQ(sent["body"], "{\"handled\":true}");
  std::vector<json> got = hook.bodies();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["update_id"], 1);
  EXPECT_EQ(got[0]["message"]["text"], "/go");
  EXPECT_EQ(got[0]["message"]["chat"]["id"], 77);
  EXPECT_EQ(hook.content_types()[0], "application/json");

  json full = PostJson("/_emulator/updates", {{"update_id", 10}, {"x", 1}});
  EXPECT_EQ(full["update_id"], 10);
  EXPECT_EQ(hook.bodies().at(1), json({{"update_id", 10}, {"x", 1}}));

  // A webhook that answers 403 (wrong secret) is reported, not hidden.
  PostJson(Bot("setWebhook"), {{"url", hook.url()}, {"secret_token", "other"}});
  json rejected =
      PostJson("/_emulator/updates", {{"chat_id", 77}, {"text", "a"}});
  EXPECT_EQ(rejected["status"], 403);
  json info = Body(client_->Get(Bot("getWebhookInfo")))["result"];
  EXPECT_NE(info["last_error_message"].get<std::string>().find("403"),
            std::string::npos);
  EXPECT_EQ(Body(client_->Get("/_emulator/webhook"))["url"], hook.url());
}

TEST_F(ServerTest, UpdatesWithoutWebhookQueueForGetUpdates) {
  json queued = PostJson("/_emulator/updates", {{"chat_id", 1}, {"text", "a"}});
  EXPECT_EQ(last_status_, 200);
  EXPECT_EQ(queued["queued"], true);
  const int64_t id = queued["update_id"];
  json got = Body(client_->Get(Bot("getUpdates?timeout=0&limit=10")));
  ASSERT_EQ(got["result"].size(), 1u);
  EXPECT_EQ(got["result"][0]["update_id"], id);
  EXPECT_EQ(got["result"][0]["message"]["text"], "a");
  EXPECT_EQ(Body(client_->Get("/_emulator/webhook"))["pending_update_count"],
            1);
  // GET parameters come from the query string.
  json again = Body(client_->Get(
      Bot("getUpdates?offset=" + std::to_string(id) + "&timeout=0")));
  ASSERT_EQ(again["result"].size(), 1u);
  json confirmed = Body(client_->Get(
      Bot("getUpdates?offset=" + std::to_string(id + 1) + "&timeout=0")));
  EXPECT_TRUE(confirmed["result"].empty());
  EXPECT_TRUE(PostJson(Bot("getUpdates"),
                       {{"offset", id + 1}, {"timeout", 0}})["result"]
                  .empty());
  json dropped = PostJson("/_emulator/updates",
                          {{"update_id", 99}, {"chat_member", json::object()}});
  EXPECT_EQ(dropped["dropped"], true);
}

TEST_F(ServerTest, StopEndsALongPoll) {
  auto slow_client = NewClient();
  slow_client->set_read_timeout(120, 0);
  std::future<int> poll = std::async(std::launch::async, [&] {
    httplib::Result r = slow_client->Get(Bot("getUpdates?timeout=50"));
    return r ? r->status : -1;
  });
  // Whether or not the poll already waits in a handler, Stop must not wait
  // for its 50 s timeout.
  EXPECT_EQ(client_->Get(Bot("getMe"))->status, 200);
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  int status = poll.get();
  EXPECT_TRUE(status == 200 || status == -1) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST_F(ServerTest, UpdatesWithoutReachableWebhookFail) {

  std::string closed_url;
  {
    FakeWebhook gone("s");
    closed_url = gone.url();
  }
  PostJson(Bot("setWebhook"), {{"url", closed_url}});
  json failed = PostJson("/_emulator/updates", {{"chat_id", 1}, {"text", "a"}});
  EXPECT_EQ(last_status_, 502);
  EXPECT_TRUE(failed["error"].is_string());
  json info = Body(client_->Get(Bot("getWebhookInfo")))["result"];
  EXPECT_TRUE(info.contains("last_error_date"));

  json malformed = PostJson("/_emulator/updates", {{"chat_id", "x"}});
  EXPECT_EQ(last_status_, 400);
}

TEST_F(ServerTest, DelayedAnswerBlocksNoOneAndStopWakesIt) {
  PostJson("/_emulator/faults",
           {{"method", "sendMessage"}, {"delay_ms", 60000}, {"chat_id", 9}});
  auto slow_client = NewClient();
  slow_client->set_read_timeout(120, 0);
  std::future<int> slow = std::async(std::launch::async, [&] {
    httplib::Result r = slow_client->Post(
        Bot("sendMessage"), json({{"chat_id", 9}, {"text", "slow"}}).dump(),
        "application/json");
    return r ? r->status : -1;
  });
  // The delayed call is recorded (and its fault consumed) before it waits.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Body(client_->Get("/_emulator/calls?method=sendMessage"))["calls"]
             .empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
  }
  // Other requests are answered while the delayed one waits.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client_->Get(Bot("getMe"))->status, 200);
  }
  EXPECT_NE(slow.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_EQ(slow.get(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST_F(ServerTest, TwoHundredDelayedCallsWaitAtOnceWithoutAThreadEach) {
  constexpr int kCalls = 200;
  // Long enough that every call is waiting before the first is due, however
  // slowly the callers start; the flush below releases them.
  json set = PostJson("/_emulator/latency", {{"ms", 120000}});
  EXPECT_EQ(set, json({{"ok", true}}));
  EXPECT_EQ(Body(client_->Get("/_emulator/latency")),
            json({{"ms", 120000}, {"jitter_ms", 0}}));
  std::vector<int> statuses(kCalls, 0);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([this, i, &statuses] {
      auto client = NewClient();
      client->set_read_timeout(300, 0);
      httplib::Result r = client->Post(
          Bot("sendMessage"),
          json({{"chat_id", 1000 + i}, {"text", "t"}}).dump(),
          "application/json");
      statuses[i] = r ? r->status : -1;
    });
  }
  // All of them wait at the same time: a server with a thread per waiting
  // call and fewer than 200 threads would never get here.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(100);
  int waiting = 0;
  while ((waiting = Body(client_->Get("/_emulator/stats"))["waiting"]) <
             kCalls &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(waiting, kCalls);
  json flushed = PostJson("/_emulator/flush", json::object());
  EXPECT_EQ(flushed["flushed"], kCalls);
  for (std::thread& t : callers) t.join();
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(statuses[i], 200) << i;
  json stats = Body(client_->Get("/_emulator/stats"));
  EXPECT_EQ(stats["received"], kCalls);
  EXPECT_EQ(stats["answered"], kCalls);
  EXPECT_EQ(stats["waiting"], 0);
  EXPECT_GE(stats["peak_waiting"].get<int>(), kCalls);
}

TEST_F(ServerTest, LatencyControlRejectsBadValues) {
  PostJson("/_emulator/latency", {{"ms", -1}});
  EXPECT_EQ(last_status_, 400);
  PostJson("/_emulator/latency", {{"jitter_ms", "x"}});
  EXPECT_EQ(last_status_, 400);
  PostJson("/_emulator/latency", {{"jitter_ms", 7}});
  EXPECT_EQ(last_status_, 200);
  EXPECT_EQ(Body(client_->Get("/_emulator/latency")),
            json({{"ms", 0}, {"jitter_ms", 7}}));
}

TEST_F(ServerTest, MultipartFormIsReadLikeTelegramDoes) {
  httplib::MultipartFormDataItems items = {
      {"chat_id", "-7", "", ""},
      {"text", "from multipart", "", ""},
      {"document", "file bytes", "a.txt", "text/plain"}};
  httplib::Result r = client_->Post(Bot("sendMessage"), items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["result"]["text"], "from multipart");
  json params = Body(client_->Get("/_emulator/calls"))["calls"][0]["params"];
  EXPECT_EQ(params["document"]["filename"], "a.txt");
  EXPECT_EQ(params["document"]["size"], 10);
  httplib::Result broken = client_->Post(
      Bot("sendMessage"), "no parts here", "multipart/form-data; boundary=b");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400);
}

TEST_F(ServerTest, AcceptsUploadsUpToThePayloadLimit) {
  // Above the shared listener's 1 MiB default, within the emulator's 10 MiB
  // (ServerLimitsTest checks the 413 above the limit).
  const std::string file(5 << 20, 'f');
  httplib::MultipartFormDataItems items = {
      {"chat_id", "3", "", ""},
      {"text", "with a file", "", ""},
      {"document", file, "big.bin", "application/octet-stream"}};
  httplib::Result r = client_->Post(Bot("sendMessage"), items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  json params = Body(client_->Get("/_emulator/calls"))["calls"][0]["params"];
  EXPECT_EQ(params["document"]["size"], 5 << 20);
}

TEST(ServerLimitsTest, KeepAliveCapAndBodyLimit) {
  BotApiOptions options;
  options.token = kToken;
  BotApi api(options);
  ServerOptions server_options;
  server_options.keep_alive_max_requests = 2;
  server_options.payload_max_bytes = 1000;
  EmulatorServer server(&api, server_options);
  absl::StatusOr<int> port = server.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  httplib::Client client("127.0.0.1", *port);
  client.set_keep_alive(true);
  httplib::Result first = client.Get(std::string("/bot") + kToken + "/getMe");
  httplib::Result second = client.Get(std::string("/bot") + kToken + "/getMe");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_NE(first->get_header_value("Connection"), "close");
  EXPECT_EQ(second->get_header_value("Connection"), "close");
  httplib::Result third = client.Get(std::string("/bot") + kToken + "/getMe");
  ASSERT_TRUE(third);  // a new connection
  EXPECT_EQ(third->status, 200);

  httplib::Result big = client.Post(std::string("/bot") + kToken + "/getMe",
                                    std::string(5000, 'x'), "text/plain");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  server.Stop();
}

}  // namespace
}  // namespace telegate::emulator
