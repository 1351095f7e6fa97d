// WorkerLink against real in-process gRPC servers on loopback: the real
// worker (WorkerServer + echo bot + FakeBotApi + in-memory journal), a
// worker one release older (only the one-update-per-message Stream), a
// silent one that never acknowledges, one that holds its first read to show
// batching, and a TCP forwarder that turns into a black hole.
#include "gateway/worker_link.h"
#include "gateway/worker_pool.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "testing/tcp_forwarder.h"
#include "gtest/gtest.h"
#include "tests/gateway/test_worker.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/fake_journal.h"
#include "tests/worker/wait_until.h"
#include "worker/echo_bot.h"
#include "worker/worker_server.h"

namespace telegate::gateway {
namespace {

using telegate::v1::Ack;
using telegate::v1::AckBatch;
using telegate::v1::Update;
using telegate::v1::UpdateBatch;
using testing::Send;
using testing::WaitUntil;

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  grpc::ChannelArguments args;  // reconnect fast so tests stay short
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

WorkerLinkOptions Options(absl::Duration ack_timeout) {
  WorkerLinkOptions o;
  o.ack_timeout = ack_timeout;
  o.min_backoff = absl::Milliseconds(20);
  o.max_backoff = absl::Milliseconds(200);
  return o;
}

// Not delivered: certainly not sent (kFailedPrecondition) or possibly sent
// but not acknowledged (kUnavailable).
bool NotDelivered(const absl::Status& s) {
  return absl::IsFailedPrecondition(s) || absl::IsUnavailable(s);
}

// A port nothing listens on: bound by the OS, then released.
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Reads updates and never answers.
class SilentUpdates final : public telegate::v1::Updates::Service {
 public:
  grpc::Status Stream(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<Ack, telegate::v1::Update>* stream) override {
    telegate::v1::Update update;
    while (stream->Read(&update)) received.fetch_add(1);
    return grpc::Status::OK;
  }
  std::atomic<int> received{0};
};

// A worker one release older: only Stream, one Ack per Update, ACCEPTED.
class OldWorkerUpdates final : public telegate::v1::Updates::Service {
 public:
  grpc::Status Stream(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<Ack, Update>* stream) override {
    Update update;
    while (stream->Read(&update)) {
      messages.fetch_add(1);
      Ack ack;
      ack.set_seq(update.seq());
      ack.set_update_id(update.update_id());
      ack.set_result(Ack::ACCEPTED);
      if (!stream->Write(ack)) break;
    }
    return grpc::Status::OK;
  }
  std::atomic<int> messages{0};
};

// Current protocol, but the first Read waits for `gate`: a write in flight
// stays in flight (flow control), so what the link queues meanwhile shows.
class GatedBatchUpdates final : public telegate::v1::Updates::Service {
 public:
  grpc::Status StreamBatches(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<AckBatch, UpdateBatch>* stream) override {
    stream->SendInitialMetadata();
    gate.WaitForNotificationWithTimeout(absl::Seconds(30));
    UpdateBatch batch;
    while (stream->Read(&batch)) {
      AckBatch acks;
      for (const Update& u : batch.updates()) {
        Ack* ack = acks.add_acks();
        ack->set_seq(u.seq());
        ack->set_update_id(u.update_id());
        ack->set_result(Ack::ACCEPTED);
      }
      {
        absl::MutexLock lock(&mu);
        sizes.push_back(batch.updates_size());
      }
      if (!stream->Write(acks)) break;
    }
    return grpc::Status::OK;
  }
  absl::Notification gate;
  absl::Mutex mu;
  std::vector<int> sizes ABSL_GUARDED_BY(mu);  // updates per message
};

std::unique_ptr<grpc::Server> Serve(grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           port);
  builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

// Delivers without waiting; the answer lands in `results[i]`.
struct Results {
  absl::Mutex mu;
  std::vector<absl::StatusOr<Ack>> acks ABSL_GUARDED_BY(mu);
  UpdateSink::DeliverCallback Callback() {
    return [this](absl::StatusOr<Ack> ack) {
      absl::MutexLock lock(&mu);
      acks.push_back(std::move(ack));
    };
  }
  size_t size() {
    absl::MutexLock lock(&mu);
    return acks.size();
  }
  int Accepted() {
    absl::MutexLock lock(&mu);
    int n = 0;
    for (const auto& a : acks) n += a.ok() && a->result() == Ack::ACCEPTED;
    return n;
  }
};

void DeliverAsync(WorkerLink& link, int64_t update_id, Results& results,
                  size_t padding = 0) {
  std::string body = testing::TextUpdate(update_id, 5, "hi").dump();
  absl::StatusOr<ParsedUpdate> parsed = ParseUpdate(body);
  ASSERT_TRUE(parsed.ok());
  body.append(padding, ' ');
  link.Deliver(*parsed, std::move(body), results.Callback());
}

TEST(WorkerLinkTest, DeliversToARealWorker) {
  auto worker = testing::TestWorker::Start(0);
  WorkerLink link(ChannelTo(worker->port), Options(absl::Seconds(10)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  absl::StatusOr<Ack> ack = Send(link, 1);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), Ack::ACCEPTED);
  EXPECT_EQ(ack->update_id(), 1);
  ack = Send(link, 1);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), Ack::DUPLICATE);
  EXPECT_TRUE(worker->api.WaitForCalls("sendMessage", 1));
}

TEST(WorkerLinkTest, ConcurrentDeliveriesGetTheirOwnAcks) {
  auto worker = testing::TestWorker::Start(0);
  WorkerLink link(ChannelTo(worker->port), Options(absl::Seconds(10)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  std::atomic<int> accepted{0}, mismatched{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        int64_t id = 100 + t * 25 + i;
        absl::StatusOr<Ack> ack = Send(link, id);
        if (ack.ok() && ack->result() == Ack::ACCEPTED) accepted.fetch_add(1);
        if (ack.ok() && ack->update_id() != id) mismatched.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 200);
  EXPECT_EQ(mismatched.load(), 0);
  EXPECT_TRUE(worker->api.WaitForCalls("sendMessage", 200));
}

TEST(WorkerLinkTest, NotStartedOrStoppedFailsFast) {
  WorkerLink link(ChannelTo(ClosedPort()), Options(absl::Seconds(10)));
  EXPECT_TRUE(absl::IsFailedPrecondition(Send(link, 1).status()));
  link.Start();
  link.Stop();
  EXPECT_TRUE(absl::IsFailedPrecondition(Send(link, 2).status()));
  EXPECT_FALSE(link.connected());
  link.Stop();  // idempotent
}

// A stopped stream's reactor holds the channel too. If its reference were
// the last, gRPC 1.51 would shut its callback threads down from one of them
// and free their queue twice (seen as an ASan double free at exit). With no
// server in the process, the channel is the only user of those threads, so
// every round here is a chance for that order.
TEST(WorkerLinkTest, StoppingNeverLeavesTheLastChannelToAGrpcThread) {
  for (int round = 0; round < 30; ++round) {
    auto link = std::make_unique<WorkerLink>(ChannelTo(ClosedPort()),
                                             Options(absl::Seconds(10)));
    link->Start();
    absl::SleepFor(absl::Milliseconds(5));  // the attempt is under way
    link->Stop();
    link.reset();
  }
}

TEST(WorkerLinkTest, NoWorkerListeningFailsFast) {
  WorkerLink link(ChannelTo(ClosedPort()), Options(absl::Seconds(10)));
  link.Start();
  for (int i = 0; i < 5; ++i) {
    absl::Time start = absl::Now();
    absl::Status status = Send(link, i + 1).status();
    EXPECT_TRUE(NotDelivered(status)) << status;
    EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  }
}

TEST(WorkerLinkTest, AckTimeoutIsDeadlineExceeded) {
  SilentUpdates service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  WorkerLink link(ChannelTo(port), Options(absl::Milliseconds(200)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  EXPECT_TRUE(absl::IsDeadlineExceeded(Send(link, 1).status()));
  link.Stop();
  server->Shutdown(std::chrono::system_clock::now());
}

TEST(WorkerLinkTest, PendingDeliverFailsWhenTheWorkerGoesAway) {
  SilentUpdates service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  WorkerLink link(ChannelTo(port), Options(absl::Seconds(30)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));

  absl::Status result;
  absl::Time start = absl::Now();
  std::thread pending([&] { result = Send(link, 1).status(); });
  ASSERT_TRUE(WaitUntil([&] { return service.received.load() == 1; }));
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(100));
  pending.join();
  EXPECT_TRUE(absl::IsUnavailable(result)) << result;  // sent, not acked
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // not the ack timeout
  EXPECT_TRUE(NotDelivered(Send(link, 2).status()));
}

TEST(WorkerLinkTest, ReconnectsWhenTheWorkerComesBack) {
  auto worker = testing::TestWorker::Start(0);
  const int port = worker->port;
  WorkerLink link(ChannelTo(port), Options(absl::Seconds(10)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  ASSERT_TRUE(Send(link, 1).ok());

  worker->server->Shutdown();
  for (int64_t id = 2; id <= 4; ++id) {
    absl::Status status = Send(link, id).status();
    EXPECT_TRUE(NotDelivered(status)) << status;
  }
  EXPECT_TRUE(WaitUntil([&] { return !link.connected(); }));

  worker = testing::TestWorker::Start(port);
  ASSERT_EQ(worker->port, port);
  int64_t id = 10;
  bool delivered = WaitUntil([&] {
    if (!link.connected()) return false;
    absl::StatusOr<Ack> ack = Send(link, id++);
    return ack.ok() && ack->result() == Ack::ACCEPTED;
  }, absl::Seconds(15));
  EXPECT_TRUE(delivered);
  EXPECT_TRUE(worker->api.WaitForCalls("sendMessage", 1));
}

}  // namespace
}  // namespace telegate::gateway

namespace telegate::gateway {
namespace {

TEST(WorkerLinkTest, AnOlderWorkerGetsOneUpdatePerMessage) {
  OldWorkerUpdates service;
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(&service, &port);
  ASSERT_NE(server, nullptr);
  WorkerLink link(ChannelTo(port), Options(absl::Seconds(10)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  EXPECT_TRUE(link.single_update_stream());
  Results results;
  for (int64_t id = 1; id <= 100; ++id) DeliverAsync(link, id, results);
  ASSERT_TRUE(WaitUntil([&] { return results.size() == 100; }));
  EXPECT_EQ(results.Accepted(), 100);
  EXPECT_EQ(service.messages.load(), 100);
  link.Stop();
  server->Shutdown(std::chrono::system_clock::now());
}

TEST(WorkerLinkTest, ABusyStreamBatches) {
  GatedBatchUpdates service;
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(&service, &port);
  ASSERT_NE(server, nullptr);
  WorkerLink link(ChannelTo(port), Options(absl::Seconds(30)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  EXPECT_FALSE(link.single_update_stream());
  Results results;
  // 16 MB cannot leave before the worker reads: the write stays in flight
  // while the next twenty are delivered.
  DeliverAsync(link, 1, results, 16 << 20);
  for (int64_t id = 2; id <= 21; ++id) DeliverAsync(link, id, results);
  service.gate.Notify();
  ASSERT_TRUE(WaitUntil([&] { return results.size() == 21; }));
  EXPECT_EQ(results.Accepted(), 21);
  absl::MutexLock lock(&service.mu);
  EXPECT_EQ(service.sizes, (std::vector<int>{1, 20}));
  link.Stop();
  server->Shutdown(std::chrono::system_clock::now());
}

// A worker host that vanishes without a TCP reset: keepalive pings find
// out, the link reports the stream closed, and reconnects once the path
// works again.
TEST(WorkerLinkTest, NoticesABlackHoleAndRecovers) {
  auto worker = testing::TestWorker::Start(0);
  auto forwarder = testing::TcpForwarder::Start(worker->port);
  ASSERT_TRUE(forwarder.ok()) << forwarder.status();
  WorkerLink link(MakeWorkerChannel(absl::StrCat("127.0.0.1:",
                                                 (*forwarder)->port())),
                  Options(absl::Seconds(10)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  ASSERT_TRUE(Send(link, 1).ok());

  (*forwarder)->BlackHole(true);
  absl::Time start = absl::Now();
  ASSERT_TRUE(WaitUntil([&] { return !link.connected(); }, absl::Seconds(30)));
  std::cout << "black hole noticed after " << absl::Now() - start << "\n";

  (*forwarder)->BlackHole(false);
  start = absl::Now();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }, absl::Seconds(30)));
  std::cout << "stream open again after " << absl::Now() - start << "\n";
  absl::StatusOr<Ack> ack = Send(link, 2);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), Ack::ACCEPTED);
}

// With the production channel settings: the stream is open again soon
// after a restarted worker listens (printed), and the first update goes.
TEST(WorkerLinkTest, ReopensSoonAfterAWorkerRestart) {
  auto worker = testing::TestWorker::Start(0);
  const int port = worker->port;
  WorkerLink link(MakeWorkerChannel(absl::StrCat("127.0.0.1:", port)),
                  Options(absl::Seconds(10)));
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  worker->server->Shutdown();
  worker.reset();
  ASSERT_TRUE(WaitUntil([&] { return !link.connected(); }));
  EXPECT_TRUE(absl::IsFailedPrecondition(Send(link, 1).status()));

  worker = testing::TestWorker::Start(port);
  ASSERT_EQ(worker->port, port);
  absl::Time start = absl::Now();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }, absl::Seconds(30)));
  std::cout << "stream open " << absl::Now() - start
            << " after the worker listened\n";
  absl::StatusOr<Ack> ack = Send(link, 2);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), Ack::ACCEPTED);
}

}  // namespace
}  // namespace telegate::gateway
