#include "common/metrics.h"

#include "gtest/gtest.h"
#include "testing/prometheus_text.h"

namespace telegate {
namespace {

using testing::ParsePrometheusText;

TEST(MetricsTest, RendersParseableCountersGaugesAndHistograms) {
  MetricsRegistry registry;
  std::atomic<int64_t> ok{7}, failed{2};
  registry.Add(MetricsRegistry::Type::kCounter, "telegate_sends_total",
               "Bot API calls by result", {{"result", "ok"}},
               [&] { return ok.load(); });
  registry.Add(MetricsRegistry::Type::kCounter, "telegate_sends_total", "",
               {{"result", "failed"}}, [&] { return failed.load(); });
  registry.Add(MetricsRegistry::Type::kGauge, "telegate_queue_depth",
               "Unfinished updates", {}, [] { return 3.5; });
  Histogram* h = registry.AddHistogram("telegate_latency_seconds",
                                       "Latency", LatencyBuckets());
  h->Observe(0.0007);
  h->Observe(0.02);
  h->Observe(100);  // beyond the last bound: only in +Inf

  std::string text = registry.Render();
  auto parsed = ParsePrometheusText(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  const auto& sends = parsed->at("telegate_sends_total");
  EXPECT_EQ(sends.type, "counter");
  ASSERT_EQ(sends.samples.size(), 2u);
  EXPECT_EQ(sends.samples[0].labels.at("result"), "ok");
  EXPECT_EQ(sends.samples[0].value, 7);
  EXPECT_EQ(parsed->at("telegate_queue_depth").samples[0].value, 3.5);
  const auto& latency = parsed->at("telegate_latency_seconds");
  EXPECT_EQ(latency.type, "histogram");
  double count = 0, first_bucket = -1, sum = 0;
  for (const auto& s : latency.samples) {
    if (s.name == "telegate_latency_seconds_count") count = s.value;
    if (s.name == "telegate_latency_seconds_sum") sum = s.value;
    if (s.name == "telegate_latency_seconds_bucket" &&
        s.labels.at("le") == "0.001") {
      first_bucket = s.value;
    }
  }
  EXPECT_EQ(count, 3);
  EXPECT_EQ(first_bucket, 1);
  EXPECT_NEAR(sum, 100.0207, 1e-6);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.Add(MetricsRegistry::Type::kGauge, "telegate_info", "Build info",
               {{"version", "a\"b\\c\nd"}}, [] { return 1; });
  auto parsed = ParsePrometheusText(registry.Render());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->at("telegate_info").samples[0].labels.at("version"),
            "a\"b\\c\nd");
}

TEST(PrometheusParserTest, RejectsMalformedText) {
  for (const char* bad : {
           "1bad_name 1\n",
           "x{a=\"1\" 1\n",
           "x{a=1} 1\n",
           "x one\n",
           "# TYPE x counter\nx -1\n",
           "# TYPE x histogram\nx_bucket{le=\"1\"} 2\nx_bucket{le=\"+Inf\"} 1\n"
           "x_sum 1\nx_count 1\n",
           "# TYPE x histogram\nx_bucket{le=\"+Inf\"} 2\nx_sum 1\nx_count 3\n",
           "# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx 2\n",
           "# TYPE x wat\nx 1\n",
       }) {
    EXPECT_FALSE(ParsePrometheusText(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace telegate
