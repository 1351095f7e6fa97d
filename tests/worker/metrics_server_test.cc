// The worker's HTTP admin listener over real loopback HTTP: /metrics in the
// strict Prometheus text format, the bearer token, and a body-less POST
// without Content-Length (curl -X POST) answered at once rather than read
// as a body until the peer closes, the connection kept usable.
#include "worker/metrics_server.h"

#include <httplib.h>

#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "testing/prometheus_text.h"
#include "tests/gateway/raw_http_client.h"

namespace telegate::worker {
namespace {

TEST(MetricsServerTest, ServesParseableMetricsBehindTheToken) {
  MetricsRegistry registry;
  std::atomic<int64_t> sent{41};
  registry.Add(MetricsRegistry::Type::kCounter, "telegate_worker_test_total",
               "A counter read from an atomic", {}, [&] { return sent.load(); });
  BearerAuth auth("metrics-token-123");
  MetricsServer server(&registry, &auth);
  absl::StatusOr<int> port = server.Start("127.0.0.1:0");
  ASSERT_TRUE(port.ok()) << port.status();
  httplib::Client client("127.0.0.1", *port);
  auto denied = client.Get("/metrics");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  ++sent;
  auto res = client.Get("/metrics",
                        {{"Authorization", "Bearer metrics-token-123"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto parsed = testing::ParsePrometheusText(res->body);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << res->body;
  EXPECT_EQ(parsed->at("telegate_worker_test_total").samples[0].value, 42);
}

TEST(MetricsServerTest, BodylessPostIsAnsweredAndTheNextRequestServed) {
  MetricsRegistry registry;
  BearerAuth auth("");
  MetricsServer server(&registry, &auth);
  absl::StatusOr<int> port = server.Start("127.0.0.1:0");
  ASSERT_TRUE(port.ok()) << port.status();
  auto client = telegate::testing::RawClient::Connect(*port);
  ASSERT_NE(client, nullptr);
  // Without the fix httplib reads a "body" until its read timeout, then
  // answers 400. (httplib 0.11 does not serve pipelined requests: send one
  // at a time.)
  ASSERT_TRUE(
      client->Send("POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  std::optional<telegate::testing::RawResponse> post =
      client->ReadResponse(absl::Seconds(30));
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 404);  // no POST route here
  // The connection is still in step: the next request is served on it.
  ASSERT_TRUE(client->Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  std::optional<telegate::testing::RawResponse> get =
      client->ReadResponse(absl::Seconds(30));
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, R"({"status":"alive"})");
}

}  // namespace
}  // namespace telegate::worker
