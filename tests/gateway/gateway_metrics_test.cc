// The gateway's /metrics over HTTP: strict Prometheus text, webhook answers
// by code, acks by result, latency histogram and the stream gauges.
#include <httplib.h>

#include <map>
#include <string>

#include "gtest/gtest.h"
#include "telegate/v1/updates.pb.h"
#include "testing/prometheus_text.h"
#include "tests/gateway/test_gateway.h"

namespace telegate::gateway {
namespace {

using telegate::testing::ParsePrometheusText;
using telegate::testing::PromFamily;
using telegate::testing::TestGateway;

using Families = std::map<std::string, PromFamily>;

Families Scrape(const TestGateway& g) {
  httplib::Result res = g.Admin()->Get("/metrics");
  EXPECT_TRUE(res);
  if (!res) return {};
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), kMetricsContentType);
  auto parsed = ParsePrometheusText(res->body);
  EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << res->body;
  return parsed.ok() ? *parsed : Families();
}

// The value of `sample` (full sample name) with label `key`=`value` (any
// labels when key is empty); -1 when absent.
double Value(const Families& f, const std::string& family,
             const std::string& sample, const std::string& key = "",
             const std::string& value = "") {
  auto it = f.find(family);
  if (it == f.end()) return -1;
  for (const auto& s : it->second.samples) {
    if (s.name != sample) continue;
    if (key.empty()) return s.value;
    auto l = s.labels.find(key);
    if (l != s.labels.end() && l->second == value) return s.value;
  }
  return -1;
}

constexpr char kRequests[] = "telegate_gateway_webhook_requests_total";
constexpr char kAcks[] = "telegate_gateway_acks_total";
constexpr char kLatency[] = "telegate_gateway_webhook_duration_seconds";

TEST(GatewayMetricsTest, FamiliesAndTypes) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  Families f = Scrape(*g);
  EXPECT_EQ(f[kRequests].type, "counter");
  EXPECT_EQ(f[kAcks].type, "counter");
  EXPECT_EQ(f[kLatency].type, "histogram");
  EXPECT_EQ(f["telegate_gateway_worker_stream_connected"].type, "gauge");
  EXPECT_EQ(f["telegate_gateway_worker_stream_reconnects_total"].type,
            "counter");
  EXPECT_EQ(f["telegate_gateway_webhooks_in_flight"].type, "gauge");
  for (const char* result :
       {"accepted", "duplicate", "overloaded", "rejected", "unavailable"}) {
    EXPECT_EQ(Value(f, kAcks, kAcks, "result", result), 0) << result;
  }
  EXPECT_EQ(Value(f, kRequests, kRequests, "code", "200"), 0);
  EXPECT_EQ(Value(f, kRequests, kRequests, "code", "other"), 0);
}

TEST(GatewayMetricsTest, WebhooksMoveTheCounters) {
  auto g = TestGateway::Start({});
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(g->PostWebhook()->status, 200);
  g->sink.AnswerWith(telegate::v1::Ack::DUPLICATE);
  ASSERT_EQ(g->PostWebhook()->status, 200);
  g->sink.AnswerWith(telegate::v1::Ack::OVERLOADED, "full", 1);
  ASSERT_EQ(g->PostWebhook()->status, 503);
  g->sink.AnswerWith(absl::UnavailableError("no stream"));
  ASSERT_EQ(g->PostWebhook()->status, 503);
  ASSERT_EQ(g->PostWebhook("not json")->status, 400);
  auto pub = g->Client(g->public_port);
  ASSERT_EQ(pub->Post("/webhook", "{}", "application/json")->status, 401);
  ASSERT_EQ(pub->Get("/webhook")->status, 405);
  ASSERT_EQ(pub->Get("/healthz")->status, 200);  // not a webhook

  Families f = Scrape(*g);
  EXPECT_EQ(Value(f, kRequests, kRequests, "code", "200"), 2);
  EXPECT_EQ(Value(f, kRequests, kRequests, "code", "503"), 2);
  EXPECT_EQ(Value(f, kRequests, kRequests, "code", "400"), 1);
  EXPECT_EQ(Value(f, kRequests, kRequests, "code", "401"), 1);
  EXPECT_EQ(Value(f, kRequests, kRequests, "code", "405"), 1);
  EXPECT_EQ(Value(f, kAcks, kAcks, "result", "accepted"), 1);
  EXPECT_EQ(Value(f, kAcks, kAcks, "result", "duplicate"), 1);
  EXPECT_EQ(Value(f, kAcks, kAcks, "result", "overloaded"), 1);
  EXPECT_EQ(Value(f, kAcks, kAcks, "result", "unavailable"), 1);
  EXPECT_EQ(Value(f, kAcks, kAcks, "result", "rejected"), 0);
  // Every POST that passed the head checks was timed (400 included; the
  // 401 was answered from the head, before any body byte was read).
  EXPECT_EQ(Value(f, kLatency, std::string(kLatency) + "_count"), 5);
  EXPECT_EQ(Value(f, "telegate_gateway_webhooks_in_flight",
                  "telegate_gateway_webhooks_in_flight"),
            0);
}

// The listener answers 413 from Content-Length alone, before routing.
TEST(GatewayMetricsTest, OversizedBodiesAreCountedAs413) {
  auto g = TestGateway::Start({.max_body_bytes = 2048});
  ASSERT_NE(g, nullptr);
  std::string big(4096, 'x');
  httplib::Result res = g->PostWebhook(big);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  Families f = Scrape(*g);
  EXPECT_EQ(Value(f, "telegate_gateway_http_too_large_total",
                  "telegate_gateway_http_too_large_total"),
            1);
}

}  // namespace
}  // namespace telegate::gateway
