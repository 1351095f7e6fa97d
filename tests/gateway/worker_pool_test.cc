// WorkerPool against three real in-process workers on loopback: each chat
// sticks to its ranked worker, a stopped worker's chats move to the others
// (and back when it returns), DNS targets follow the resolver.
#include "gateway/worker_pool.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/chat_router.h"
#include "gtest/gtest.h"
#include "tests/gateway/test_worker.h"
#include "tests/worker/wait_until.h"

namespace telegate::gateway {
namespace {

using telegate::v1::Ack;
using testing::TestWorker;
using testing::WaitUntil;

std::shared_ptr<grpc::Channel> FastChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

WorkerPoolOptions Options(std::vector<std::string> targets) {
  WorkerPoolOptions o;
  o.targets = std::move(targets);
  o.link.min_backoff = absl::Milliseconds(20);
  o.link.max_backoff = absl::Milliseconds(200);
  o.make_channel = FastChannel;
  return o;
}

std::string Address(const TestWorker& w) {
  return absl::StrCat("127.0.0.1:", w.port);
}

absl::StatusOr<Ack> SendTo(WorkerPool& pool, int64_t update_id,
                           int64_t chat_id) {
  std::string body = testing::TextUpdate(update_id, chat_id, "hi").dump();
  absl::StatusOr<ParsedUpdate> parsed = ParseUpdate(body);
  if (!parsed.ok()) return parsed.status();
  return testing::DeliverAndWait(pool, *parsed, body);
}

bool Connected(const WorkerPool& pool, const std::string& address) {
  for (const WorkerState& w : pool.Workers()) {
    if (w.address == address) return w.connected;
  }
  return false;
}

bool AllConnected(const WorkerPool& pool) {
  for (const WorkerState& w : pool.Workers()) {
    if (!w.connected) return false;
  }
  return true;
}

// chat id -> which of `workers` echoed it (-1: none, -2: several).
std::map<int64_t, int> WhoAnswered(
    const std::vector<std::unique_ptr<TestWorker>>& workers) {
  std::map<int64_t, int> owner;
  for (int w = 0; w < static_cast<int>(workers.size()); ++w) {
    if (workers[w] == nullptr) continue;
    for (const auto& call : workers[w]->api.CallsTo("sendMessage")) {
      int64_t chat = call.params["chat_id"].get<int64_t>();
      auto [it, inserted] = owner.emplace(chat, w);
      if (!inserted && it->second != w) it->second = -2;
    }
  }
  return owner;
}

class WorkerPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      workers_.push_back(TestWorker::Start());
      addresses_.push_back(Address(*workers_.back()));
    }
  }
  // The index into workers_ that ranks first for `chat_id` among `alive`.
  int Owner(int64_t chat_id, const std::vector<int>& alive) {
    std::vector<std::string> ids;
    for (int i : alive) ids.push_back(addresses_[i]);
    return alive[RankWorkers(absl::StrCat("c:", chat_id), ids)[0]];
  }
  std::vector<std::unique_ptr<TestWorker>> workers_;
  std::vector<std::string> addresses_;
};

TEST_F(WorkerPoolTest, EachChatSticksToItsRankedWorker) {
  WorkerPool pool(Options(addresses_));
  ASSERT_TRUE(pool.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return AllConnected(pool); }));
  EXPECT_TRUE(pool.AnyStreamOpen());
  int64_t id = 1;
  for (int round = 0; round < 3; ++round) {
    for (int64_t chat = 1; chat <= 30; ++chat) {
      absl::StatusOr<Ack> ack = SendTo(pool, id++, chat);
      ASSERT_TRUE(ack.ok()) << ack.status();
      EXPECT_EQ(ack->result(), Ack::ACCEPTED);
    }
  }
  ASSERT_TRUE(WaitUntil([&] {
    size_t n = 0;
    for (auto& w : workers_) n += w->api.CallsTo("sendMessage").size();
    return n == 90;
  }));
  std::map<int64_t, int> owner = WhoAnswered(workers_);
  std::set<int> used;
  for (int64_t chat = 1; chat <= 30; ++chat) {
    EXPECT_EQ(owner[chat], Owner(chat, {0, 1, 2})) << "chat " << chat;
    used.insert(owner[chat]);
  }
  EXPECT_EQ(used.size(), 3u);  // 30 chats do not all land on one worker
}

TEST_F(WorkerPoolTest, AStoppedWorkersChatsMoveAndComeBack) {
  WorkerPool pool(Options(addresses_));
  ASSERT_TRUE(pool.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return AllConnected(pool); }));
  const int port1 = workers_[1]->port;
  workers_[1]->server->Shutdown();
  workers_[1].reset();
  ASSERT_TRUE(WaitUntil([&] { return !Connected(pool, addresses_[1]); }));

  int64_t id = 1;
  for (int64_t chat = 1; chat <= 30; ++chat) {
    absl::StatusOr<Ack> ack = SendTo(pool, id++, chat);
    ASSERT_TRUE(ack.ok()) << ack.status();
    EXPECT_EQ(ack->result(), Ack::ACCEPTED);
  }
  ASSERT_TRUE(WaitUntil([&] {
    return workers_[0]->api.CallsTo("sendMessage").size() +
               workers_[2]->api.CallsTo("sendMessage").size() ==
           30;
  }));
  std::map<int64_t, int> owner = WhoAnswered(workers_);
  int moved = 0;
  for (int64_t chat = 1; chat <= 30; ++chat) {
    int before = Owner(chat, {0, 1, 2});
    int now = Owner(chat, {0, 2});
    EXPECT_EQ(owner[chat], now) << "chat " << chat;
    if (before != 1) EXPECT_EQ(now, before) << "chat " << chat;  // unmoved
    if (before == 1) ++moved;
  }
  EXPECT_GT(moved, 0);

  // The worker returns on its port: its chats go back to it.
  workers_[1] = TestWorker::Start(port1);
  ASSERT_TRUE(WaitUntil([&] { return AllConnected(pool); },
                        absl::Seconds(15)));
  for (int64_t chat = 1; chat <= 30; ++chat) {
    if (Owner(chat, {0, 1, 2}) != 1) continue;
    ASSERT_TRUE(SendTo(pool, id++, chat).ok());
    EXPECT_TRUE(workers_[1]->api.WaitForCalls("sendMessage", 1));
  }
}

TEST_F(WorkerPoolTest, NoWorkerConnectedIsUnavailable) {
  WorkerPool pool(Options({"127.0.0.1:1"}));
  ASSERT_TRUE(pool.Start().ok());
  EXPECT_FALSE(pool.AnyStreamOpen());
  absl::StatusOr<Ack> ack = SendTo(pool, 1, 1);
  EXPECT_TRUE(absl::IsUnavailable(ack.status())) << ack.status();
  pool.Stop();
  EXPECT_FALSE(pool.AnyStreamOpen());
  EXPECT_TRUE(absl::IsUnavailable(SendTo(pool, 2, 1).status()));
}

TEST_F(WorkerPoolTest, DnsTargetFollowsTheResolver) {
  absl::Mutex mu;
  std::vector<std::string> answer = {addresses_[0], addresses_[1]};
  int lookups = 0;
  WorkerPoolOptions options = Options({"dns:///workers.test:50051"});
  options.resolve_interval = absl::Milliseconds(20);
  options.resolve = [&](const std::string& host, int port)
      -> absl::StatusOr<std::vector<std::string>> {
    EXPECT_EQ(host, "workers.test");
    EXPECT_EQ(port, 50051);
    absl::MutexLock lock(&mu);
    ++lookups;
    if (answer.empty()) return absl::UnavailableError("NXDOMAIN");
    return answer;
  };
  WorkerPool pool(options);
  ASSERT_TRUE(pool.Start().ok());
  EXPECT_EQ(pool.Workers().size(), 2u);
  {
    absl::MutexLock lock(&mu);
    answer = addresses_;
  }
  EXPECT_TRUE(WaitUntil([&] { return pool.Workers().size() == 3; }));
  EXPECT_TRUE(WaitUntil([&] { return AllConnected(pool); }));
  int failed_from;
  {
    absl::MutexLock lock(&mu);
    answer.clear();  // a failed lookup keeps what we have
    failed_from = lookups;
  }
  EXPECT_TRUE(WaitUntil([&] {
    absl::MutexLock lock(&mu);
    return lookups >= failed_from + 3;
  }));
  EXPECT_EQ(pool.Workers().size(), 3u);
  {
    absl::MutexLock lock(&mu);
    answer = {addresses_[2]};
  }
  EXPECT_TRUE(WaitUntil([&] { return pool.Workers().size() == 1; }));
  EXPECT_EQ(pool.Workers()[0].address, addresses_[2]);
  EXPECT_TRUE(WaitUntil([&] { return SendTo(pool, 7, 3).ok(); }));
  EXPECT_TRUE(workers_[2]->api.WaitForCalls("sendMessage", 1));
}

TEST(WorkerTargetsTest, ParsesListsAndNamesTheBadEntry) {
  absl::StatusOr<std::vector<std::string>> t =
      ParseWorkerTargets(" 10.0.0.1:50051, worker-b:50051 ,dns:///w:7000");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, (std::vector<std::string>{"10.0.0.1:50051", "worker-b:50051",
                                          "dns:///w:7000"}));
  EXPECT_TRUE(ParseWorkerTargets("[::1]:5").ok());
  for (const char* bad : {"", " , ", "a:1,a:1", "nohost", "h:0", "dns:///x",
                          "h:99999"}) {
    absl::StatusOr<std::vector<std::string>> r = ParseWorkerTargets(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(absl::StrContains(r.status().message(),
                                  "TELEGATE_WORKER_ADDRESS"))
        << r.status();
  }
}

TEST(WorkerTargetsTest, ResolveAllFindsLoopback) {
  absl::StatusOr<std::vector<std::string>> a = ResolveAll("127.0.0.1", 9);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a, std::vector<std::string>{"127.0.0.1:9"});
  EXPECT_FALSE(ResolveAll("no-such-host.invalid", 9).ok());
}

}  // namespace
}  // namespace telegate::gateway
