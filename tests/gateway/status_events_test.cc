// /api/events: Server-Sent Events from the fake backend's WatchStatus over
// real HTTP, the unreachable-worker events and retries, the end of the
// watch when the browser leaves or the gateway shuts down; and
// StatusEvents::Run on its own.
#include "gateway/status_events.h"

#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/test_gateway.h"
#include "tests/worker/wait_until.h"

namespace telegate::gateway {
namespace {

using nlohmann::json;
using testing::FakeAdminBackend;
using testing::TestGateway;
using testing::WaitUntil;

constexpr char kToken[] = "events-token-0123456789";

// Reads /api/events until `want` events arrived (then disconnects) and
// returns their data as JSON; checks the framing and headers on the way.
std::vector<json> ReadEvents(const TestGateway& g, size_t want,
                             httplib::Headers headers = {}) {
  std::vector<json> events;
  std::string buffer;
  auto client = g.Admin();
  httplib::Result res = client->Get(
      "/api/events", headers,
      [](const httplib::Response& r) {
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.get_header_value("Content-Type"), "text/event-stream");
        EXPECT_EQ(r.get_header_value("Cache-Control"), "no-cache");
        // Never compressed: a compressor would hold events back.
        EXPECT_FALSE(r.has_header("Content-Encoding"));
        return r.status == 200;
      },
      [&](const char* data, size_t len) {
        buffer.append(data, len);
        size_t end;
        while ((end = buffer.find("\n\n")) != std::string::npos) {
          std::string event = buffer.substr(0, end);
          buffer.erase(0, end + 2);
          constexpr std::string_view kHead = "event: status\ndata: ";
          EXPECT_EQ(event.substr(0, kHead.size()), kHead) << event;
          events.push_back(
              json::parse(event.substr(kHead.size()), nullptr, false));
        }
        return events.size() < want;
      });
  EXPECT_FALSE(res);  // we hung up
  return events;
}

TEST(StatusEventsHttpTest, StreamsSnapshotsAndStopsTheWatchOnDisconnect) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  // As browsers ask.
  std::vector<json> events =
      ReadEvents(*g, 2, {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(events.size(), 2u);
  for (const json& e : events) {
    ASSERT_TRUE(e.is_object());
    EXPECT_EQ(e["worker_reachable"], true);
    EXPECT_EQ(e["health"]["status"], "healthy");
    EXPECT_EQ(e["stats"]["updates_received"], 12);
    EXPECT_TRUE(e["recent_errors"].is_array());
  }
  EXPECT_TRUE(WaitUntil([&] { return g->backend.watch_stops.load() == 1; }));
  EXPECT_EQ(g->backend.watch_calls.load(), 1);
}

TEST(StatusEventsHttpTest, ChangesReachTheBrowser) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  std::atomic<bool> changed{false};
  std::thread changer([&] {
    ASSERT_TRUE(WaitUntil([&] { return g->backend.watch_calls.load() > 0; }));
    telegate::v1::StatusSnapshot s;
    s.mutable_health()->set_error_count(3);
    g->backend.SetSnapshot(s);
    changed = true;
  });
  std::string buffer;
  g->Admin()->Get("/api/events", [&](const char* data, size_t len) {
    buffer.append(data, len);
    return !changed || buffer.find(R"("error_count":3)") == std::string::npos;
  });
  changer.join();
  EXPECT_NE(buffer.find(R"("error_count":3)"), std::string::npos);
}

TEST(StatusEventsHttpTest, UnreachableWorkerEventsAndRetries) {
  StatusEventsOptions fast;
  fast.retry_interval = absl::Milliseconds(20);
  auto g = TestGateway::Start({.events = fast});
  ASSERT_NE(g, nullptr);
  g->backend.watch_error = absl::UnavailableError("connection refused");
  std::vector<json> events = ReadEvents(*g, 3);
  ASSERT_EQ(events.size(), 3u);
  for (const json& e : events) {
    EXPECT_EQ(e, json({{"worker_reachable", false},
                       {"error", "connection refused"}}));
  }
  EXPECT_GE(g->backend.watch_calls.load(), 3);
}

TEST(StatusEventsHttpTest, NeedsTheTokenWhenOneIsSet) {
  auto g = TestGateway::Start({.admin_token = kToken});
  ASSERT_NE(g, nullptr);
  httplib::Result res = g->Admin()->Get("/api/events");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(g->backend.watch_calls.load(), 0);
  std::vector<json> events =
      ReadEvents(*g, 1, {{"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(events.size(), 1u);
}

TEST(StatusEventsHttpTest, ShutdownEndsOpenStreams) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  std::atomic<int> chunks{0};
  std::vector<std::thread> browsers;
  for (int i = 0; i < 3; ++i) {
    browsers.emplace_back([&] {
      g->Admin()->Get("/api/events", [&](const char*, size_t) {
        ++chunks;
        return true;
      });
    });
  }
  ASSERT_TRUE(WaitUntil([&] { return g->backend.watch_calls.load() == 3; }));
  // Normal requests are still served while the streams are open.
  httplib::Result res = g->Admin()->Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  absl::Time start = absl::Now();
  g->server->Shutdown();
  for (std::thread& t : browsers) t.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(g->backend.watch_stops.load(), 3);
  EXPECT_GT(chunks.load(), 0);
}

TEST(StatusEventsTest, RunEndsWhenTheClientIsGone) {
  FakeAdminBackend backend;
  absl::Notification stopping;
  StatusEvents events(&backend, &stopping);
  int emitted = 0;
  events.Run([&](const std::string& event) {
    EXPECT_EQ(event.rfind("event: status\ndata: {", 0), 0u);
    EXPECT_EQ(event.substr(event.size() - 2), "\n\n");
    return ++emitted < 3;
  });
  EXPECT_EQ(emitted, 3);
  EXPECT_EQ(backend.watch_stops.load(), 1);
}

TEST(StatusEventsTest, RunEndsWhenStoppingEvenIfTheWorkerIsDown) {
  FakeAdminBackend backend;
  backend.watch_error = absl::UnavailableError("down");
  absl::Notification stopping;
  StatusEventsOptions options;
  options.retry_interval = absl::Hours(1);
  StatusEvents events(&backend, &stopping, options);
  std::thread stopper([&] {
    WaitUntil([&] { return backend.watch_calls.load() > 0; });
    stopping.Notify();
  });
  int emitted = 0;
  events.Run([&](const std::string&) { return ++emitted > 0; });
  stopper.join();
  EXPECT_EQ(emitted, 1);  // one "unreachable" event, then the wait ended
}

}  // namespace
}  // namespace telegate::gateway
