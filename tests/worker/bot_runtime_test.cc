#include "worker/bot_runtime.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/worker/fake_bot_api.h"

namespace telegate::worker {
namespace {

using testing::FakeBotApi;

TEST(BotRuntimeTest, BeforeInitializeTheBotIsStarting) {
  FakeBotApi api;
  BotRuntime runtime(&api, 10);
  BotSnapshot s = runtime.Snapshot();
  EXPECT_FALSE(s.ready);
  EXPECT_EQ(s.bot_status, "starting");
  EXPECT_EQ(s.error_threshold, 10);
  EXPECT_TRUE(api.calls().empty());
}

TEST(BotRuntimeTest, InitializeChecksIdentityWithGetMe) {
  FakeBotApi api;
  BotRuntime runtime(&api, 10);
  uint64_t before = runtime.generation();
  ASSERT_TRUE(runtime.Initialize().ok());
  EXPECT_EQ(api.CallsTo("getMe").size(), 1u);
  EXPECT_GT(runtime.generation(), before);
  BotSnapshot s = runtime.Snapshot();
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(s.bot_status, "OK");
  EXPECT_EQ(s.bot_username, "fake_bot");
  EXPECT_EQ(s.restart_count, 0);
  EXPECT_EQ(s.error_count, 0);
}

TEST(BotRuntimeTest, FailingGetMeLeavesTheBotNotReady) {
  FakeBotApi api;
  api.FailNext(1, FakeBotApi::Failure(401, "Unauthorized"), "getMe");
  BotRuntime runtime(&api, 10);
  absl::Status status = runtime.Initialize();
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  BotSnapshot s = runtime.Snapshot();
  EXPECT_FALSE(s.ready);
  EXPECT_EQ(s.bot_status, "getMe: 401 Unauthorized");
  EXPECT_EQ(s.restart_count, 0);

  // A later successful restart makes it ready again.
  ASSERT_TRUE(runtime.Restart("manual").ok());
  s = runtime.Snapshot();
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(s.bot_status, "OK");
  EXPECT_EQ(s.restart_count, 1);
}

TEST(BotRuntimeTest, NetworkFailureOfGetMeIsUnavailable) {
  FakeBotApi api;
  ApiResult down;
  down.description = "network error: Connection";
  api.FailNext(1, down, "getMe");
  BotRuntime runtime(&api, 10);
  EXPECT_TRUE(absl::IsUnavailable(runtime.Initialize()));
  EXPECT_EQ(runtime.Snapshot().bot_status, "getMe: network error: Connection");
}

TEST(BotRuntimeTest, TenErrorsInARowRestartExactlyOnce) {
  FakeBotApi api;
  BotRuntime runtime(&api, 10);
  ASSERT_TRUE(runtime.Initialize().ok());
  uint64_t generation = runtime.generation();
  for (int i = 1; i <= 9; ++i) runtime.RecordError("error " + std::to_string(i));
  EXPECT_EQ(runtime.Snapshot().restart_count, 0);
  EXPECT_EQ(runtime.generation(), generation);
  EXPECT_EQ(runtime.Snapshot().bot_status, "error 9");

  runtime.RecordError("error 10");
  BotSnapshot s = runtime.Snapshot();
  EXPECT_EQ(s.restart_count, 1);
  EXPECT_EQ(runtime.generation(), generation + 1);
  EXPECT_EQ(api.CallsTo("getMe").size(), 2u);
  // The restart does not clear the count; the next success does.
  EXPECT_EQ(s.error_count, 10);

  for (int i = 11; i <= 19; ++i) runtime.RecordError("e");
  EXPECT_EQ(runtime.Snapshot().restart_count, 1);
  runtime.RecordError("e");
  EXPECT_EQ(runtime.Snapshot().restart_count, 2);
  EXPECT_EQ(api.CallsTo("getMe").size(), 3u);
}

TEST(BotRuntimeTest, SuccessResetsTheErrorRun) {
  FakeBotApi api;
  BotRuntime runtime(&api, 10);
  ASSERT_TRUE(runtime.Initialize().ok());
  for (int i = 0; i < 9; ++i) runtime.RecordError("e");
  runtime.RecordSuccess();
  EXPECT_EQ(runtime.Snapshot().error_count, 0);
  EXPECT_EQ(runtime.Snapshot().bot_status, "OK");
  for (int i = 0; i < 9; ++i) runtime.RecordError("e");
  EXPECT_EQ(runtime.Snapshot().error_count, 9);
  EXPECT_EQ(runtime.Snapshot().restart_count, 0);
}

TEST(BotRuntimeTest, ResetErrorsClearsTheCount) {
  FakeBotApi api;
  BotRuntime runtime(&api, 10);
  ASSERT_TRUE(runtime.Initialize().ok());
  for (int i = 0; i < 5; ++i) runtime.RecordError("sendMessage: 500 oops");
  EXPECT_EQ(runtime.Snapshot().bot_status, "sendMessage: 500 oops");
  runtime.ResetErrors();
  BotSnapshot s = runtime.Snapshot();
  EXPECT_EQ(s.error_count, 0);
  EXPECT_EQ(s.bot_status, "OK");
  EXPECT_EQ(s.restart_count, 0);
}

TEST(BotRuntimeTest, ManualRestartCountsAndBumpsGeneration) {
  FakeBotApi api;
  BotRuntime runtime(&api, 10);
  ASSERT_TRUE(runtime.Initialize().ok());
  uint64_t generation = runtime.generation();
  api.FailNext(1, FakeBotApi::Failure(500, "Internal Server Error"), "getMe");
  EXPECT_FALSE(runtime.Restart("admin").ok());
  EXPECT_FALSE(runtime.Snapshot().ready);
  EXPECT_EQ(runtime.Snapshot().restart_count, 1);
  EXPECT_EQ(runtime.generation(), generation + 1);
}

TEST(BotRuntimeTest, NewClientComesFromTheFactory) {
  FakeBotApi api;
  BotRuntime runtime(&api, 10);
  int before = api.clients_created();
  std::unique_ptr<BotApiClient> a = runtime.NewClient();
  std::unique_ptr<BotApiClient> b = runtime.NewClient();
  EXPECT_EQ(api.clients_created(), before + 2);
}

}  // namespace
}  // namespace telegate::worker
