#include "gateway/admin_routes.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/admin_routes_fixture.h"

namespace telegate::gateway {
namespace {

using nlohmann::json;

class AdminRoutesTest : public AdminRoutesFixture {};

TEST_F(AdminRoutesTest, HealthyIs200WithTheOldFieldsAndMore) {
  JsonAnswer a = routes_.Health();
  EXPECT_EQ(a.status, 200);
  json j = Body(a);
  // The old system's /health fields...
  EXPECT_EQ(j["status"], "healthy");
  EXPECT_EQ(j["bot_status"], "OK");
  EXPECT_EQ(j["error_count"], 0);
  EXPECT_EQ(j["timestamp"], "2026-11-24T01:40:51.123Z");
  EXPECT_EQ(j["environment"], "production");  // the worker's
  // ...plus the new ones.
  EXPECT_EQ(j["restart_count"], 2);
  EXPECT_EQ(j["uptime_seconds"], 3600);
  EXPECT_EQ(j["error_threshold"], 10);
  EXPECT_EQ(j["bot_username"], "fake_bot");
  EXPECT_EQ(j["worker_reachable"], true);
  EXPECT_EQ(backend_.health_calls.load(), 1);
}

TEST_F(AdminRoutesTest, UnhealthyIs503) {
  backend_.health->set_status("unhealthy");
  backend_.health->set_bot_status("getMe: 401 Unauthorized");
  backend_.health->set_error_count(12);
  JsonAnswer a = routes_.Health();
  EXPECT_EQ(a.status, 503);
  json j = Body(a);
  EXPECT_EQ(j["status"], "unhealthy");
  EXPECT_EQ(j["bot_status"], "getMe: 401 Unauthorized");
  EXPECT_EQ(j["error_count"], 12);
  EXPECT_EQ(j["worker_reachable"], true);
}

TEST_F(AdminRoutesTest, UnreachableWorkerIs503) {
  backend_.health = absl::UnavailableError("failed to connect to all addresses");
  JsonAnswer a = routes_.Health();
  EXPECT_EQ(a.status, 503);
  json j = Body(a);
  EXPECT_EQ(j["status"], "unhealthy");
  EXPECT_EQ(j["worker_reachable"], false);
  EXPECT_EQ(j["environment"], "gateway-env");
  EXPECT_TRUE(j["error_count"].is_null());
  std::string bot_status = j["bot_status"];
  EXPECT_NE(bot_status.find("failed to connect to all addresses"),
            std::string::npos);
  std::string timestamp = j["timestamp"];
  ASSERT_FALSE(timestamp.empty());
  EXPECT_EQ(timestamp.back(), 'Z');
}

TEST_F(AdminRoutesTest, RestartBot) {
  JsonAnswer a = routes_.RestartBot();
  EXPECT_EQ(a.status, 200);
  json j = Body(a);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["restart_count"], 3);
  EXPECT_EQ(j["bot_status"], "OK");
  EXPECT_EQ(backend_.restart_calls.load(), 1);

  backend_.restart->set_ok(false);
  backend_.restart->set_bot_status("getMe: 401 Unauthorized");
  j = Body(routes_.RestartBot());
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["bot_status"], "getMe: 401 Unauthorized");
}

TEST_F(AdminRoutesTest, ResetErrors) {
  JsonAnswer a = routes_.ResetErrors();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(Body(a), json({{"ok", true}, {"error_count", 0}}));
  EXPECT_EQ(backend_.reset_calls.load(), 1);
}

TEST_F(AdminRoutesTest, Stats) {
  JsonAnswer a = routes_.Stats();
  EXPECT_EQ(a.status, 200);
  json j = Body(a);
  EXPECT_EQ(j["updates_received"], 12);
  EXPECT_EQ(j["updates_accepted"], 10);
  EXPECT_EQ(j["updates_duplicate"], 2);
  EXPECT_EQ(j["updates_processed"], 9);
  EXPECT_EQ(j["sends_ok"], 9);
  EXPECT_EQ(j["threads"], 4);
  for (const char* key : {"updates_overloaded", "updates_failed", "sends_failed",
                          "error_count", "restart_count", "queue_depth",
                          "uptime_seconds"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
}

TEST_F(AdminRoutesTest, BackendErrorsAre503WithAReason) {
  backend_.restart = absl::DeadlineExceededError("deadline");
  backend_.reset = absl::UnavailableError("down");
  backend_.stats = absl::UnavailableError("down");
  for (const JsonAnswer& a :
       {routes_.RestartBot(), routes_.ResetErrors(), routes_.Stats()}) {
    EXPECT_EQ(a.status, 503);
    json j = Body(a);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["error"].get<std::string>().rfind("worker unreachable: ", 0), 0u);
  }
}

}  // namespace
}  // namespace telegate::gateway
