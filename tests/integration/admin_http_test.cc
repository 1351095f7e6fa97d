// The gateway's admin listener against the real binaries with
// TELEGATE_ADMIN_TOKEN set on gateway and worker: the token is required,
// the gateway's gRPC calls carry it, /api/events streams snapshots whose
// error count follows injected emulator faults, /metrics parses strictly
// and counts webhooks, and the panel's API reaches the worker.
#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "testing/prometheus_text.h"
#include "tests/integration/stack.h"

namespace telegate::testing {
namespace {

using nlohmann::json;

constexpr char kAdminToken[] = "integration-admin-token-42";

std::unique_ptr<Stack> StartWithToken() {
  auto stack = Stack::Start({{"TELEGATE_ADMIN_TOKEN", kAdminToken}},
                            {{"TELEGATE_ADMIN_TOKEN", kAdminToken}});
  EXPECT_TRUE(stack.ok()) << stack.status();
  return stack.ok() ? std::move(*stack) : nullptr;
}

std::map<std::string, std::string> Bearer() {
  return {{"Authorization", absl::StrCat("Bearer ", kAdminToken)}};
}

TEST(AdminHttpIntegrationTest, TheAdminListenerRequiresTheToken) {
  auto stack = StartWithToken();
  ASSERT_NE(stack, nullptr);
  const int port = stack->admin_port();
  for (const char* path : {"/health", "/api/stats", "/api/events", "/metrics",
                           "/api/failed", "/api/webhook"}) {
    HttpReply r = Http(port, "GET", path);
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_EQ(r.Json()["error"], "admin token required") << path;
  }
  EXPECT_EQ(Http(port, "POST", "/restart_bot").status, 401);
  EXPECT_EQ(Http(port, "GET", "/").status, 200);  // the panel itself

  // The worker accepts the gateway's calls: they carry the token.
  HttpReply health = stack->Admin("GET", "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.Json()["worker_reachable"], true);
  ASSERT_EQ(stack->SendText(12, "with a token").Json()["status"], 200);
  ASSERT_TRUE(stack->WaitForSentMessages(1));

  // Sign in with the form, then use the cookie.
  httplib::Client client("127.0.0.1", port);
  httplib::Result login =
      client.Post("/login", httplib::Params{{"token", kAdminToken}});
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 303);
  std::string cookie = login->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  HttpReply stats = Http(port, "GET", "/api/stats", "", {{"Cookie", cookie}});
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(stats.Json()["updates_accepted"], 1);
  EXPECT_TRUE(stats.Json()["thread_states"].is_array());
  login = client.Post("/login", httplib::Params{{"token", "wrong-token-123"}});
  ASSERT_TRUE(login);
  EXPECT_EQ(login->get_header_value("Location"), "/?login=failed");

  EXPECT_EQ(stack->gateway().Output().find(kAdminToken), std::string::npos);
  EXPECT_EQ(stack->worker().Output().find(kAdminToken), std::string::npos);
}

TEST(AdminHttpIntegrationTest, EventsShowTheErrorCountRisingAfterFaults) {
  auto stack = StartWithToken();
  ASSERT_NE(stack, nullptr);
  std::atomic<int> events{0};
  std::atomic<int64_t> max_errors{-1};
  std::string last_event;  // read after the thread joined
  std::thread browser([&] {
    httplib::Client client("127.0.0.1", stack->admin_port());
    client.set_read_timeout(30, 0);
    std::string buffer;
    absl::Time deadline = absl::Now() + absl::Seconds(60);
    client.Get(
        "/api/events",
        httplib::Headers{
            {"Authorization", absl::StrCat("Bearer ", kAdminToken)}},
        [&](const char* data, size_t len) {
          buffer.append(data, len);
          size_t end;
          while ((end = buffer.find("\n\n")) != std::string::npos) {
            last_event = buffer.substr(0, end);
            buffer.erase(0, end + 2);
            json j =
                json::parse(last_event.substr(last_event.find("data: ") + 6),
                            nullptr, false);
            if (!j.is_object() || j.value("worker_reachable", false) != true) {
              continue;
            }
            ++events;
            max_errors = std::max<int64_t>(
                max_errors, j["health"]["error_count"].get<int64_t>());
          }
          return max_errors < 3 && absl::Now() < deadline;
        });
  });
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (events == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_GT(events.load(), 0) << "no status event";
  EXPECT_EQ(max_errors.load(), 0);
  HttpReply fault =
      stack->Emulator("POST", "/_emulator/faults",
                      R"({"method":"sendMessage","count":3,"error_code":400,)"
                      R"("description":"Bad Request: chat not found"})");
  ASSERT_EQ(fault.status, 200) << fault.body;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(stack->SendText(70 + i, "fail").Json()["status"], 200);
  }
  browser.join();
  EXPECT_GE(max_errors.load(), 3);
  EXPECT_NE(last_event.find("chat not found"), std::string::npos) << last_event;
  EXPECT_NE(last_event.find("\"recent_errors\":[{"), std::string::npos);
}

TEST(AdminHttpIntegrationTest, GatewayMetricsParseAndCountWebhooks) {
  auto stack = StartWithToken();
  ASSERT_NE(stack, nullptr);
  auto scrape = [&] {
    HttpReply r = Http(stack->admin_port(), "GET", "/metrics", "", Bearer());
    EXPECT_EQ(r.status, 200);
    auto parsed = ParsePrometheusText(r.body);
    EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << r.body;
    return parsed.ok() ? *parsed : std::map<std::string, PromFamily>();
  };
  auto value = [](const std::map<std::string, PromFamily>& f,
                  const std::string& family, const std::string& label,
                  const std::string& want) -> double {
    auto it = f.find(family);
    if (it == f.end()) return -1;
    for (const PromSample& s : it->second.samples) {
      if (label.empty() ||
          (s.labels.count(label) && s.labels.at(label) == want)) {
        return s.value;
      }
    }
    return -1;
  };
  auto before = scrape();
  double ok_before =
      value(before, "telegate_gateway_webhook_requests_total", "code", "200");
  ASSERT_GE(ok_before, 0);
  EXPECT_EQ(value(before, "telegate_gateway_worker_stream_connected", "", ""),
            1);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(stack->SendText(40 + i, "count me").Json()["status"], 200);
  }
  EXPECT_EQ(stack->PostWebhook("{}", "wrong-secret").status, 401);
  auto after = scrape();
  EXPECT_EQ(
      value(after, "telegate_gateway_webhook_requests_total", "code", "200"),
      ok_before + 2);
  EXPECT_GE(
      value(after, "telegate_gateway_webhook_requests_total", "code", "401"),
      1);
  EXPECT_GE(value(after, "telegate_gateway_acks_total", "result", "accepted"),
            2);
  EXPECT_EQ(after["telegate_gateway_webhook_duration_seconds"].type,
            "histogram");
}

TEST(AdminHttpIntegrationTest, PanelApiReachesTheWorker) {
  auto stack = StartWithToken();
  ASSERT_NE(stack, nullptr);
  const int port = stack->admin_port();
  stack->Emulator("POST", "/_emulator/faults",
                  R"({"method":"sendMessage","chat_id":91,"count":1,)"
                  R"("error_code":403,"description":"Forbidden: blocked"})");
  ASSERT_EQ(stack->SendText(91, "blocked?").Json()["status"], 200);
  json failed;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30);
       absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(50))) {
    failed = Http(port, "GET", "/api/failed", "", Bearer()).Json();
    if (failed.is_object() && !failed["deliveries"].empty()) break;
  }
  ASSERT_EQ(failed["deliveries"].size(), 1u) << failed.dump();
  EXPECT_EQ(failed["deliveries"][0]["params"]["chat_id"], 91);
  std::string retry = json{{"id", failed["deliveries"][0]["id"]}}.dump();
  EXPECT_EQ(Http(port, "POST", "/api/failed/retry", retry, Bearer()).status,
            200);
  EXPECT_EQ(Http(port, "POST", "/api/failed/retry", retry, Bearer()).status,
            404);
  ASSERT_TRUE(stack->WaitForSentMessages(1));

  HttpReply hook = Http(port, "GET", "/api/webhook", "", Bearer());
  EXPECT_EQ(hook.status, 200) << hook.body;
  EXPECT_NE(hook.Json()["url"].get<std::string>().find("/webhook"),
            std::string::npos);

  HttpReply play = Http(port, "POST", "/api/playground",
                        R"({"chat_id":31,"text":"echo me"})", Bearer());
  EXPECT_EQ(play.status, 200) << play.body;
  EXPECT_EQ(play.Json()["reply"], "echo me");
  EXPECT_EQ(play.Json()["ok"], true);
}

}  // namespace
}  // namespace telegate::testing
