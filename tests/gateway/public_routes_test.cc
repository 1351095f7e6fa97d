// PublicRoutes: the answers decided from the request head (404, 405, 403,
// 401, 415, /healthz) and the hand-off of a complete webhook.
#include "gateway/public_routes.h"

#include <optional>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/fake_update_sink.h"

namespace telegate::gateway {
namespace {

constexpr char kSecret[] = "s3cret_token-1";

class PublicRoutesTest : public ::testing::Test {
 protected:
  PublicRoutes Routes(std::string allowed = "", std::string proxies = "") {
    SourceFilterOptions options;
    options.allowed = *ParseNetworkList(allowed);
    options.trusted_proxies = *ParseNetworkList(proxies);
    return PublicRoutes("/hook", kSecret, SourceFilter(std::move(options)),
                        &webhook_, &stats_);
  }
  static PublicRequest Head(std::string method = "POST",
                            std::string path = "/hook") {
    PublicRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.peer_ip = "149.154.167.200";
    r.headers["x-telegram-bot-api-secret-token"] = kSecret;
    r.headers["content-type"] = "application/json";
    return r;
  }
  static int Status(const std::optional<PublicResponse>& r) {
    return r.has_value() ? r->status : 0;  // 0: read the body
  }

  testing::FakeUpdateSink sink_;
  GatewayStats stats_;
  WebhookHandler webhook_{kSecret, &sink_, 1, &stats_};
};

TEST_F(PublicRoutesTest, AValidHeadGoesOnToTheBody) {
  EXPECT_EQ(Status(Routes().CheckHead(Head())), 0);
}

TEST_F(PublicRoutesTest, UnknownPathIs404AndWrongMethodIs405) {
  PublicRoutes routes = Routes();
  std::optional<PublicResponse> r = routes.CheckHead(Head("POST", "/other"));
  EXPECT_EQ(Status(r), 404);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"], "not found");
  for (const char* method : {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    r = routes.CheckHead(Head(method));
    ASSERT_EQ(Status(r), 405) << method;
    ASSERT_EQ(r->headers.size(), 1u);
    EXPECT_EQ(r->headers[0], (std::pair<std::string, std::string>{"Allow",
                                                                  "POST"}));
  }
  EXPECT_EQ(Status(routes.CheckHead(Head("GET", "/healthz"))), 200);
  EXPECT_EQ(Status(routes.CheckHead(Head("POST", "/healthz"))), 405);
}

TEST_F(PublicRoutesTest, SecretIsRequiredAndCompared) {
  PublicRoutes routes = Routes();
  PublicRequest head = Head();
  head.headers.erase("x-telegram-bot-api-secret-token");
  EXPECT_EQ(Status(routes.CheckHead(head)), 401);
  for (const char* wrong : {"", "s3cret_token-", "s3cret_token-12",
                            "S3CRET_TOKEN-1"}) {
    head.headers["x-telegram-bot-api-secret-token"] = wrong;
    EXPECT_EQ(Status(routes.CheckHead(head)), 401) << wrong;
  }
}

TEST_F(PublicRoutesTest, OnlyJsonIsAccepted) {
  PublicRoutes routes = Routes();
  PublicRequest head = Head();
  for (const char* ok : {"application/json", "Application/JSON",
                         "application/json; charset=utf-8",
                         " application/json ;charset=UTF-8"}) {
    head.headers["content-type"] = ok;
    EXPECT_EQ(Status(routes.CheckHead(head)), 0) << ok;
  }
  for (const char* bad : {"text/plain", "application/x-www-form-urlencoded",
                          "application/jsonx", "", "multipart/form-data"}) {
    head.headers["content-type"] = bad;
    EXPECT_EQ(Status(routes.CheckHead(head)), 415) << bad;
  }
  head.headers.erase("content-type");
  EXPECT_EQ(Status(routes.CheckHead(head)), 415);
}

TEST_F(PublicRoutesTest, AllowListUsesForwardedForOnlyFromTrustedProxies) {
  PublicRoutes routes = Routes("telegram", "10.0.0.0/8");
  EXPECT_EQ(Status(routes.CheckHead(Head())), 0);  // Telegram's range
  PublicRequest head = Head();
  head.peer_ip = "203.0.113.9";
  EXPECT_EQ(Status(routes.CheckHead(head)), 403);
  // An untrusted peer cannot claim to be Telegram.
  head.headers["x-forwarded-for"] = "149.154.167.200";
  EXPECT_EQ(Status(routes.CheckHead(head)), 403);
  // Behind our proxy, the forwarded address decides.
  head.peer_ip = "10.1.2.3";
  EXPECT_EQ(Status(routes.CheckHead(head)), 0);
  head.headers["x-forwarded-for"] = "203.0.113.9";
  EXPECT_EQ(Status(routes.CheckHead(head)), 403);
  // 403 comes before the secret check: nothing is revealed to strangers.
  head.headers.erase("x-telegram-bot-api-secret-token");
  EXPECT_EQ(Status(routes.CheckHead(head)), 403);
}

TEST_F(PublicRoutesTest, HandleDeliversAndCountsTheAnswer) {
  PublicRoutes routes = Routes();
  PublicRequest request = Head();
  request.body = R"({"update_id":7,"message":{"chat":{"id":3}}})";
  PublicResponse r = routes.Handle(request);
  EXPECT_EQ(r.status, 200);
  sink_.AnswerWith(absl::UnavailableError("down"));
  r = routes.Handle(request);
  EXPECT_EQ(r.status, 503);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  routes.CheckHead(Head("GET"));
  EXPECT_EQ(stats_.webhook_answers[0].load(), 1u);  // 200
  size_t i405 = 0;
  while (GatewayStats::kWebhookCodes[i405] != 405) ++i405;
  EXPECT_EQ(stats_.webhook_answers[i405].load(), 1u);
}

}  // namespace
}  // namespace telegate::gateway
