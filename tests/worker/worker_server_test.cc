// WorkerServer as a whole over real gRPC on 127.0.0.1: failed deliveries
// through the Admin API, the SQLite journal across a restart, and the
// listener's exclusivity.
#include "worker/worker_server.h"

#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "telegate/v1/admin.grpc.pb.h"
#include "telegate/v1/updates.grpc.pb.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/fake_journal.h"
#include "tests/worker/wait_until.h"
#include "worker/echo_bot.h"

namespace telegate::worker {
namespace {

using telegate::v1::Ack;
using testing::FakeBotApi;
using testing::WaitUntil;

WorkerConfig Config(int port = 0, std::string data_dir = "") {
  WorkerConfig config;
  config.grpc_listen = absl::StrCat("127.0.0.1:", port);
  config.threads = 2;
  config.shutdown_grace_ms = 5000;
  config.data_dir = std::move(data_dir);
  config.environment = "test";
  return config;
}

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::InsecureChannelCredentials());
}

// Sends one update on a fresh stream and returns its ack.
Ack SendOne(const std::shared_ptr<grpc::Channel>& channel, int64_t update_id) {
  auto stub = telegate::v1::Updates::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  auto stream = stub->Stream(&context);
  telegate::v1::Update update;
  update.set_seq(1);
  update.set_update_id(update_id);
  update.set_chat_key("c:5");
  update.set_payload(testing::TextUpdate(update_id, 5, "hi").dump());
  EXPECT_TRUE(stream->Write(update));
  stream->WritesDone();
  Ack ack;
  EXPECT_TRUE(stream->Read(&ack));
  while (stream->Read(&ack)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
  return ack;
}

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "telegate-test-XXXXXX")
            .string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(WorkerServerTest, FailedDeliveriesAreListedAndRetried) {
  FakeBotApi api;
  WorkerServer server(Config(), api.MakeFactory(), std::make_unique<EchoBot>(),
                      std::make_unique<testing::FakeJournal>());
  absl::StatusOr<int> port = server.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  auto channel = ChannelTo(*port);
  auto admin = telegate::v1::Admin::NewStub(channel);

  api.FailNext(1, FakeBotApi::Failure(403, "Forbidden: bot was blocked"),
               "sendMessage");
  ASSERT_EQ(SendOne(channel, 41).result(), Ack::ACCEPTED);
  telegate::v1::ListFailedDeliveriesResponse list;
  ASSERT_TRUE(WaitUntil([&] {
    grpc::ClientContext context;
    list.Clear();
    return admin->ListFailedDeliveries(&context, {}, &list).ok() &&
           list.deliveries_size() == 1;
  }));
  const telegate::v1::FailedDelivery& failed = list.deliveries(0);
  EXPECT_EQ(failed.update_id(), 41);
  EXPECT_EQ(failed.chat_key(), "c:5");
  EXPECT_EQ(failed.method(), "sendMessage");
  EXPECT_EQ(failed.error_code(), 403);
  EXPECT_EQ(failed.reason(), "sendMessage: 403 Forbidden: bot was blocked");
  EXPECT_EQ(nlohmann::json::parse(failed.params_json())["text"], "hi");
  ASSERT_FALSE(failed.failed_at().empty());
  EXPECT_EQ(failed.failed_at().back(), 'Z');

  grpc::ClientContext retry_context;
  telegate::v1::RetryFailedDeliveryRequest retry;
  retry.set_id(failed.id());
  telegate::v1::RetryFailedDeliveryResponse queued;
  ASSERT_TRUE(admin->RetryFailedDelivery(&retry_context, retry, &queued).ok());
  EXPECT_TRUE(queued.queued());
  EXPECT_TRUE(api.WaitForCalls("sendMessage", 2));
  EXPECT_EQ(api.CallsTo("sendMessage")[1].params["text"], "hi");

  grpc::ClientContext again;
  grpc::Status missing = admin->RetryFailedDelivery(&again, retry, &queued);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  server.Shutdown();
}

TEST(WorkerServerTest, AcceptedUpdateIsADuplicateAfterARestart) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  int port = 0;
  {
    FakeBotApi api;
    WorkerServer server(Config(0, dir.path()), api.MakeFactory(),
                        std::make_unique<EchoBot>());
    absl::StatusOr<int> bound = server.Start();
    ASSERT_TRUE(bound.ok()) << bound.status();
    port = *bound;
    EXPECT_EQ(SendOne(ChannelTo(port), 77).result(), Ack::ACCEPTED);
    EXPECT_TRUE(api.WaitForCalls("sendMessage", 1));
    server.Shutdown();
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/journal.db"));
  FakeBotApi api;
  WorkerServer server(Config(0, dir.path()), api.MakeFactory(),
                      std::make_unique<EchoBot>());
  absl::StatusOr<int> bound = server.Start();
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_EQ(SendOne(ChannelTo(*bound), 77).result(), Ack::DUPLICATE);
  EXPECT_EQ(SendOne(ChannelTo(*bound), 78).result(), Ack::ACCEPTED);
  EXPECT_TRUE(api.WaitForCalls("sendMessage", 1));
  server.Shutdown();
  EXPECT_EQ(api.CallsTo("sendMessage").size(), 1u);  // 78 only
}

TEST(WorkerServerTest, UnusableDataDirFailsStart) {
  FakeBotApi api;
  WorkerServer server(Config(0, "/proc/telegate-no-such-dir"),
                      api.MakeFactory(), std::make_unique<EchoBot>());
  EXPECT_FALSE(server.Start().ok());
  server.Shutdown();  // harmless after a failed start
}

// Known bug (see the test report): gRPC servers set SO_REUSEPORT by default,
// so a second worker binds the same port silently and the kernel splits the
// gateways' connections between the two. gateway/ avoids this for HTTP
// (common/http_listen.h); worker_server.cc should pass
// GRPC_ARG_ALLOW_REUSEPORT=0. Enable once fixed.
TEST(WorkerServerTest, SecondWorkerOnTheSamePortFailsToStart) {
  FakeBotApi api;
  WorkerServer first(Config(), api.MakeFactory(), std::make_unique<EchoBot>(),
                     std::make_unique<testing::FakeJournal>());
  absl::StatusOr<int> port = first.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  WorkerServer second(Config(*port), api.MakeFactory(),
                      std::make_unique<EchoBot>(),
                      std::make_unique<testing::FakeJournal>());
  EXPECT_FALSE(second.Start().ok());
}

}  // namespace
}  // namespace telegate::worker

namespace telegate::worker {
namespace {

TEST(WorkerServerTest, BotApiDownAtStartIsPickedUpLater) {
  testing::FakeBotApi api;
  api.FailNext(2, testing::FakeBotApi::Failure(502, "Bad Gateway"), "getMe");
  WorkerServer server(Config(), api.MakeFactory(), std::make_unique<EchoBot>(),
                      std::make_unique<testing::FakeJournal>());
  absl::StatusOr<int> port = server.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  auto admin = telegate::v1::Admin::NewStub(ChannelTo(*port));
  auto health = [&] {
    grpc::ClientContext context;
    telegate::v1::GetHealthResponse h;
    EXPECT_TRUE(admin->GetHealth(&context, {}, &h).ok());
    return h;
  };
  // getMe is retried (after 1 s, then 2 s) without an operator.
  ASSERT_TRUE(WaitUntil([&] { return health().status() == "healthy"; }));
  EXPECT_EQ(api.CallsTo("getMe").size(), 3u);
  EXPECT_EQ(health().restart_count(), 0);
}

}  // namespace
}  // namespace telegate::worker
