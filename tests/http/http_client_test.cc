#include "http/http_client.h"

#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/http/client_fixture.h"
#include "testing/loopback_servers.h"

namespace telegate::http {
namespace {

using telegate::testing::LoopbackServer;
using telegate::testing::SilentListener;

class HttpClientTest : public ClientTest {
 protected:
  void SetUp() override {
    ClientTest::SetUp();
    auto& s = server_.server();
    s.Get("/slow", [](const httplib::Request& req, httplib::Response& res) {
      int ms = std::stoi(req.get_param_value("ms"));
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      res.set_content("slow " + req.get_param_value("i"), "text/plain");
    });
    s.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.get_header_value("Content-Type") + "|" + req.body,
                      "text/plain");
    });
    s.Get("/limited", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_header("Retry-After", "7");
      res.set_header("X-Mixed-Case", "Value");
      res.set_content("{}", "application/json");
    });
    s.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(100000, 'x'), "text/plain");
    });
    server_.Start();
  }

  LoopbackServer server_{24};
};

TEST_F(HttpClientTest, FiveHundredInFlightAllCompleteOnFewConnections) {
  HttpClientOptions options;
  options.max_connections = 16;
  options.max_connections_per_host = 16;
  MakeClient(options);
  constexpr int kCalls = 500;
  for (int i = 0; i < kCalls; ++i) {
    client_->Send(Get(absl::StrCat(server_.base_url(), "/slow?ms=20&i=", i)),
                  responses_.Callback());
  }
  EXPECT_GT(client_->in_flight(), 0);
  ASSERT_TRUE(responses_.WaitFor(kCalls));
  std::vector<HttpResponse> got = responses_.Take();
  std::set<std::string> bodies;
  for (const HttpResponse& r : got) {
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_EQ(r.code, 200);
    bodies.insert(r.body);
  }
  EXPECT_EQ(bodies.size(), static_cast<size_t>(kCalls));  // each its own
  EXPECT_FALSE(responses_.any_off_loop());
  EXPECT_EQ(client_->in_flight(), 0);
  EXPECT_GE(server_.connections(), 1);
  EXPECT_LE(server_.connections(), 16);  // kept alive and reused
}

TEST_F(HttpClientTest, MaxInFlightQueuesTheRestInsideTheClient) {
  HttpClientOptions options;
  options.max_in_flight = 3;
  MakeClient(options);
  for (int i = 0; i < 20; ++i) {
    client_->Send(Get(absl::StrCat(server_.base_url(), "/slow?ms=5&i=", i)),
                  responses_.Callback());
  }
  EXPECT_EQ(client_->in_flight(), 20);  // queued ones count
  ASSERT_TRUE(responses_.WaitFor(20));
  for (const HttpResponse& r : responses_.Take()) EXPECT_EQ(r.code, 200);
  EXPECT_LE(server_.connections(), 3);
}

TEST_F(HttpClientTest, ResponseHeadersAreLowerCasedAndReadable) {
  MakeClient();
  client_->Send(Get(server_.base_url() + "/limited"), responses_.Callback());
  ASSERT_TRUE(responses_.WaitFor(1));
  HttpResponse r = std::move(responses_.Take()[0]);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.code, 429);
  ASSERT_NE(r.Header("retry-after"), nullptr);
  EXPECT_EQ(*r.Header("retry-after"), "7");
  ASSERT_NE(r.Header("x-mixed-case"), nullptr);
  EXPECT_EQ(*r.Header("x-mixed-case"), "Value");
  EXPECT_EQ(r.Header("Retry-After"), nullptr);  // names are lower-case
  EXPECT_EQ(r.Header("absent"), nullptr);
}

TEST_F(HttpClientTest, PostsBodiesFromMemoryAndFromAStreamedSource) {
  MakeClient();
  HttpRequest a;
  a.url = server_.base_url() + "/echo";
  a.headers = {{"Content-Type", "application/json"}};
  a.body = std::string(5000, 'a');  // above curl's Expect: threshold
  client_->Send(a, responses_.Callback());

  HttpRequest b;
  b.url = server_.base_url() + "/echo";
  b.headers = {{"Content-Type", "text/plain"}};
  auto chunks = std::make_shared<std::vector<std::string>>(
      std::vector<std::string>{"one,", "two,", "three"});
  b.body_source = [chunks, i = size_t{0}](char* buf, size_t size) mutable {
    if (i == chunks->size()) return size_t{0};
    const std::string& c = (*chunks)[i++];
    EXPECT_LE(c.size(), size);
    std::copy(c.begin(), c.end(), buf);
    return c.size();
  };
  client_->Send(b, responses_.Callback());
  ASSERT_TRUE(responses_.WaitFor(2));
  std::set<std::string> bodies;
  for (const HttpResponse& r : responses_.Take()) {
    ASSERT_TRUE(r.status.ok()) << r.status;
    bodies.insert(r.body);
  }
  EXPECT_TRUE(bodies.count("application/json|" + std::string(5000, 'a')));
  EXPECT_TRUE(bodies.count("text/plain|one,two,three"));
}

TEST_F(HttpClientTest, AnswerAboveTheLimitFailsAsResourceExhausted) {
  HttpClientOptions options;
  options.max_response_bytes = 1000;
  MakeClient(options);
  client_->Send(Get(server_.base_url() + "/big"), responses_.Callback());
  ASSERT_TRUE(responses_.WaitFor(1));
  HttpResponse r = std::move(responses_.Take()[0]);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kResourceExhausted) << r.status;
  EXPECT_EQ(r.code, 0);
}

TEST_F(HttpClientTest, DestroyingTheClientCancelsWhatIsInFlight) {
  SilentListener silent;
  MakeClient();
  for (int i = 0; i < 3; ++i) {
    client_->Send(
        Get(absl::StrCat("http://127.0.0.1:", silent.port(), "/x")),
        responses_.Callback());
  }
  DestroyClientOnLoop();
  ASSERT_TRUE(responses_.WaitFor(3));
  for (const HttpResponse& r : responses_.Take()) {
    EXPECT_EQ(r.status.code(), absl::StatusCode::kCancelled) << r.status;
  }
  EXPECT_FALSE(responses_.any_off_loop());
}

TEST_F(HttpClientTest, StoppingTheLoopCancelsAndLaterSendsFailAtOnce) {
  SilentListener silent;
  MakeClient();
  std::string url = absl::StrCat("http://127.0.0.1:", silent.port(), "/x");
  client_->Send(Get(url), responses_.Callback());
  client_->Send(Get(url), responses_.Callback());
  loop_.Stop();
  ASSERT_EQ(responses_.count(), 2u);  // before Stop returned
  EXPECT_FALSE(responses_.any_off_loop());
  bool called = false;
  client_->Send(Get(url), [&](HttpResponse r) {
    called = true;
    EXPECT_EQ(r.status.code(), absl::StatusCode::kCancelled);
  });
  EXPECT_TRUE(called);
  for (const HttpResponse& r : responses_.Take()) {
    EXPECT_EQ(r.status.code(), absl::StatusCode::kCancelled) << r.status;
  }
  EXPECT_EQ(client_->in_flight(), 0);
}

TEST_F(HttpClientTest, DoneMayDestroyTheClientAndSendMoreFromTheLoop) {
  MakeClient();
  // The first answer sends a second request from the loop thread; the
  // second one destroys the client inside its own callback.
  absl::Notification destroyed;
  client_->Send(Get(server_.base_url() + "/slow?ms=1&i=1"),
                [&](HttpResponse r) {
                  EXPECT_EQ(r.code, 200);
                  client_->Send(Get(server_.base_url() + "/slow?ms=1&i=2"),
                                [&](HttpResponse r2) {
                                  EXPECT_EQ(r2.body, "slow 2");
                                  client_.reset();
                                  destroyed.Notify();
                                });
                });
  ASSERT_TRUE(destroyed.WaitForNotificationWithTimeout(absl::Seconds(30)));
}

}  // namespace
}  // namespace telegate::http
