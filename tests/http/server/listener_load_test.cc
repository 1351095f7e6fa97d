// Listener under connection pressure: hundreds of idle connections and
// a slowloris client do not starve active keep-alive clients; the
// connection cap evicts the longest-idle connection; a slow answer does not
// block other connections; hundreds of requests wait for their answers at
// once on one io thread (no thread per request); Stop lets answers in
// progress be written, drops those that come too late, and is prompt when
// only idle connections are left.
#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/http/server/listener_fixture.h"

namespace telegate::http {
namespace {

using testing::RawClient;

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

TEST(ListenerLoadTest, IdleConnectionsAndSlowlorisDoNotStarveClients) {
  testing::RaiseFileLimit(4096);
  ListenerOptions options = TestOptions();
  options.io_threads = 2;
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

TEST(ListenerLoadTest, ConnectionCapEvictsTheLongestIdle) {
  ListenerOptions options = TestOptions();
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

TEST(ListenerLoadTest, ConnectionCapRefusesWhenNoneIsIdle) {
  ListenerOptions options = TestOptions();
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

TEST(ListenerLoadTest, SlowAnswerDoesNotBlockOtherConnections) {
  ListenerOptions options = TestOptions();
  options.io_threads = 1;
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

TEST(ListenerLoadTest, HundredsOfRequestsAwaitTheirAnswersAtOnce) {
  // One io thread, 300 connections each with a request whose answer is
  // held: every request reaches the handler before any is answered, so
  // none holds a thread while it waits.
  testing::RaiseFileLimit(4096);
  constexpr size_t kConnections = 300;
  ListenerOptions options = TestOptions();
  options.io_threads = 1;
  GatedHandler gate;
  TestListener server(options, std::ref(gate));
  std::vector<std::unique_ptr<RawClient>> clients;
  for (size_t i = 0; i < kConnections; ++i) {
    auto client = server.Connect();
    ASSERT_NE(client, nullptr) << i;
    ASSERT_TRUE(client->Send(PostRequest(absl::StrCat(i), "/slow")));
    clients.push_back(std::move(client));
  }
  ASSERT_TRUE(gate.AwaitInside(kConnections, absl::Seconds(30)));
  gate.Release();
  for (size_t i = 0; i < kConnections; ++i) {
    auto res = clients[i]->ReadResponse();
    ASSERT_TRUE(res) << i;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, absl::StrCat(i));
  }
  EXPECT_EQ(gate.max_inside(), kConnections);
}

TEST(ListenerLoadTest, StopLetsAnswersInProgressBeWritten) {
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

TEST(ListenerLoadTest, StopClosesAfterGraceAndDropsLateAnswers) {
  GatedHandler gate;
  auto server = std::make_unique<TestListener>(TestOptions(), std::ref(gate));
  auto busy = server->Connect();
  busy->Send(PostRequest("too late", "/slow"));
  gate.AwaitInside(1);
  server->listener->Stop(absl::Milliseconds(200));
  std::string answer;
  EXPECT_TRUE(busy->WaitClosed(absl::Seconds(10), &answer));
  EXPECT_EQ(answer, "");
  EXPECT_EQ(server->stats.connections_open, 0);
  server.reset();   // the listener is gone; its Respond must stay harmless
  gate.Release();   // answers now: dropped
}

TEST(ListenerLoadTest, StopWithOnlyIdleConnectionsIsPrompt) {
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
}  // namespace telegate::http
