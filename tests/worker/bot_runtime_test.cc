#include "worker/bot_runtime.h"

#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "http/event_loop.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/wait_until.h"

namespace telegate::worker {
namespace {

using testing::FakeBotApi;
using testing::WaitUntil;

// BotRuntime bound to one loop the way UpdateProcessor binds it: a new
// generation gives the loop a fresh client, getMe goes through it.
class BotRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.Start("test-loop").ok());
    runtime_.Bind(
        [this](uint64_t) {
          loop_.Post([this] { client_ = api_.Create(&loop_); });
        },
        [this](std::function<void(ApiResult)> done) {
          loop_.Post([this, done = std::move(done)]() mutable {
            client_->Call("getMe", nlohmann::json::object(), std::move(done));
          });
        });
  }
  void TearDown() override {
    absl::Notification cleared;
    loop_.Post([&] {
      client_.reset();
      cleared.Notify();
    });
    cleared.WaitForNotification();
    loop_.Stop();
  }

  FakeBotApi api_;
  http::EventLoop loop_;
  std::unique_ptr<AsyncBotApiClient> client_;  // loop thread only
  BotRuntime runtime_{10};
};

TEST_F(BotRuntimeTest, BeforeInitializeTheBotIsStarting) {
  BotSnapshot s = runtime_.Snapshot();
  EXPECT_FALSE(s.ready);
  EXPECT_EQ(s.bot_status, "starting");
  EXPECT_EQ(s.error_threshold, 10);
  EXPECT_TRUE(api_.calls().empty());
}

TEST_F(BotRuntimeTest, InitializeChecksIdentityWithGetMe) {
  uint64_t before = runtime_.generation();
  ASSERT_TRUE(runtime_.InitializeAndWait().ok());
  EXPECT_EQ(api_.CallsTo("getMe").size(), 1u);
  EXPECT_GT(runtime_.generation(), before);
  BotSnapshot s = runtime_.Snapshot();
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(s.bot_status, "OK");
  EXPECT_EQ(s.bot_username, "fake_bot");
  EXPECT_EQ(s.restart_count, 0);
  EXPECT_EQ(s.error_count, 0);
}

TEST_F(BotRuntimeTest, FailingGetMeLeavesTheBotNotReady) {
  api_.FailNext(1, FakeBotApi::Failure(401, "Unauthorized"), "getMe");
  absl::Status status = runtime_.InitializeAndWait();
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  BotSnapshot s = runtime_.Snapshot();
  EXPECT_FALSE(s.ready);
  EXPECT_EQ(s.bot_status, "getMe: 401 Unauthorized");
  EXPECT_EQ(s.restart_count, 0);

  // A later successful restart makes it ready again.
  ASSERT_TRUE(runtime_.RestartAndWait("manual").ok());
  s = runtime_.Snapshot();
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(s.bot_status, "OK");
  EXPECT_EQ(s.restart_count, 1);
}

TEST_F(BotRuntimeTest, NetworkFailureOfGetMeIsUnavailable) {
  ApiResult down;
  down.description = "network error: Connection";
  api_.FailNext(1, down, "getMe");
  EXPECT_TRUE(absl::IsUnavailable(runtime_.InitializeAndWait()));
  EXPECT_EQ(runtime_.Snapshot().bot_status, "getMe: network error: Connection");
}

TEST_F(BotRuntimeTest, TenErrorsInARowRestartExactlyOnce) {
  ASSERT_TRUE(runtime_.InitializeAndWait().ok());
  uint64_t generation = runtime_.generation();
  for (int i = 1; i <= 9; ++i) {
    runtime_.RecordError(generation, "error " + std::to_string(i));
  }
  EXPECT_EQ(runtime_.Snapshot().restart_count, 0);
  EXPECT_EQ(runtime_.generation(), generation);
  EXPECT_EQ(runtime_.Snapshot().bot_status, "error 9");

  runtime_.RecordError(generation, "error 10");
  BotSnapshot s = runtime_.Snapshot();
  EXPECT_EQ(s.restart_count, 1);
  EXPECT_EQ(runtime_.generation(), generation + 1);
  EXPECT_TRUE(api_.WaitForCalls("getMe", 2));
  // The restart does not clear the count; the next success does.
  EXPECT_EQ(s.error_count, 10);

  // The new generation's errors go on counting: the next multiple restarts
  // again.
  for (int i = 11; i <= 19; ++i) runtime_.RecordError(generation + 1, "e");
  EXPECT_EQ(runtime_.Snapshot().restart_count, 1);
  runtime_.RecordError(generation + 1, "e");
  EXPECT_EQ(runtime_.Snapshot().restart_count, 2);
  EXPECT_TRUE(api_.WaitForCalls("getMe", 3));
}

TEST_F(BotRuntimeTest, OlderGenerationsResultsAreNotCounted) {
  ASSERT_TRUE(runtime_.InitializeAndWait().ok());
  uint64_t old_generation = runtime_.generation();
  // Hundreds of failures of calls that were in flight at once: one restart.
  for (int i = 0; i < 300; ++i) runtime_.RecordError(old_generation, "502");
  EXPECT_EQ(runtime_.Snapshot().restart_count, 1);
  EXPECT_EQ(runtime_.Snapshot().error_count, 10);
  EXPECT_EQ(runtime_.generation(), old_generation + 1);
  // A late success of the old generation does not reset the count either.
  runtime_.RecordSuccess(old_generation);
  EXPECT_EQ(runtime_.Snapshot().error_count, 10);
  runtime_.RecordSuccess(old_generation + 1);
  EXPECT_EQ(runtime_.Snapshot().error_count, 0);
  EXPECT_TRUE(api_.WaitForCalls("getMe", 2));
}

TEST_F(BotRuntimeTest, SuccessResetsTheErrorRun) {
  ASSERT_TRUE(runtime_.InitializeAndWait().ok());
  uint64_t g = runtime_.generation();
  for (int i = 0; i < 9; ++i) runtime_.RecordError(g, "e");
  runtime_.RecordSuccess(g);
  EXPECT_EQ(runtime_.Snapshot().error_count, 0);
  EXPECT_EQ(runtime_.Snapshot().bot_status, "OK");
  for (int i = 0; i < 9; ++i) runtime_.RecordError(g, "e");
  EXPECT_EQ(runtime_.Snapshot().error_count, 9);
  EXPECT_EQ(runtime_.Snapshot().restart_count, 0);
}

TEST_F(BotRuntimeTest, ResetErrorsClearsTheCount) {
  ASSERT_TRUE(runtime_.InitializeAndWait().ok());
  uint64_t g = runtime_.generation();
  for (int i = 0; i < 5; ++i) runtime_.RecordError(g, "sendMessage: 500 oops");
  EXPECT_EQ(runtime_.Snapshot().bot_status, "sendMessage: 500 oops");
  runtime_.ResetErrors();
  BotSnapshot s = runtime_.Snapshot();
  EXPECT_EQ(s.error_count, 0);
  EXPECT_EQ(s.bot_status, "OK");
  EXPECT_EQ(s.restart_count, 0);
}

TEST_F(BotRuntimeTest, ManualRestartCountsAndBumpsGeneration) {
  ASSERT_TRUE(runtime_.InitializeAndWait().ok());
  uint64_t generation = runtime_.generation();
  api_.FailNext(1, FakeBotApi::Failure(500, "Internal Server Error"), "getMe");
  EXPECT_FALSE(runtime_.RestartAndWait("admin").ok());
  EXPECT_FALSE(runtime_.Snapshot().ready);
  EXPECT_EQ(runtime_.Snapshot().restart_count, 1);
  EXPECT_EQ(runtime_.generation(), generation + 1);
}

TEST_F(BotRuntimeTest, RestartChecksGetMeThroughTheNewClient) {
  ASSERT_TRUE(runtime_.InitializeAndWait().ok());
  ASSERT_TRUE(runtime_.RestartAndWait("admin").ok());
  auto get_me = api_.CallsTo("getMe");
  ASSERT_EQ(get_me.size(), 2u);
  EXPECT_EQ(get_me[0].client_id, 1);
  EXPECT_EQ(get_me[1].client_id, 2);
  EXPECT_EQ(api_.clients_created(), 2);
}

}  // namespace
}  // namespace telegate::worker
