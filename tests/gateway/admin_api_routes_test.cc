// AdminRoutes for the panel's API (/api/failed, /api/failed/retry,
// /api/webhook, the new /api/stats fields) and the /api/events snapshot
// JSON, against FakeAdminBackend.
#include <string>

#include "gateway/admin_routes.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/admin_routes_fixture.h"

namespace telegate::gateway {
namespace {

using nlohmann::json;

class AdminApiRoutesTest : public AdminRoutesFixture {};

TEST_F(AdminApiRoutesTest, FailedDeliveriesWithParsedParams) {
  JsonAnswer a = routes_.FailedDeliveries(25);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(backend_.last_limit.load(), 25);
  json d = Body(a)["deliveries"];
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], json::parse(R"({"id":7,"update_id":1001,"chat_key":"c:42",
      "method":"sendMessage","params":{"chat_id":42,"text":"hi"},
      "error_code":403,"reason":"Forbidden: bot was blocked by the user",
      "failed_at":"2026-11-24T01:40:51.123Z","kind":"bot_api_call"})"));

  backend_.failed = absl::UnavailableError("down");
  a = routes_.FailedDeliveries(0);
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(Body(a)["ok"], false);
}

TEST_F(AdminApiRoutesTest, RetryFailedDelivery) {
  JsonAnswer a = routes_.RetryFailedDelivery(R"({"id":7})");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(Body(a), json({{"ok", true}}));
  EXPECT_EQ(backend_.retried(), std::vector<int64_t>{7});

  backend_.retry = absl::NotFoundError("no failed delivery 8");
  a = routes_.RetryFailedDelivery(R"({"id":8})");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(Body(a), json({{"ok", false}, {"error", "no failed delivery 8"}}));

  backend_.retry = absl::UnavailableError("down");
  EXPECT_EQ(routes_.RetryFailedDelivery(R"({"id":9})").status, 503);
}

TEST_F(AdminApiRoutesTest, RetryWithABadBodyIs400AndCallsNothing) {
  for (const char* body : {"", "nope", "[]", "{}", R"({"id":"7"})",
                           R"({"id":0})", R"({"id":-3})", R"({"id":1.5})"}) {
    JsonAnswer a = routes_.RetryFailedDelivery(body);
    EXPECT_EQ(a.status, 400) << body;
    EXPECT_EQ(Body(a)["ok"], false) << body;
  }
  EXPECT_TRUE(backend_.retried().empty());
}

TEST_F(AdminApiRoutesTest, WebhookInfo) {
  JsonAnswer a = routes_.WebhookInfo();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(Body(a), json::parse(R"({"url":"https://example.org/webhook",
      "pending_update_count":3,"max_connections":40,"last_error_date":0,
      "last_error_message":"","has_custom_certificate":false,"ip_address":"",
      "allowed_updates":["message"]})"));
}

TEST_F(AdminApiRoutesTest,
       WebhookErrorsAre502WhenRefusedAnd503WhenUnreachable) {
  backend_.webhook = absl::InvalidArgumentError("401 Unauthorized");
  JsonAnswer a = routes_.WebhookInfo();
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(Body(a)["ok"], false);
  EXPECT_NE(Body(a)["error"].get<std::string>().find("401 Unauthorized"),
            std::string::npos);
  for (absl::Status s : {absl::UnavailableError("connection refused"),
                         absl::DeadlineExceededError("slow"),
                         absl::UnauthenticatedError("wrong admin token")}) {
    backend_.webhook = s;
    a = routes_.WebhookInfo();
    EXPECT_EQ(a.status, 503) << s;
    EXPECT_EQ(Body(a)["ok"], false);
  }
}

TEST_F(AdminApiRoutesTest, StatsHaveTheNewFields) {
  backend_.stats->set_latency_p50_ms(12.5);
  backend_.stats->set_latency_p99_ms(80);
  backend_.stats->set_failed_deliveries(1);
  telegate::v1::ThreadState* t = backend_.stats->add_thread_states();
  t->set_index(0);
  t->set_state("busy");
  t->set_client_generation(2);
  t->set_calls(33);
  t->set_calls_in_flight(7);
  t->set_chats_served(5);
  json j = Body(routes_.Stats());
  EXPECT_EQ(j["latency_p50_ms"], 12.5);
  EXPECT_EQ(j["latency_p99_ms"], 80.0);
  EXPECT_EQ(j["failed_deliveries"], 1);
  EXPECT_EQ(
      j["thread_states"],
      json::parse(
          R"([{"index":0,"state":"busy","client_generation":2,"calls":33,"calls_in_flight":7,"chats_served":5}])"));
  for (const char* key :
       {"updates_replayed", "flood_waits", "retries", "migrations",
        "rate_limited", "parked_chats", "queue_depth", "uptime_seconds"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
}

TEST(SnapshotJsonTest, HasHealthStatsErrorsAndReachability) {
  testing::FakeAdminBackend backend;
  telegate::v1::StatusSnapshot snapshot;
  *snapshot.mutable_health() = *backend.health;
  *snapshot.mutable_stats() = *backend.stats;
  telegate::v1::ErrorEvent* e = snapshot.add_recent_errors();
  e->set_time("2026-11-24T01:00:00.000Z");
  e->set_reason("sendMessage: 500");
  json j = json::parse(SnapshotJson(snapshot));
  EXPECT_EQ(j["worker_reachable"], true);
  EXPECT_EQ(j["health"]["status"], "healthy");
  EXPECT_EQ(j["health"]["bot_username"], "fake_bot");
  EXPECT_EQ(j["health"]["error_threshold"], 10);
  EXPECT_EQ(j["stats"]["updates_received"], 12);
  EXPECT_TRUE(j["stats"]["thread_states"].is_array());
  EXPECT_EQ(
      j["recent_errors"],
      json::parse(
          R"([{"time":"2026-11-24T01:00:00.000Z","reason":"sendMessage: 500"}])"));

  j = json::parse(
      UnreachableJson(absl::UnavailableError("connection refused")));
  EXPECT_EQ(
      j, json({{"worker_reachable", false}, {"error", "connection refused"}}));
}

}  // namespace
}  // namespace telegate::gateway
