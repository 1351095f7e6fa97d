// Delivery guarantees with the real binaries: nothing acknowledged is lost
// across kill -9 and SIGTERM, duplicates are answered once, one chat's flood
// wait does not hold up others, permanent failures are recorded, and a full
// queue answers 503 with bounded memory.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "telegate/v1/admin.grpc.pb.h"
#include "tests/integration/stack.h"
#include "tests/integration/telegram_load.h"

namespace telegate::testing {
namespace {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)

std::unique_ptr<Stack> StartStack(std::map<std::string, std::string> env = {}) {
  absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start(std::move(env));
  EXPECT_TRUE(stack.ok()) << stack.status();
  return stack.ok() ? std::move(*stack) : nullptr;
}

std::unique_ptr<Admin::Stub> AdminStub(Stack& stack) {
  return Admin::NewStub(grpc::CreateChannel(
      stack.worker_address(), grpc::InsecureChannelCredentials()));
}

GetStatsResponse Stats(Stack& stack) {
  grpc::ClientContext context;
  GetStatsResponse stats;
  EXPECT_TRUE(AdminStub(stack)->GetStats(&context, {}, &stats).ok());
  return stats;
}

void WaitForAcked(const TelegramLoad& load, int64_t n) {
  while (load.acked() < n) absl::SleepFor(absl::Milliseconds(5));
}

std::string Message(int64_t update_id, int64_t chat_id, const std::string& text) {
  return nlohmann::json{
      {"update_id", update_id},
      {"message", {{"message_id", 1}, {"date", 1700000000},
                   {"chat", {{"id", chat_id}, {"type", "private"}}},
                   {"text", text}}}}
      .dump();
}

TEST(DeliveryTest, KillNineMidStreamLosesNothingAcknowledged) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  TelegramLoad load(stack.get(), {.chats = 60, .per_chat = 50,
                                  .connections = 8});
  load.Start();
  WaitForAcked(load, 1000);
  stack->worker().Signal(SIGKILL);
  stack->worker().Wait();
  ASSERT_TRUE(stack->StartWorker().ok());
  load.Join();
  ASSERT_EQ(load.acked(), 3000);
  ASSERT_TRUE(load.WaitForAllEchoes()) << "lost: " << load.Check().lost;
  EchoCheck check = load.Check();
  EXPECT_EQ(check.lost, 0);
  EXPECT_EQ(check.out_of_order, 0);
  // Only updates in flight at the kill (replayed from the journal) may be
  // answered twice.
  int64_t replayed = Stats(*stack).updates_replayed();
  EXPECT_LE(check.duplicated, replayed);
  EXPECT_GT(load.redeliveries(), 0);  // the kill really interrupted the stream
  RecordProperty("replayed", std::to_string(replayed));
  RecordProperty("duplicated", std::to_string(check.duplicated));
}

TEST(DeliveryTest, SigtermUnderLoadLosesNothing) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  TelegramLoad load(stack.get(), {.chats = 40, .per_chat = 40,
                                  .connections = 8});
  load.Start();
  WaitForAcked(load, 500);
  stack->worker().Signal(SIGTERM);
  EXPECT_EQ(stack->worker().Wait(), 0);
  ASSERT_TRUE(stack->StartWorker().ok());
  load.Join();
  ASSERT_TRUE(load.WaitForAllEchoes()) << "lost: " << load.Check().lost;
  EchoCheck check = load.Check();
  EXPECT_EQ(check.lost, 0);
  EXPECT_EQ(check.out_of_order, 0);
  EXPECT_EQ(check.duplicated, 0);  // a graceful stop marks what it finished
}

TEST(DeliveryTest, SameUpdateThroughTwoGatewaysIsEchoedOnce) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  absl::StatusOr<int> second = stack->StartExtraGateway();
  ASSERT_TRUE(second.ok()) << second.status();
  std::string update = Message(4242, 61, "twice, two doors");
  EXPECT_EQ(stack->PostWebhook(update).status, 200);
  HttpReply again = stack->PostWebhookTo(*second, update);
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.Json().value("duplicate", false));
  ASSERT_TRUE(stack->WaitForSentMessages(1));
  // A later update on the same chat proves the first one was finished.
  EXPECT_EQ(stack->PostWebhookTo(*second, Message(4243, 61, "next")).status,
            200);
  ASSERT_TRUE(stack->WaitForSentMessages(2));
  std::vector<nlohmann::json> sent = stack->SentMessages();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0]["text"], "twice, two doors");
  EXPECT_EQ(sent[1]["text"], "next");
}

TEST(DeliveryTest, FloodWaitPausesOnlyThatChat) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  ASSERT_EQ(stack->Emulator("POST", "/_emulator/faults",
                            R"({"method":"sendMessage","chat_id":71,"count":1,)"
                            R"("error_code":429,"retry_after":2})")
                .status,
            200);
  ASSERT_EQ(stack->PostWebhook(Message(1, 71, "slow chat")).status, 200);
  for (int c = 0; c < 5; ++c) {
    ASSERT_EQ(stack->PostWebhook(Message(10 + c, 80 + c, "fast chat")).status,
              200);
  }
  ASSERT_TRUE(stack->WaitForSentMessages(6));
  nlohmann::json calls =
      stack->Emulator("GET", "/_emulator/calls?method=sendMessage").Json();
  int64_t flood_at = -1, retried_at = -1, last_other = -1;
  for (const nlohmann::json& call : calls["calls"]) {
    int64_t chat = call["params"]["chat_id"];
    int64_t t = call["time_us"];
    if (chat == 71 && call["http_status"] == 429) flood_at = t;
    if (chat == 71 && call["http_status"] == 200) retried_at = t;
    if (chat != 71) last_other = std::max(last_other, t);
  }
  ASSERT_GE(flood_at, 0);
  ASSERT_GE(retried_at, 0);
  EXPECT_GE(retried_at - flood_at, 2'000'000);  // no earlier than retry_after
  EXPECT_LT(last_other, retried_at);  // the other chats did not wait for it
  GetStatsResponse stats = Stats(*stack);
  EXPECT_EQ(stats.flood_waits(), 1);
  EXPECT_EQ(stats.error_count(), 0);  // a flood wait is not an error
}

TEST(DeliveryTest, PermanentFailureIsNotRetriedAndCanBeRetriedByHand) {
  auto stack = StartStack();
  ASSERT_NE(stack, nullptr);
  stack->Emulator("POST", "/_emulator/faults",
                  R"({"method":"sendMessage","chat_id":91,"count":1,)"
                  R"("error_code":403,)"
                  R"("description":"Forbidden: bot was blocked by the user"})");
  ASSERT_EQ(stack->PostWebhook(Message(1, 91, "blocked?")).status, 200);
  ASSERT_EQ(stack->PostWebhook(Message(2, 91, "after")).status, 200);
  ASSERT_TRUE(stack->WaitForSentMessages(1));  // "after" went out
  nlohmann::json calls = stack->Emulator(
      "GET", "/_emulator/calls?method=sendMessage").Json()["calls"];
  ASSERT_EQ(calls.size(), 2u);  // one refused attempt, no retry, then "after"
  EXPECT_EQ(calls[0]["http_status"], 403);
  EXPECT_EQ(calls[1]["params"]["text"], "after");

  auto admin = AdminStub(*stack);
  grpc::ClientContext c1;
  ListFailedDeliveriesResponse list;
  ASSERT_TRUE(admin->ListFailedDeliveries(&c1, {}, &list).ok());
  ASSERT_EQ(list.deliveries_size(), 1);
  const FailedDelivery& failed = list.deliveries(0);
  EXPECT_EQ(failed.update_id(), 1);
  EXPECT_EQ(failed.method(), "sendMessage");
  EXPECT_EQ(failed.error_code(), 403);
  EXPECT_NE(failed.reason().find("bot was blocked"), std::string::npos);

  grpc::ClientContext c2;
  RetryFailedDeliveryRequest retry;
  retry.set_id(failed.id());
  RetryFailedDeliveryResponse queued;
  ASSERT_TRUE(admin->RetryFailedDelivery(&c2, retry, &queued).ok());
  EXPECT_TRUE(queued.queued());
  ASSERT_TRUE(stack->WaitForSentMessages(2));
  EXPECT_EQ(stack->SentMessages()[1]["text"], "blocked?");
  grpc::ClientContext c3;
  RetryFailedDeliveryResponse again;
  EXPECT_EQ(admin->RetryFailedDelivery(&c3, retry, &again).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(DeliveryTest, FullQueueAnswers503AndMemoryStaysBounded) {
  auto stack = StartStack({{"TELEGATE_QUEUE_LIMIT", "20"}});
  ASSERT_NE(stack, nullptr);
  // Every send hangs (two minutes, far longer than the test needs, so the
  // queue cannot drain however slowly it runs), so the queue fills up.
  stack->Emulator("POST", "/_emulator/faults",
                  R"({"method":"sendMessage","count":-1,"delay_ms":120000})");
  int ok = 0, overloaded = 0, next = 0;
  std::string retry_after;
  auto push = [&](int n) {
    for (int i = 0; i < n; ++i, ++next) {
      // 20 KB per update: the echoed text plus a field the bot ignores.
      nlohmann::json update =
          nlohmann::json::parse(Message(100 + next, 2000 + next, "full?"));
      update["message"]["padding"] = std::string(20000, 'x');
      HttpReply r = stack->PostWebhook(update.dump());
      if (r.status == 200) ++ok;
      if (r.status == 503) {
        ++overloaded;
        retry_after = r.headers["Retry-After"];
      }
    }
  };
  // A first round warms up allocator caches (and a sanitizer's quarantine);
  // the second, as hard again, must not grow the worker's memory.
  push(3000);
  int64_t rss_before = stack->worker().RssKb();
  push(3000);
  int64_t rss_after = stack->worker().RssKb();
  EXPECT_GE(ok, 20);  // the queue filled up to its limit
  EXPECT_GT(overloaded, 5000);  // and then refused nearly everything
  EXPECT_EQ(ok + overloaded, 6000);
  EXPECT_EQ(retry_after, "1");
  // 3000 more refused 20 KB updates must not accumulate: keeping them would
  // take 60 MB. The bound leaves room for allocator (and sanitizer) caches.
  EXPECT_LT(rss_after - rss_before, 8 * 1024)
      << rss_before << " KiB -> " << rss_after << " KiB";
  stack->Emulator("DELETE", "/_emulator/faults");
  // Answer the calls still held now; the rest of the queue follows.
  ASSERT_EQ(stack->Emulator("POST", "/_emulator/flush").status, 200);
  ASSERT_TRUE(stack->WaitForSentMessages(ok));
}

}  // namespace
}  // namespace telegate::testing
