// The worker's Admin API over a real gRPC channel to the real binary, as
// other internal services use it.
#include <grpcpp/grpcpp.h>

#include "gtest/gtest.h"
#include "telegate/v1/admin.grpc.pb.h"
#include "tests/integration/stack.h"

namespace telegate::testing {
namespace {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)

TEST(AdminGrpcTest, EveryRpcAnswersOnTheRealWorker) {
  absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start();
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto channel = grpc::CreateChannel((*stack)->worker_address(),
                                     grpc::InsecureChannelCredentials());
  auto admin = Admin::NewStub(channel);

  grpc::ClientContext c1;
  GetHealthResponse health;
  ASSERT_TRUE(admin->GetHealth(&c1, GetHealthRequest(), &health).ok());
  EXPECT_EQ(health.status(), "healthy");
  EXPECT_EQ(health.bot_status(), "OK");
  EXPECT_EQ(health.error_threshold(), 10);
  EXPECT_EQ(health.environment(), "integration");
  EXPECT_EQ(health.bot_username(), "telegate_emulator_bot");
  EXPECT_EQ(health.timestamp().back(), 'Z');

  ASSERT_EQ((*stack)->SendText(12, "count me").Json()["status"], 200);
  ASSERT_TRUE((*stack)->WaitForSentMessages(1));

  grpc::ClientContext c2;
  RestartBotResponse restart;
  ASSERT_TRUE(admin->RestartBot(&c2, RestartBotRequest(), &restart).ok());
  EXPECT_TRUE(restart.ok());
  EXPECT_EQ(restart.restart_count(), 1);

  grpc::ClientContext c3;
  ResetErrorsResponse reset;
  ASSERT_TRUE(admin->ResetErrors(&c3, ResetErrorsRequest(), &reset).ok());
  EXPECT_EQ(reset.error_count(), 0);

  grpc::ClientContext c4;
  GetStatsResponse stats;
  ASSERT_TRUE(admin->GetStats(&c4, GetStatsRequest(), &stats).ok());
  EXPECT_EQ(stats.updates_received(), 1);
  EXPECT_EQ(stats.updates_accepted(), 1);
  EXPECT_EQ(stats.restart_count(), 1);
  EXPECT_EQ(stats.threads(), 2);  // TELEGATE_WORKER_THREADS default: loops
  EXPECT_GE(stats.sends_ok(), 1);
}

}  // namespace
}  // namespace telegate::testing
