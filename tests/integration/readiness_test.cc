// Readiness and liveness of the update stream through the real binaries:
// /readyz and /health say ready only while a worker stream is open, a
// webhook sent the moment they do is accepted (at start and after a worker
// restart), and a worker connection that goes silent without a reset (a
// TcpForwarder turned black hole) is noticed. Prints the reconnect and
// detection times it measures; asserts outcomes within generous deadlines.
#include <signal.h>

#include <iostream>
#include <optional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"
#include "testing/tcp_forwarder.h"

namespace telegate::testing {
namespace {

constexpr absl::Duration kDeadline = absl::Seconds(30);

std::string TextUpdateBody(int64_t update_id, int64_t chat_id) {
  return nlohmann::json{
      {"update_id", update_id},
      {"message",
       {{"message_id", update_id},
        {"date", 1700000000},
        {"chat", {{"id", chat_id}, {"type", "private"}}},
        {"from", {{"id", chat_id}, {"is_bot", false}, {"first_name", "T"}}},
        {"text", absl::StrCat("ready ", update_id)}}}}
      .dump();
}

// Polls GET /readyz until its status is `want`; the time it took, or
// nullopt after the deadline.
std::optional<absl::Duration> WaitForReadyz(Stack& s, int want) {
  absl::Time start = absl::Now();
  while (absl::Now() - start < kDeadline) {
    if (s.Public("GET", "/readyz").status == want) return absl::Now() - start;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return std::nullopt;
}

TEST(ReadinessTest, ReadyMeansAWebhookIsAcceptedAtStartAndAfterARestart) {
  auto started = Stack::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  Stack& s = **started;
  ASSERT_TRUE(WaitForReadyz(s, 200).has_value());
  EXPECT_EQ(s.Public("GET", "/healthz").status, 200);
  HttpReply health = s.Admin("GET", "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.Json()["worker_reachable"], true);
  EXPECT_EQ(s.PostWebhook(TextUpdateBody(1, 77)).status, 200);

  s.worker().Signal(SIGKILL);
  s.worker().Wait();
  ASSERT_TRUE(WaitForReadyz(s, 503).has_value());
  EXPECT_EQ(s.Public("GET", "/healthz").status, 200);  // still alive
  health = s.Admin("GET", "/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.Json()["worker_reachable"], false);

  ASSERT_TRUE(s.StartWorker().ok());  // returns once the worker listens
  std::optional<absl::Duration> back = WaitForReadyz(s, 200);
  ASSERT_TRUE(back.has_value());
  HttpReply first = s.PostWebhook(TextUpdateBody(2, 77));
  EXPECT_EQ(first.status, 200) << first.body;
  std::cout << "ready again " << *back << " after the worker listened\n";
  EXPECT_TRUE(s.WaitForSentMessages(2));
}

TEST(ReadinessTest, ASilentlyDroppedWorkerConnectionIsNoticed) {
  std::unique_ptr<TcpForwarder> forwarder;
  auto started = Stack::Start({}, {}, 1, [&](int, int grpc_port) {
    if (forwarder == nullptr) forwarder = *TcpForwarder::Start(grpc_port);
    return absl::StrCat("127.0.0.1:", forwarder->port());
  });
  ASSERT_TRUE(started.ok()) << started.status();
  Stack& s = **started;
  ASSERT_TRUE(WaitForReadyz(s, 200).has_value());
  EXPECT_EQ(s.PostWebhook(TextUpdateBody(1, 78)).status, 200);

  forwarder->BlackHole(true);
  std::optional<absl::Duration> noticed = WaitForReadyz(s, 503);
  ASSERT_TRUE(noticed.has_value());
  std::cout << "black hole noticed after " << *noticed << "\n";
  EXPECT_EQ(s.Public("GET", "/healthz").status, 200);
  EXPECT_EQ(s.PostWebhook(TextUpdateBody(2, 78)).status, 503);

  forwarder->BlackHole(false);
  std::optional<absl::Duration> back = WaitForReadyz(s, 200);
  ASSERT_TRUE(back.has_value());
  std::cout << "ready again " << *back << " after the path healed\n";
  EXPECT_EQ(s.PostWebhook(TextUpdateBody(3, 78)).status, 200);
}

}  // namespace
}  // namespace telegate::testing
