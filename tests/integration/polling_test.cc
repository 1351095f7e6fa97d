// Polling mode end to end: the gateway long-polls the emulator's getUpdates
// (no webhook set), delivers to the worker, the echo bot answers. A gateway
// killed with SIGKILL mid-stream loses nothing: the emulator serves the
// unconfirmed updates again and the worker's dedup drops the repeats.
#include <signal.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"

namespace telegate::testing {
namespace {

constexpr int kChats = 20, kPerChat = 15;

std::string Text(int chat, int i) {
  return absl::StrCat("chat ", chat, " #", i);
}

TEST(PollingTest, EchoesEverythingOnceInOrderAcrossAGatewayKill) {
  // A small worker queue makes the gateway back off (OVERLOADED), and a
  // global send rate plus the emulator's latency spread the stream over
  // seconds, so the kill lands in the middle of it.
  absl::StatusOr<std::unique_ptr<Stack>> started =
      Stack::Start({{"TELEGATE_QUEUE_LIMIT", "20"},
                    {"TELEGATE_RATE_LIMITS", "on"},
                    {"TELEGATE_RATE_GLOBAL_PER_SECOND", "100"},
                    {"TELEGATE_RATE_CHAT_INTERVAL_MS", "1"}},
                   {{"TELEGATE_MODE", "polling"},
                    {"TELEGATE_BOT_TOKEN", kToken},
                    {"TELEGATE_POLL_TIMEOUT_SECONDS", "5"}});
  ASSERT_TRUE(started.ok()) << started.status();
  Stack& stack = **started;
  ASSERT_TRUE(
      stack.gateway().WaitForEvent("polling_started", absl::Seconds(20)).ok());

  // The gateway switched Telegram to polling, keeping pending updates.
  nlohmann::json deletes =
      stack.Emulator("GET", "/_emulator/calls?method=deleteWebhook").Json();
  ASSERT_GE(deletes["calls"].size(), 1u) << deletes.dump();
  EXPECT_EQ(deletes["calls"][0]["params"]["drop_pending_updates"], false);
  EXPECT_EQ(deletes["calls"][0]["http_status"], 200);

  // Every Bot API answer takes 200 ms, so each chat's 15 replies take at
  // least 3 s: the kill after 60 replies lands in the middle of the stream
  // however fast the pipeline is, and the restarted gateway has updates
  // left to poll and deliver.
  ASSERT_EQ(stack.Emulator("POST", "/_emulator/latency", R"({"ms":200})")
                .status,
            200);
  for (int i = 0; i < kPerChat; ++i) {
    for (int c = 0; c < kChats; ++c) {
      HttpReply r = stack.SendText(5000 + c, Text(c, i));
      ASSERT_EQ(r.status, 200) << r.body;
      ASSERT_EQ(r.Json().value("queued", false), true) << r.body;
    }
  }
  ASSERT_TRUE(stack.WaitForSentMessages(60));
  stack.gateway().Signal(SIGKILL);
  stack.gateway().Wait();
  const size_t sent_at_kill = stack.SentMessages().size();
  EXPECT_LT(sent_at_kill, static_cast<size_t>(kChats * kPerChat))
      << "the kill must land in the middle of the stream";
  ASSERT_TRUE(stack.RestartGateway().ok());
  ASSERT_TRUE(stack.WaitForSentMessages(kChats * kPerChat))
      << "sent at kill: " << sent_at_kill << "\ngateway:\n"
      << stack.gateway().Output().substr(0, 6000) << "\nworker:\n"
      << stack.worker().Output().substr(0, 6000)
      << "\nsent now: " << stack.SentMessages().size()
      << "\nwebhook: " << stack.Emulator("GET", "/_emulator/webhook").body
      << "\npolls: "
      << stack.Emulator("GET", "/_emulator/calls?method=getUpdates")
             .body.substr(0, 3000);

  // The second gateway switched to polling too.
  deletes =
      stack.Emulator("GET", "/_emulator/calls?method=deleteWebhook").Json();
  EXPECT_EQ(deletes["calls"].size(), 2u);

  // Wait for the queue to settle, then count exactly.
  nlohmann::json info;
  for (int i = 0; i < 500; ++i) {
    info = stack.Emulator("GET", "/_emulator/webhook").Json();
    if (info.value("pending_update_count", -1) == 0) break;
    absl::SleepFor(absl::Milliseconds(20));  // polling a condition
  }
  EXPECT_EQ(info.value("pending_update_count", -1), 0) << info.dump();
  std::vector<nlohmann::json> sent = stack.SentMessages();
  EXPECT_EQ(sent.size(), static_cast<size_t>(kChats * kPerChat))
      << "sent at kill: " << sent_at_kill;
  std::map<int64_t, std::vector<std::string>> by_chat;
  for (const nlohmann::json& m : sent) {
    by_chat[m["chat_id"].get<int64_t>()].push_back(m["text"]);
  }
  ASSERT_EQ(by_chat.size(), static_cast<size_t>(kChats));
  for (int c = 0; c < kChats; ++c) {
    const std::vector<std::string>& texts = by_chat[5000 + c];
    ASSERT_EQ(texts.size(), static_cast<size_t>(kPerChat)) << "chat " << c;
    for (int i = 0; i < kPerChat; ++i) EXPECT_EQ(texts[i], Text(c, i));
  }
  // The restarted gateway's /metrics count what it polled and delivered.
  EXPECT_GT(stack.GatewayMetric("telegate_gateway_poll_requests_total"), 0);
  EXPECT_GT(stack.GatewayMetric("telegate_gateway_poll_delivered_total"), 0);
  EXPECT_EQ(stack.GatewayMetric("telegate_gateway_poll_skipped_total"), 0);
  std::cerr << "polling_test: " << sent_at_kill
            << " echoes sent when the gateway was killed\n";
}

}  // namespace
}  // namespace telegate::testing
