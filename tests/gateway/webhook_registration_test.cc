#include "gateway/webhook_registration.h"

#include "gtest/gtest.h"
#include "tests/gateway/fake_telegram_client.h"

namespace telegate::gateway {
namespace {

using nlohmann::json;
using telegate::testing::FakeTelegramClient;

// Answers every call with one result.
class FixedClient : public BotApiClient {
 public:
  explicit FixedClient(ApiResult r) : r_(std::move(r)) {}
  ApiResult Call(std::string_view, const json&) override { return r_; }

 private:
  ApiResult r_;
};

TEST(WebhookRegistrationTest, SetWebhookCarriesEveryField) {
  FakeTelegramClient client;
  WebhookRegistration r;
  r.url = "https://bot.example.org/webhook";
  r.secret_token = "s3cret";
  r.max_connections = 12;
  r.allowed_updates = {"message", "callback_query"};
  r.drop_pending_updates = true;
  ASSERT_TRUE(RegisterWebhook(client, r).ok());
  ASSERT_EQ(client.calls().size(), 1u);
  EXPECT_EQ(client.calls()[0].method, "setWebhook");
  EXPECT_EQ(client.calls()[0].params,
            json({{"url", "https://bot.example.org/webhook"},
                  {"secret_token", "s3cret"},
                  {"max_connections", 12},
                  {"allowed_updates", {"message", "callback_query"}},
                  {"drop_pending_updates", true}}));
}

TEST(WebhookRegistrationTest, UsePollingDeletesTheWebhookKeepingUpdates) {
  FakeTelegramClient client;
  ASSERT_TRUE(UsePolling(client).ok());
  EXPECT_EQ(client.calls()[0].method, "deleteWebhook");
  EXPECT_EQ(client.calls()[0].params, json({{"drop_pending_updates", false}}));
}

TEST(WebhookRegistrationTest, FailuresAreClassified) {
  FixedClient bad(FakeTelegramClient::Failure(400));
  absl::Status permanent = RegisterWebhook(bad, {});
  EXPECT_TRUE(absl::IsFailedPrecondition(permanent)) << permanent;
  EXPECT_NE(permanent.message().find("setWebhook: 400"), std::string::npos);
  FixedClient down(FakeTelegramClient::Failure(502));
  EXPECT_TRUE(absl::IsUnavailable(UsePolling(down)));
}

}  // namespace
}  // namespace telegate::gateway
