#include "worker/upstream/upstream_health.h"

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

TEST(UpstreamHealthTest, ThresholdBumpsTheGenerationOnceAndAnAnswerResets) {
  UpstreamHealth health("http://bot:8080", 3);
  EXPECT_EQ(health.generation(), 1u);
  EXPECT_TRUE(health.Snapshot(kT0).reachable);
  EXPECT_FALSE(health.RecordError(kT0, "bot unreachable: refused", false));
  EXPECT_FALSE(health.RecordError(kT0 + absl::Seconds(1), "again", false));
  UpstreamSnapshot down = health.Snapshot(kT0 + absl::Seconds(1));
  EXPECT_FALSE(down.reachable);
  EXPECT_EQ(down.down_since, kT0);  // the first failure, not the last
  EXPECT_EQ(down.error_count, 2);
  EXPECT_EQ(down.last_error, "again");
  EXPECT_TRUE(health.RecordError(kT0 + absl::Seconds(2), "third", false));
  EXPECT_EQ(health.generation(), 2u);
  EXPECT_EQ(health.Snapshot(kT0).restarts, 1);
  // Posts of the old generation failing afterwards do not count again
  // until the next multiple.
  EXPECT_FALSE(health.RecordError(kT0 + absl::Seconds(3), "fourth", false));
  EXPECT_EQ(health.generation(), 2u);
  health.RecordAnswer(kT0 + absl::Seconds(4), absl::Milliseconds(12), true);
  UpstreamSnapshot up = health.Snapshot(kT0 + absl::Seconds(4));
  EXPECT_TRUE(up.reachable);
  EXPECT_EQ(up.error_count, 0);
  EXPECT_EQ(up.down_since, absl::InfinitePast());
  EXPECT_EQ(up.handled, 1);
  EXPECT_EQ(health.last_answer(), kT0 + absl::Seconds(4));
}

TEST(UpstreamHealthTest, MisconfigurationIsClearedByAnAnswer) {
  UpstreamHealth health("http://bot:8080", 10);
  health.RecordError(kT0, "bot refused telegate: HTTP 401", true);
  EXPECT_TRUE(health.misconfigured());
  health.RecordAnswer(kT0, absl::Milliseconds(1), /*handled=*/false);
  EXPECT_FALSE(health.misconfigured());
  EXPECT_EQ(health.Snapshot(kT0).refused, 1);
}

TEST(UpstreamHealthTest, DisplayOriginDropsPathQueryAndUserInfo) {
  EXPECT_EQ(DisplayOrigin("https://user:pw@bot.example:8443/hook/s3cret?x=1"),
            "https://bot.example:8443");
  EXPECT_EQ(DisplayOrigin("http://127.0.0.1:9/webhook"), "http://127.0.0.1:9");
  EXPECT_EQ(DisplayOrigin("http://bot"), "http://bot");
  EXPECT_EQ(DisplayOrigin("not a url"), "");
}

}  // namespace
}  // namespace telegate::worker
