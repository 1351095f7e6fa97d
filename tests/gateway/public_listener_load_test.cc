// PublicListener under connection pressure: hundreds of idle connections and
// a slowloris client do not starve active keep-alive clients; the
// connection cap evicts the longest-idle connection; slow handlers do not
// block io; Stop lets answers in progress be written and is prompt when
// only idle connections are left.
#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/gateway/public_listener_fixture.h"

namespace telegate::gateway {
namespace {

using testing::RawClient;

// A handler that blocks requests to /slow until Release(), counting how
// many are inside at once.
class GatedHandler {
 public:
  PublicResponse operator()(PublicRequest request) {
    if (request.path == "/slow") {
      {
        absl::MutexLock lock(&mu_);
        ++inside_;
        max_inside_ = std::max(max_inside_, inside_);
      }
      release_.WaitForNotification();
      absl::MutexLock lock(&mu_);
      --inside_;
    }
    return EchoHandler(std::move(request));
  }
  void AwaitInside(int n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]()
                      ABSL_SHARED_LOCKS_REQUIRED(mu_) { return inside_ >= n; };
    mu_.Await(absl::Condition(&enough));
  }
  void Release() { release_.Notify(); }
  int max_inside() {
    absl::MutexLock lock(&mu_);
    return max_inside_;
  }

 private:
  absl::Mutex mu_;
  int inside_ ABSL_GUARDED_BY(mu_) = 0;
  int max_inside_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Notification release_;
};

// Opens a connection and completes one request on it, so that it is known
// to be registered and idle.
std::unique_ptr<RawClient> IdleAfterOneRequest(const TestListener& server) {
  auto client = server.Connect();
  if (client == nullptr) return nullptr;
  client->Send(PostRequest("x"));
  auto res = client->ReadResponse();
  EXPECT_TRUE(res && res->status == 200);
  return client;
}

TEST(PublicListenerLoadTest, IdleConnectionsAndSlowlorisDoNotStarveClients) {
  testing::RaiseFileLimit(4096);
  PublicListenerOptions options = TestOptions();
  options.io_threads = 2;
  options.handler_threads = 16;
  options.header_timeout = absl::Seconds(1);
  options.idle_timeout = absl::Seconds(4);
  TestListener server(options);

  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 500; ++i) {
    auto client = server.Connect();
    ASSERT_NE(client, nullptr) << i;
    idle.push_back(std::move(client));
  }
  auto slowloris = server.Connect();
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    std::string head = "POST /hook HTTP/1.1\r\nX-Pad: " + std::string(500, 'a');
    for (char c : head) {
      if (done || !slowloris->Send(std::string(1, c))) return;
      absl::SleepFor(absl::Milliseconds(100));
    }
  });

  constexpr int kClients = 40;
  constexpr int kRequests = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server.port);
      client.set_keep_alive(true);
      client.set_read_timeout(10, 0);
      for (int r = 0; r < kRequests; ++r) {
        std::string body = absl::StrCat(R"({"client":)", c, R"(,"n":)", r, "}");
        auto res = client.Post("/hook", body, "application/json");
        if (res && res->status == 200 && res->body == body) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, kClients * kRequests);
  EXPECT_EQ(server.stats.connections_refused, 0);

  // Then the server closes the idle connections after idle_timeout.
  int closed = 0;
  for (auto& client : idle) closed += client->WaitClosed(absl::Seconds(15));
  EXPECT_EQ(closed, 500);
  EXPECT_GE(server.stats.idle_timeouts, 500);
  done = true;
  trickler.join();
  EXPECT_EQ(server.stats.header_timeouts, 1);
}

TEST(PublicListenerLoadTest, ConnectionCapEvictsTheLongestIdle) {
  PublicListenerOptions options = TestOptions();
  options.max_connections = 50;
  TestListener server(options);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 50; ++i) idle.push_back(IdleAfterOneRequest(server));
  ASSERT_EQ(server.stats.connections_open, 50);

  httplib::Client client("127.0.0.1", server.port);
  client.set_keep_alive(true);  // stays open: the count below is stable
  auto res = client.Post("/hook", "new", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "new");
  EXPECT_TRUE(idle[0]->WaitClosed(absl::Seconds(5)));  // the longest idle
  EXPECT_EQ(server.stats.connections_evicted, 1);
  EXPECT_EQ(server.stats.connections_refused, 0);
  EXPECT_EQ(server.stats.connections_open, 50);
  // The others still work.
  idle[1]->Send(PostRequest("still"));
  auto again = idle[1]->ReadResponse();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "still");
}

TEST(PublicListenerLoadTest, ConnectionCapRefusesWhenNoneIsIdle) {
  PublicListenerOptions options = TestOptions();
  options.max_connections = 2;
  GatedHandler gate;
  TestListener server(options, std::ref(gate));
  auto a = server.Connect();
  auto b = server.Connect();
  a->Send(PostRequest("a", "/slow"));
  b->Send(PostRequest("b", "/slow"));
  gate.AwaitInside(2);
  auto c = server.Connect();
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->WaitClosed(absl::Seconds(5)));
  EXPECT_EQ(server.stats.connections_refused, 1);
  gate.Release();
  auto ra = a->ReadResponse();
  auto rb = b->ReadResponse();
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->body, "a");
  EXPECT_EQ(rb->body, "b");
}

TEST(PublicListenerLoadTest, SlowHandlerDoesNotBlockOtherConnections) {
  PublicListenerOptions options = TestOptions();
  options.handler_threads = 4;
  GatedHandler gate;
  TestListener server(options, std::ref(gate));
  auto slow = server.Connect();
  slow->Send(PostRequest("slow", "/slow"));
  gate.AwaitInside(1);
  httplib::Client client("127.0.0.1", server.port);
  for (int i = 0; i < 5; ++i) {
    auto res = client.Post("/fast", "fast", "text/plain");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "fast");
  }
  gate.Release();
  auto res = slow->ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "slow");
}

TEST(PublicListenerLoadTest, RequestsBeyondHandlerThreadsQueue) {
  PublicListenerOptions options = TestOptions();
  options.handler_threads = 1;
  GatedHandler gate;
  TestListener server(options, std::ref(gate));
  auto first = server.Connect();
  first->Send(PostRequest("1", "/slow"));
  gate.AwaitInside(1);
  auto second = server.Connect();
  second->Send(PostRequest("2", "/slow"));
  gate.Release();
  auto r1 = first->ReadResponse();
  auto r2 = second->ReadResponse();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->body, "1");
  EXPECT_EQ(r2->body, "2");
  EXPECT_EQ(gate.max_inside(), 1);
}

TEST(PublicListenerLoadTest, StopLetsAnswersInProgressBeWritten) {
  GatedHandler gate;
  TestListener server(TestOptions(), std::ref(gate));
  auto busy = server.Connect();
  busy->Send(PostRequest("in flight", "/slow"));
  gate.AwaitInside(1);
  auto idle = IdleAfterOneRequest(server);
  std::thread stopper([&] { server.listener->Stop(absl::Seconds(5)); });
  // The idle connection is closed by Stop; then the handler finishes.
  EXPECT_TRUE(idle->WaitClosed(absl::Seconds(5)));
  gate.Release();
  auto res = busy->ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "in flight");
  EXPECT_NE(res->head.find("connection: close"), std::string::npos);
  EXPECT_TRUE(busy->WaitClosed());
  stopper.join();
  EXPECT_EQ(server.stats.connections_open, 0);
}

TEST(PublicListenerLoadTest, StopWithOnlyIdleConnectionsIsPrompt) {
  TestListener server(TestOptions());
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(IdleAfterOneRequest(server));
  idle.push_back(server.Connect());  // never sent anything
  absl::Time start = absl::Now();
  server.listener->Stop(absl::Seconds(5));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  for (auto& client : idle) EXPECT_TRUE(client->WaitClosed(absl::Seconds(2)));
  EXPECT_EQ(server.stats.connections_open, 0);
  EXPECT_EQ(testing::RawClient::Connect(server.port), nullptr);
}

}  // namespace
}  // namespace telegate::gateway
