// The admin listener over real HTTP: access control with and without a
// token, sign-in/out, cross-site refusal, methods, and the /api routes'
// status codes, with the fake admin backend.
#include <httplib.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/admin_auth.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/gateway/raw_http_client.h"
#include "tests/gateway/test_gateway.h"

namespace telegate::gateway {
namespace {

using nlohmann::json;
using testing::TestGateway;

constexpr char kToken[] = "panel-token-0123456789";

void ExpectJsonError(const httplib::Result& res, int status,
                     const std::string& error = "") {
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, status) << res->body;
  json j = json::parse(res->body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << res->body;
  EXPECT_EQ(j["ok"], false);
  if (!error.empty()) EXPECT_EQ(j["error"], error);
}

TEST(AdminHttpTest, WithoutATokenNothingIsRequired) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  auto admin = g->Admin();
  for (const char* path : {"/health", "/api/stats", "/api/failed",
                           "/api/webhook", "/metrics", "/"}) {
    httplib::Result res = admin->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
  }
}

TEST(AdminHttpTest, WithATokenTheApiNeedsIt) {
  auto g = TestGateway::Start({.admin_token = kToken});
  ASSERT_NE(g, nullptr);
  auto admin = g->Admin();
  for (const char* path :
       {"/health", "/api/stats", "/api/failed", "/api/webhook", "/api/events",
        "/api/playground", "/metrics"}) {
    httplib::Result res = admin->Get(path);
    ExpectJsonError(res, 401, "admin token required");
    EXPECT_EQ(res->get_header_value("WWW-Authenticate").rfind("Bearer", 0), 0u);
  }
  ExpectJsonError(admin->Post("/restart_bot", "", "application/json"), 401);
  ExpectJsonError(
      admin->Post("/api/failed/retry", R"({"id":1})", "application/json"), 401);
  ExpectJsonError(admin->Get("/api/stats", {{"Authorization", "Bearer nope"}}),
                  401);
  EXPECT_EQ(g->backend.restart_calls.load(), 0);
  EXPECT_EQ(g->backend.stats_calls.load(), 0);
  EXPECT_TRUE(g->backend.retried().empty());

  httplib::Headers bearer = {
      {"Authorization", std::string("Bearer ") + kToken}};
  httplib::Result res = admin->Get("/api/stats", bearer);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = admin->Post("/restart_bot", bearer, "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(g->backend.restart_calls.load(), 1);
}

TEST(AdminHttpTest, ThePanelsFilesAreServedWithoutAToken) {
  auto g = TestGateway::Start({.admin_token = kToken});
  ASSERT_NE(g, nullptr);
  auto admin = g->Admin();
  for (const char* path :
       {"/", "/?login=failed", "/index.html", "/app.js", "/style.css"}) {
    httplib::Result res = admin->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
  }
  ExpectJsonError(admin->Get("/nope.js"), 401);  // not a panel file
}

TEST(AdminHttpTest, SignInSetsACookieThatOpensTheApi) {
  auto g = TestGateway::Start({.admin_token = kToken});
  ASSERT_NE(g, nullptr);
  auto admin = g->Admin();
  httplib::Result res =
      admin->Post("/login", httplib::Params{{"token", kToken}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/");
  std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie, "telegate_admin=" + Sha256Hex(kToken) +
                        "; HttpOnly; SameSite=Strict; Path=/");
  std::string pair = cookie.substr(0, cookie.find(';'));
  res = admin->Get("/api/stats", {{"Cookie", pair}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = admin->Get("/health", {{"Cookie", "x=1; " + pair}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);

  res = admin->Post("/logout", {{"Cookie", pair}}, "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("telegate_admin=;"),
            std::string::npos);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("Max-Age=0"),
            std::string::npos);
}

TEST(AdminHttpTest, AWrongTokenDoesNotSignIn) {
  auto g = TestGateway::Start({.admin_token = kToken});
  ASSERT_NE(g, nullptr);
  auto admin = g->Admin();
  for (const char* token : {"", "wrong", "panel-token-012345678"}) {
    httplib::Result res =
        admin->Post("/login", httplib::Params{{"token", token}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303);
    EXPECT_EQ(res->get_header_value("Location"), "/?login=failed");
    EXPECT_FALSE(res->has_header("Set-Cookie"));
  }
  ExpectJsonError(
      admin->Get("/api/stats",
                 {{"Cookie", std::string("telegate_admin=") + kToken}}),
      401);
}

TEST(AdminHttpTest, CrossSitePostsAreRefused) {
  for (const std::string token : {"", kToken}) {
    auto g = TestGateway::Start({.admin_token = token});
    ASSERT_NE(g, nullptr);
    auto admin = g->Admin();
    httplib::Headers auth;
    if (!token.empty()) auth.emplace("Authorization", "Bearer " + token);
    auto with = [&](httplib::Headers extra) {
      extra.insert(auth.begin(), auth.end());
      return admin->Post("/restart_bot", extra, "{}", "application/json");
    };
    ExpectJsonError(with({{"Origin", "http://evil.example"}}), 403,
                    "cross-site request refused");
    ExpectJsonError(with({{"Origin", "null"}}), 403);
    ExpectJsonError(with({{"Sec-Fetch-Site", "cross-site"}}), 403);
    ExpectJsonError(with({{"Sec-Fetch-Site", "same-site"}}), 403);
    ExpectJsonError(admin->Post("/login", {{"Origin", "http://evil.example"}},
                                std::string("token=") + kToken,
                                "application/x-www-form-urlencoded"),
                    403);
    EXPECT_EQ(g->backend.restart_calls.load(), 0);

    for (httplib::Headers ok :
         {httplib::Headers{{"Origin", "http://" + g->Host()}},
          httplib::Headers{{"Origin", "https://" + g->Host()}},
          httplib::Headers{{"Sec-Fetch-Site", "same-origin"}},
          httplib::Headers{{"Origin", "http://" + g->Host()},
                           {"Sec-Fetch-Site", "same-origin"}},
          httplib::Headers{}}) {
      httplib::Result res = with(ok);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 200) << res->body;
    }
    EXPECT_EQ(g->backend.restart_calls.load(), 5);
    // GETs carry no Origin check (they change nothing).
    httplib::Headers get = auth;
    get.emplace("Sec-Fetch-Site", "cross-site");
    httplib::Result res = admin->Get("/api/stats", get);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
}

TEST(AdminHttpTest, MutatingRoutesArePostOnly) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  for (const char* path : {"/restart_bot", "/reset_errors", "/api/failed/retry",
                           "/login", "/logout"}) {
    httplib::Result res = g->Admin()->Get(path);
    ExpectJsonError(res, 405);
    EXPECT_EQ(res->get_header_value("Allow"), "POST") << path;
  }
  EXPECT_EQ(g->backend.restart_calls.load(), 0);
  EXPECT_EQ(g->backend.reset_calls.load(), 0);
}

// `curl -X POST URL` sends neither Content-Length nor Transfer-Encoding: no
// body (RFC 9112 section 6.3). Every POST route answers it (httplib 0.11
// used to read a "body" until its read timeout, then answer 400), and the
// connection stays usable for the next request. One request at a time:
// httplib 0.11 does not serve pipelined requests.
TEST(AdminHttpTest, BodylessPostsWithoutContentLengthWork) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  auto client = testing::RawClient::Connect(g->admin_port);
  ASSERT_NE(client, nullptr);
  const std::vector<std::pair<std::string, int>> routes = {
      {"/restart_bot", 200}, {"/reset_errors", 200},
      {"/api/failed/retry", 400}, {"/api/playground", 404},
      {"/login", 303}, {"/logout", 303}};
  for (const auto& [path, status] : routes) {
    ASSERT_TRUE(client->Send("POST " + path + " HTTP/1.1\r\nHost: " +
                             g->Host() +
                             "\r\nUser-Agent: curl/7.88.1\r\n"
                             "Accept: */*\r\n\r\n"));
    std::optional<testing::RawResponse> res =
        client->ReadResponse(absl::Seconds(30));
    ASSERT_TRUE(res.has_value()) << path;
    EXPECT_EQ(res->status, status) << path << ": " << res->body;
    EXPECT_EQ(res->body.find("malformed"), std::string::npos) << res->body;
  }
  EXPECT_EQ(g->backend.restart_calls.load(), 1);
  EXPECT_EQ(g->backend.reset_calls.load(), 1);
}

TEST(AdminHttpTest, FailedDeliveriesAndRetry) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  auto admin = g->Admin();
  httplib::Result res = admin->Get("/api/failed?limit=5");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["deliveries"][0]["params"]["chat_id"], 42);
  EXPECT_EQ(g->backend.last_limit.load(), 5);
  ExpectJsonError(admin->Get("/api/failed?limit=x"), 400);

  res = admin->Post("/api/failed/retry", R"({"id":7})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body), json({{"ok", true}}));
  g->backend.retry = absl::NotFoundError("no failed delivery 99");
  ExpectJsonError(
      admin->Post("/api/failed/retry", R"({"id":99})", "application/json"), 404,
      "no failed delivery 99");
  ExpectJsonError(admin->Post("/api/failed/retry", "{}", "application/json"),
                  400);
}

TEST(AdminHttpTest, WebhookInfoErrorMapping) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  httplib::Result res = g->Admin()->Get("/api/webhook");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["url"], "https://example.org/webhook");
  g->backend.webhook = absl::InvalidArgumentError("Unauthorized");
  ExpectJsonError(g->Admin()->Get("/api/webhook"), 502);
  g->backend.webhook = absl::UnavailableError("connection refused");
  ExpectJsonError(g->Admin()->Get("/api/webhook"), 503);
}

TEST(AdminHttpTest, PlaygroundIsOffWithoutAnEmulator) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  httplib::Result res = g->Admin()->Get("/api/playground");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body), json({{"enabled", false}}));
  ExpectJsonError(
      g->Admin()->Post("/api/playground", R"({"chat_id":1,"text":"x"})",
                       "application/json"),
      404);
}

}  // namespace
}  // namespace telegate::gateway
