// The worker's gRPC surface over a real channel: WorkerServer on
// 127.0.0.1:0 with the echo bot, a FakeBotApi and (mostly) a FakeJournal.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "telegate/v1/admin.grpc.pb.h"
#include "telegate/v1/updates.grpc.pb.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/fake_journal.h"
#include "tests/worker/wait_until.h"
#include "worker/echo_bot.h"
#include "worker/worker_server.h"

namespace telegate::worker {
namespace {

using telegate::v1::Ack;
using telegate::v1::AckBatch;
using telegate::v1::Update;
using telegate::v1::UpdateBatch;
using testing::FakeBotApi;
using testing::FakeJournal;
using testing::TextUpdate;
using testing::WaitUntil;

Update MakeUpdate(uint64_t seq, int64_t update_id, int64_t chat_id) {
  Update u;
  u.set_seq(seq);
  u.set_update_id(update_id);
  u.set_chat_key("c:" + std::to_string(chat_id));
  u.set_payload(TextUpdate(update_id, chat_id, "hi " + std::to_string(seq)).dump());
  return u;
}

class WorkerGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WorkerConfig config;
    config.grpc_listen = "127.0.0.1:0";
    config.threads = 2;
    config.error_threshold = 10;
    config.environment = "test-env";
    config.shutdown_grace_ms = 5000;
    auto journal = std::make_unique<FakeJournal>();
    journal_ = journal.get();
    server_ = std::make_unique<WorkerServer>(config, api_.MakeFactory(),
                                             std::make_unique<EchoBot>(),
                                             std::move(journal));
    absl::StatusOr<int> port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    ASSERT_GT(*port, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(*port),
                                   grpc::InsecureChannelCredentials());
    updates_ = telegate::v1::Updates::NewStub(channel_);
    admin_ = telegate::v1::Admin::NewStub(channel_);
  }

  void TearDown() override { server_->Shutdown(); }

  // Sends `updates` on one stream, half-closes and returns the acks by seq.
  std::map<uint64_t, Ack> Exchange(const std::vector<Update>& updates) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    auto stream = updates_->Stream(&context);
    for (const Update& u : updates) EXPECT_TRUE(stream->Write(u));
    stream->WritesDone();
    std::map<uint64_t, Ack> acks;
    Ack ack;
    while (stream->Read(&ack)) {
      EXPECT_TRUE(acks.emplace(ack.seq(), ack).second) << "two acks for seq";
    }
    grpc::Status status = stream->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return acks;
  }

  // As Exchange, over StreamBatches: `batches` messages, acks by seq;
  // `ack_messages` gets how many AckBatch messages carried them.
  std::map<uint64_t, Ack> ExchangeBatches(
      const std::vector<std::vector<Update>>& batches,
      int* ack_messages = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    auto stream = updates_->StreamBatches(&context);
    for (const std::vector<Update>& batch : batches) {
      UpdateBatch message;
      for (const Update& u : batch) *message.add_updates() = u;
      EXPECT_TRUE(stream->Write(message));
    }
    stream->WritesDone();
    std::map<uint64_t, Ack> acks;
    AckBatch message;
    int messages = 0;
    while (stream->Read(&message)) {
      ++messages;
      EXPECT_GT(message.acks_size(), 0) << "an empty AckBatch";
      for (const Ack& ack : message.acks()) {
        EXPECT_TRUE(acks.emplace(ack.seq(), ack).second) << "two acks for seq";
      }
    }
    grpc::Status status = stream->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (ack_messages != nullptr) *ack_messages = messages;
    return acks;
  }

  telegate::v1::GetHealthResponse Health() {
    grpc::ClientContext context;
    telegate::v1::GetHealthResponse response;
    grpc::Status s = admin_->GetHealth(&context, {}, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  telegate::v1::GetStatsResponse Stats() {
    grpc::ClientContext context;
    telegate::v1::GetStatsResponse response;
    grpc::Status s = admin_->GetStats(&context, {}, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  FakeBotApi api_;
  FakeJournal* journal_ = nullptr;  // owned by server_
  std::unique_ptr<WorkerServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<telegate::v1::Updates::Stub> updates_;
  std::unique_ptr<telegate::v1::Admin::Stub> admin_;
};

TEST_F(WorkerGrpcTest, StreamAcksEveryUpdateOnce) {
  std::vector<Update> updates;
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    updates.push_back(MakeUpdate(seq, 1000 + seq, seq % 3 == 0 ? -100 : 7));
  }
  std::map<uint64_t, Ack> acks = Exchange(updates);
  ASSERT_EQ(acks.size(), 20u);
  for (const auto& [seq, ack] : acks) {
    EXPECT_EQ(ack.result(), Ack::ACCEPTED) << seq;
    EXPECT_EQ(ack.update_id(), static_cast<int64_t>(1000 + seq));
  }
  EXPECT_TRUE(api_.WaitForCalls("sendMessage", 20));
  EXPECT_TRUE(WaitUntil([&] { return journal_->IsDone(1020); }));
}

TEST_F(WorkerGrpcTest, DuplicatesAndBadUpdates) {
  Update empty = MakeUpdate(3, 12, 7);
  empty.clear_payload();
  Update negative = MakeUpdate(4, -1, 7);
  Update zero = MakeUpdate(5, 0, 7);
  std::map<uint64_t, Ack> acks = Exchange(
      {MakeUpdate(1, 11, 7), MakeUpdate(2, 11, 7), empty, negative, zero});
  ASSERT_EQ(acks.size(), 5u);
  EXPECT_EQ(acks[1].result(), Ack::ACCEPTED);
  EXPECT_EQ(acks[2].result(), Ack::DUPLICATE);
  EXPECT_EQ(acks[3].result(), Ack::REJECTED);
  EXPECT_FALSE(acks[3].reason().empty());
  EXPECT_EQ(acks[4].result(), Ack::REJECTED);
  // update_id 0 is refused like the gateway refuses it, with a reason.
  EXPECT_EQ(acks[5].result(), Ack::REJECTED);
  EXPECT_EQ(acks[5].reason(), "update_id must be positive");
  EXPECT_FALSE(journal_->IsDone(0));
  // A redelivery on a new stream is still a duplicate.
  EXPECT_EQ(Exchange({MakeUpdate(1, 11, 7)})[1].result(), Ack::DUPLICATE);
  EXPECT_TRUE(api_.WaitForCalls("sendMessage", 1));
  EXPECT_EQ(Stats().updates_duplicate(), 2);
}

// A gateway one release older speaks only Stream, one update per message:
// every update is acknowledged, one Ack per message.
TEST_F(WorkerGrpcTest, OldGatewayOnTheSingleUpdateStream) {
  std::vector<Update> updates;
  for (uint64_t seq = 1; seq <= 50; ++seq) {
    updates.push_back(MakeUpdate(seq, 3000 + seq, seq % 5));
  }
  std::map<uint64_t, Ack> acks = Exchange(updates);  // one Ack each, by Read
  ASSERT_EQ(acks.size(), 50u);
  for (const auto& [seq, ack] : acks) {
    EXPECT_EQ(ack.result(), Ack::ACCEPTED) << seq;
    EXPECT_EQ(ack.update_id(), static_cast<int64_t>(3000 + seq));
  }
  EXPECT_TRUE(api_.WaitForCalls("sendMessage", 50));
}

TEST_F(WorkerGrpcTest, BatchesAreAckedOncePerUpdateInBatches) {
  std::vector<std::vector<Update>> batches(4);
  for (uint64_t seq = 1; seq <= 200; ++seq) {
    batches[seq % 4].push_back(MakeUpdate(seq, 5000 + seq, seq % 7));
  }
  batches[1].push_back(MakeUpdate(201, 5001, 1));  // a duplicate
  batches[2].push_back(MakeUpdate(202, 0, 1));     // refused
  int ack_messages = 0;
  std::map<uint64_t, Ack> acks = ExchangeBatches(batches, &ack_messages);
  ASSERT_EQ(acks.size(), 202u);
  for (uint64_t seq = 1; seq <= 200; ++seq) {
    EXPECT_EQ(acks[seq].result(), Ack::ACCEPTED) << seq;
    EXPECT_EQ(acks[seq].update_id(), static_cast<int64_t>(5000 + seq));
  }
  EXPECT_EQ(acks[201].result(), Ack::DUPLICATE);
  EXPECT_EQ(acks[202].result(), Ack::REJECTED);
  EXPECT_GE(ack_messages, 1);
  EXPECT_TRUE(api_.WaitForCalls("sendMessage", 200));
}

// The worker sends its initial metadata before any ack: a gateway learns
// that the stream is open before it delivers anything.
TEST_F(WorkerGrpcTest, BatchStreamAnnouncesItselfAtOnce) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  auto stream = updates_->StreamBatches(&context);
  stream->WaitForInitialMetadata();  // would hang without it
  stream->WritesDone();
  AckBatch message;
  EXPECT_FALSE(stream->Read(&message));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(WorkerGrpcTest, HealthReportsTheBot) {
  telegate::v1::GetHealthResponse h = Health();
  EXPECT_EQ(h.status(), "healthy");
  EXPECT_EQ(h.bot_status(), "OK");
  EXPECT_EQ(h.error_count(), 0);
  EXPECT_EQ(h.error_threshold(), 10);
  EXPECT_EQ(h.restart_count(), 0);
  EXPECT_EQ(h.environment(), "test-env");
  EXPECT_EQ(h.bot_username(), "fake_bot");
  EXPECT_GE(h.uptime_seconds(), 0);
  ASSERT_FALSE(h.timestamp().empty());
  EXPECT_EQ(h.timestamp().back(), 'Z');
  EXPECT_EQ(h.timestamp()[10], 'T');
}

TEST_F(WorkerGrpcTest, StatsCountProcessedUpdates) {
  Exchange({MakeUpdate(1, 21, 7), MakeUpdate(2, 22, 8), MakeUpdate(3, 23, 9)});
  ASSERT_TRUE(api_.WaitForCalls("sendMessage", 3));
  ASSERT_TRUE(WaitUntil([&] { return Stats().updates_processed() == 3; }));
  telegate::v1::GetStatsResponse s = Stats();
  EXPECT_EQ(s.updates_received(), 3);
  EXPECT_EQ(s.updates_accepted(), 3);
  EXPECT_EQ(s.updates_failed(), 0);
  EXPECT_EQ(s.sends_ok(), 3);
  EXPECT_EQ(s.sends_failed(), 0);
  EXPECT_EQ(s.queue_depth(), 0);
  EXPECT_EQ(s.parked_chats(), 0);
  EXPECT_EQ(s.updates_replayed(), 0);
  EXPECT_EQ(s.threads(), 2);
}

TEST_F(WorkerGrpcTest, ErrorsShowInHealthAndResetErrorsClearsThem) {
  api_.FailNext(2, FakeBotApi::Failure(403, "Forbidden: bot was blocked"),
                "sendMessage");
  Exchange({MakeUpdate(1, 31, 7), MakeUpdate(2, 32, 7)});
  ASSERT_TRUE(WaitUntil([&] { return Health().error_count() == 2; }));
  telegate::v1::GetHealthResponse h = Health();
  EXPECT_EQ(h.bot_status(), "sendMessage: 403 Forbidden: bot was blocked");
  EXPECT_EQ(h.status(), "healthy");  // below the threshold
  EXPECT_EQ(Stats().sends_failed(), 2);

  grpc::ClientContext context;
  telegate::v1::ResetErrorsResponse reset;
  ASSERT_TRUE(admin_->ResetErrors(&context, {}, &reset).ok());
  EXPECT_EQ(reset.error_count(), 0);
  EXPECT_EQ(Health().bot_status(), "OK");
}

TEST_F(WorkerGrpcTest, RestartBotCountsAndRechecksGetMe) {
  grpc::ClientContext context;
  telegate::v1::RestartBotResponse restart;
  ASSERT_TRUE(admin_->RestartBot(&context, {}, &restart).ok());
  EXPECT_TRUE(restart.ok());
  EXPECT_EQ(restart.restart_count(), 1);
  EXPECT_EQ(restart.bot_status(), "OK");
  EXPECT_EQ(Health().restart_count(), 1);
  EXPECT_EQ(api_.CallsTo("getMe").size(), 2u);

  api_.FailNext(1, FakeBotApi::Failure(401, "Unauthorized"), "getMe");
  grpc::ClientContext again;
  ASSERT_TRUE(admin_->RestartBot(&again, {}, &restart).ok());
  EXPECT_FALSE(restart.ok());
  EXPECT_EQ(restart.restart_count(), 2);
  EXPECT_EQ(restart.bot_status(), "getMe: 401 Unauthorized");
  EXPECT_EQ(Health().status(), "unhealthy");
}

// grpc.health.v1.Health/Check through a generic stub (the health proto's
// generated header is not installed): the empty request is zero bytes and
// the answer {status: SERVING} is the two bytes 08 01.
TEST_F(WorkerGrpcTest, GrpcHealthServiceIsServing) {
  grpc::GenericStub stub(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::ByteBuffer request, response;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &request, &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  ASSERT_TRUE(status.ok()) << status.error_message();
  grpc::Slice slice;
  ASSERT_TRUE(response.DumpToSingleSlice(&slice).ok());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(slice.begin()),
                        slice.size()),
            std::string("\x08\x01", 2));
}

}  // namespace
}  // namespace telegate::worker
