// Every Admin RPC over real gRPC on 127.0.0.1, with and without the admin
// token, plus the worker's /metrics listener.
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "telegate/v1/admin.grpc.pb.h"
#include "telegate/v1/updates.grpc.pb.h"
#include "testing/prometheus_text.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/fake_journal.h"
#include "worker/echo_bot.h"
#include "worker/worker_server.h"

namespace telegate::worker {
namespace {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)
using testing::FakeBotApi;
using testing::FakeJournal;

constexpr char kToken[] = "admin-token-for-tests";

class AdminRpcTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    WorkerConfig config;
    config.grpc_listen = "127.0.0.1:0";
    config.admin_listen = "127.0.0.1:0";
    config.threads = 2;
    config.environment = "test";
    if (with_token()) config.admin_token = kToken;
    server_ = std::make_unique<WorkerServer>(
        config, api_.MakeFactory(), std::make_unique<EchoBot>(),
        std::make_unique<FakeJournal>());
    absl::StatusOr<int> port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", *port),
                                   grpc::InsecureChannelCredentials());
    stub_ = Admin::NewStub(channel_);
  }
  bool with_token() const { return GetParam(); }
  // A context carrying the token when the server wants one (or `token`).
  std::unique_ptr<grpc::ClientContext> Context(const char* token = nullptr) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (token == nullptr && with_token()) token = kToken;
    if (token != nullptr) {
      context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
    return context;
  }

  FakeBotApi api_;
  std::unique_ptr<WorkerServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Admin::Stub> stub_;
};

TEST_P(AdminRpcTest, EveryRpcAnswers) {
  GetHealthResponse health;
  ASSERT_TRUE(stub_->GetHealth(Context().get(), {}, &health).ok());
  EXPECT_EQ(health.status(), "healthy");
  EXPECT_EQ(health.bot_username(), "fake_bot");
  RestartBotResponse restart;
  ASSERT_TRUE(stub_->RestartBot(Context().get(), {}, &restart).ok());
  EXPECT_EQ(restart.restart_count(), 1);
  ResetErrorsResponse reset;
  ASSERT_TRUE(stub_->ResetErrors(Context().get(), {}, &reset).ok());
  GetStatsResponse stats;
  ASSERT_TRUE(stub_->GetStats(Context().get(), {}, &stats).ok());
  EXPECT_EQ(stats.thread_states_size(), 2);
  ListFailedDeliveriesResponse failed;
  ASSERT_TRUE(stub_->ListFailedDeliveries(Context().get(), {}, &failed).ok());
  EXPECT_EQ(failed.deliveries_size(), 0);
  RetryFailedDeliveryRequest retry;
  retry.set_id(99);
  RetryFailedDeliveryResponse retried;
  EXPECT_EQ(stub_->RetryFailedDelivery(Context().get(), retry, &retried)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  WebhookInfo info;
  ASSERT_TRUE(stub_->GetWebhookInfo(Context().get(), {}, &info).ok());
  EXPECT_EQ(info.url(), "https://example.test/hook");
  EXPECT_EQ(info.pending_update_count(), 3);
  EXPECT_EQ(info.last_error_message(), "Connection refused");
  SetWebhookRequest set;
  set.set_url("https://example.test/webhook");
  set.set_max_connections(40);
  SetWebhookResponse set_answer;
  ASSERT_TRUE(stub_->SetWebhook(Context().get(), set, &set_answer).ok());
  EXPECT_TRUE(set_answer.ok());
  auto calls = api_.CallsTo("setWebhook");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].params["url"], "https://example.test/webhook");
  EXPECT_EQ(calls[0].params["max_connections"], 40);
  set.set_max_connections(500);
  EXPECT_EQ(stub_->SetWebhook(Context().get(), set, &set_answer).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  DeleteWebhookResponse deleted;
  ASSERT_TRUE(stub_->DeleteWebhook(Context().get(), {}, &deleted).ok());
  EXPECT_EQ(api_.CallsTo("deleteWebhook").size(), 1u);

  auto watch_context = Context();
  WatchStatusRequest watch;
  watch.set_max_interval_ms(100);
  auto reader = stub_->WatchStatus(watch_context.get(), watch);
  StatusSnapshot first, second;
  ASSERT_TRUE(reader->Read(&first));
  EXPECT_EQ(first.health().status(), "healthy");
  EXPECT_EQ(first.stats().restart_count(), 1);
  ASSERT_TRUE(reader->Read(&second));  // again within max_interval
  watch_context->TryCancel();
}

TEST_P(AdminRpcTest, TokenIsRequiredWhenConfigured) {
  GetHealthResponse health;
  grpc::Status none = stub_->GetHealth(Context("").get(), {}, &health);
  grpc::Status wrong = stub_->GetHealth(Context("nope").get(), {}, &health);
  if (!with_token()) {
    EXPECT_TRUE(none.ok());
    return;
  }
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext bare;  // no metadata at all
  RestartBotResponse restart;
  EXPECT_EQ(stub_->RestartBot(&bare, {}, &restart).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // The update stream is refused without the token, too.
  auto updates = Updates::NewStub(channel_);
  grpc::ClientContext stream_context;
  auto stream = updates->Stream(&stream_context);
  Ack ack;
  EXPECT_FALSE(stream->Read(&ack));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(api_.CallsTo("sendMessage").size(), 0u);
}

TEST_P(AdminRpcTest, MetricsParseAndNeedTheToken) {
  httplib::Client client("127.0.0.1", server_->admin_port());
  httplib::Headers auth;
  if (with_token()) auth = {{"Authorization", absl::StrCat("Bearer ", kToken)}};
  auto res = client.Get("/metrics", auth);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  auto parsed = testing::ParsePrometheusText(res->body);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  for (const auto& [name, family] : *parsed) {
    EXPECT_EQ(name.rfind("telegate_worker_", 0), 0u) << name;
  }
  EXPECT_EQ(parsed->at("telegate_worker_update_latency_seconds").type,
            "histogram");
  EXPECT_EQ(parsed->at("telegate_worker_bot_ready").samples[0].value, 1);
  auto unauthorized = client.Get("/metrics");
  ASSERT_TRUE(unauthorized);
  EXPECT_EQ(unauthorized->status, with_token() ? 401 : 200);
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutToken, AdminRpcTest, ::testing::Bool());

}  // namespace
}  // namespace telegate::worker
