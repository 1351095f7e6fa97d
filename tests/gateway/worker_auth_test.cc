// The gateway's gRPC clients against a real in-process worker that requires
// an admin token: GrpcAdminBackend and WorkerLink send
// "authorization: Bearer <token>" on every call and stream; WatchStatus
// streams snapshots until told to stop; GatewayStats follows the stream.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/admin_backend.h"
#include "gateway/gateway_stats.h"
#include "gateway/worker_link.h"
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
using testing::Send;
using testing::WaitUntil;

constexpr char kToken[] = "worker-token-0123456789";

TEST(WorkerAuthTest, AdminCallsCarryTheToken) {
  auto w = testing::TestWorker::Start(0, kToken);
  GrpcAdminBackend good(w->channel, absl::Seconds(5), kToken);
  absl::StatusOr<telegate::v1::GetHealthResponse> health = good.GetHealth();
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_TRUE(good.GetStats().ok());
  absl::StatusOr<telegate::v1::ListFailedDeliveriesResponse> failed =
      good.ListFailedDeliveries(10);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->deliveries_size(), 0);
  EXPECT_TRUE(absl::IsNotFound(good.RetryFailedDelivery(12345)));

  for (const char* token : {"", "wrong-token-0123456789"}) {
    GrpcAdminBackend bad(w->channel, absl::Seconds(5), token);
    EXPECT_TRUE(absl::IsUnauthenticated(bad.GetHealth().status())) << token;
    EXPECT_TRUE(absl::IsUnauthenticated(bad.ListFailedDeliveries(1).status()));
    EXPECT_TRUE(absl::IsUnauthenticated(bad.RetryFailedDelivery(1)));
    EXPECT_TRUE(absl::IsUnauthenticated(bad.GetWebhookInfo().status()));
    absl::Status watch = bad.WatchStatus(
        absl::Milliseconds(50), [](const telegate::v1::StatusSnapshot&) {
          ADD_FAILURE() << "no snapshot without the token";
          return false;
        });
    EXPECT_TRUE(absl::IsUnauthenticated(watch)) << watch;
  }
}

TEST(WorkerAuthTest, WatchStatusStreamsUntilTheCallbackStops) {
  auto w = testing::TestWorker::Start(0, kToken);
  GrpcAdminBackend admin(w->channel, absl::Seconds(5), kToken);
  int snapshots = 0;
  absl::Time start = absl::Now();
  absl::Status status = admin.WatchStatus(
      absl::Milliseconds(100), [&](const telegate::v1::StatusSnapshot& s) {
        EXPECT_TRUE(s.has_health());
        EXPECT_EQ(s.stats().threads(), 2);
        return ++snapshots < 3;
      });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(snapshots, 3);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(WorkerAuthTest, WatchStatusFailsFastWithoutAWorker) {
  std::shared_ptr<grpc::Channel> channel;
  {
    auto w = testing::TestWorker::Start(0, kToken);
    channel = w->channel;
  }
  GrpcAdminBackend admin(channel, absl::Seconds(5), kToken);
  absl::Time start = absl::Now();
  absl::Status status = admin.WatchStatus(
      absl::Seconds(1),
      [](const telegate::v1::StatusSnapshot&) { return true; });
  EXPECT_FALSE(status.ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(WorkerAuthTest, TheUpdateStreamCarriesTheToken) {
  auto w = testing::TestWorker::Start(0, kToken);
  GatewayStats stats;
  WorkerLinkOptions options;
  options.auth_token = kToken;
  options.stats = &stats;
  WorkerLink link(w->channel, options);
  link.Start();
  ASSERT_TRUE(WaitUntil([&] { return link.connected(); }));
  EXPECT_EQ(stats.worker_stream_connected.load(), 1);
  absl::StatusOr<Ack> ack = Send(link, 1);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), Ack::ACCEPTED);
  EXPECT_EQ(stats.worker_stream_reconnects.load(), 0u);
  link.Stop();
  EXPECT_EQ(stats.worker_stream_connected.load(), 0);
}

TEST(WorkerAuthTest, AStreamWithoutTheTokenIsRefused) {
  auto w = testing::TestWorker::Start(0, kToken);
  GatewayStats stats;
  WorkerLinkOptions options;
  options.min_backoff = absl::Milliseconds(10);
  options.max_backoff = absl::Milliseconds(20);
  options.stats = &stats;
  WorkerLink link(w->channel, options);
  link.Start();
  // The worker closes each attempt: the link keeps reconnecting.
  ASSERT_TRUE(
      WaitUntil([&] { return stats.worker_stream_reconnects.load() >= 2; }));
  EXPECT_FALSE(Send(link, 1).ok());
  EXPECT_TRUE(w->api.CallsTo("sendMessage").empty());
}

}  // namespace
}  // namespace telegate::gateway
