// Three real workers behind one real gateway: one worker is killed (SIGKILL)
// mid-stream. Nothing acknowledged is lost (the killed worker's journal is
// replayed when it comes back), chats that did not live on the killed worker
// keep their order, and the chats that did move resume on the other two.
#include <signal.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gateway/chat_router.h"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"
#include "tests/integration/telegram_load.h"

namespace telegate::testing {
namespace {

TEST(MultiWorkerIntegrationTest, KillOneWorkerMidStream) {
  auto started = Stack::Start({}, {}, 3);
  ASSERT_TRUE(started.ok()) << started.status();
  Stack& s = **started;
  auto connected = [&] {
    return s.GatewayMetric("telegate_gateway_worker_stream_connected");
  };
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (connected() != 3 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(connected(), 3);

  // Which chats live on worker 1, by the gateway's own ranking.
  const std::vector<std::string> ids =
      absl::StrSplit(s.worker_address(), ',');
  const std::string victim = absl::StrCat("127.0.0.1:", s.grpc_port(1));
  const LoadShape shape{.chats = 60, .per_chat = 30, .connections = 20};
  std::set<int> moved;
  for (int c = 0; c < shape.chats; ++c) {
    std::string key = absl::StrCat("c:", TelegramLoad::ChatId(c));
    if (ids[gateway::RankWorkers(key, ids)[0]] == victim) moved.insert(c);
  }
  ASSERT_FALSE(moved.empty());
  ASSERT_LT(moved.size(), static_cast<size_t>(shape.chats));

  // Slow answers: were a chat's updates spread over workers, they would
  // overtake each other and the order checks below would see it.
  ASSERT_EQ(s.Emulator("POST", "/_emulator/faults",
                       R"({"method":"sendMessage","count":-1,"delay_ms":15})")
                .status,
            200);
  TelegramLoad load(&s, shape);
  load.Start();
  // Every chat is a third of the way through when the worker dies.
  while (load.acked() < shape.chats * shape.per_chat / 3) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  const int64_t acked_at_kill = load.acked();
  s.worker(1).Signal(SIGKILL);
  s.worker(1).Wait();
  load.Join();  // redelivers every 503 until another worker accepts it
  EXPECT_EQ(load.acked(), shape.chats * shape.per_chat);

  // Before the killed worker returns: the moved chats resumed elsewhere (the
  // last message of each was sent after the kill and is answered).
  std::set<std::string> echoed;
  deadline = absl::Now() + absl::Seconds(60);
  auto all_last_echoed = [&] {
    echoed.clear();
    for (const nlohmann::json& m : s.SentMessages()) echoed.insert(m["text"]);
    for (int c = 0; c < shape.chats; ++c) {
      if (!echoed.count(TelegramLoad::Text(c, shape.per_chat - 1))) {
        return false;
      }
    }
    return true;
  };
  while (!all_last_echoed() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(all_last_echoed());

  // The worker comes back with its journal: what it acknowledged but had
  // not answered yet is answered now. Nothing acknowledged is lost.
  ASSERT_TRUE(s.StartWorker(1).ok());
  ASSERT_TRUE(load.WaitForAllEchoes());
  EchoCheck check = load.Check();
  EXPECT_EQ(check.lost, 0);
  // Duplicates come from what the killed worker replays: an update it
  // committed but did not ack, which Telegram also redelivered to another
  // worker (at most one per connection in flight at the kill), or one it had
  // answered but not yet marked done. So at most what it replayed.
  int64_t replayed = 0;
  if (absl::StatusOr<nlohmann::json> line = s.worker(1).WaitForEvent(
          "journal_replayed", absl::Seconds(1));
      line.ok()) {
    replayed = line->value("count", int64_t{0});
  }
  EXPECT_LE(check.duplicated, replayed);
  RecordProperty("replayed", std::to_string(replayed));
  RecordProperty("duplicated", std::to_string(check.duplicated));
  for (int c : check.chats_out_of_order) {
    EXPECT_TRUE(moved.count(c)) << "chat " << c << " never moved";
  }
  // Mid-stream: the kill came before the last update was acknowledged.
  // (Whether a webhook was in flight to the victim at that instant, and so
  // answered 503 and redelivered, is timing: recorded, not asserted.)
  EXPECT_LT(acked_at_kill, shape.chats * shape.per_chat);
  RecordProperty("redeliveries", std::to_string(load.redeliveries()));
}

}  // namespace
}  // namespace telegate::testing
