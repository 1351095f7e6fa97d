// NextStep as a table: answer now or retry after a delay, within max_wait.
#include "worker/endpoint/retry_step.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/worker/endpoint/fake_bot_api_caller.h"

namespace telegate::worker {
namespace {

ApiResult Status(int http_status, int error_code = 0) {
  ApiResult r;
  r.http_status = http_status;
  r.error_code = error_code;
  return r;
}

TEST(RetryStepTest, Table) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  policy.initial_backoff = absl::Milliseconds(100);
  policy.max_backoff = absl::Milliseconds(300);
  const absl::Duration max_wait = absl::Seconds(30);
  using Kind = RetryStep::Kind;
  const RetryStep answer{};
  auto retry = [](absl::Duration d, bool flood = false) {
    return RetryStep{Kind::kRetry, d, flood};
  };
  ApiResult migrated = Status(400, 400);
  migrated.migrate_to_chat_id = -100;
  ApiResult flood_no_hint = Status(429, 429);
  struct Case {
    std::string name;
    ApiResult result;
    int attempts;
    absl::Duration elapsed;
    RetryStep expected;
  };
  const Case cases[] = {
      {"ok", OkResult(true), 1, absl::ZeroDuration(), answer},
      {"permanent 400", Status(400, 400), 1, absl::ZeroDuration(), answer},
      {"forbidden", Status(403, 403), 1, absl::ZeroDuration(), answer},
      {"migrated", migrated, 1, absl::ZeroDuration(), answer},
      {"429 waits retry_after", FloodResult(5), 1, absl::ZeroDuration(),
       retry(absl::Seconds(5), true)},
      {"429 ignores max_attempts", FloodResult(5), 10, absl::Seconds(1),
       retry(absl::Seconds(5), true)},
      {"429 exactly to max_wait", FloodResult(5), 2, absl::Seconds(25),
       retry(absl::Seconds(5), true)},
      {"429 past max_wait", FloodResult(5), 2, absl::Seconds(26), answer},
      {"429 longer than max_wait", FloodResult(31), 1, absl::ZeroDuration(),
       answer},
      {"429 without retry_after backs off", flood_no_hint, 1,
       absl::ZeroDuration(), retry(absl::Milliseconds(100))},
      {"5xx first backoff", Status(502), 1, absl::ZeroDuration(),
       retry(absl::Milliseconds(100))},
      {"5xx doubles", Status(500, 500), 2, absl::Seconds(1),
       retry(absl::Milliseconds(200))},
      {"network failure", Status(0), 1, absl::ZeroDuration(),
       retry(absl::Milliseconds(100))},
      {"5xx out of attempts", Status(503), 3, absl::Seconds(1), answer},
      {"5xx past max_wait", Status(503), 1, absl::Milliseconds(29950), answer},
  };
  for (const Case& c : cases) {
    RetryStep step =
        NextStep(c.result, c.attempts, c.elapsed, max_wait, policy, 1.0);
    EXPECT_EQ(step, c.expected) << c.name;
  }
}

TEST(RetryStepTest, BackoffIsCappedAndJittered) {
  RetryPolicy policy;
  policy.max_attempts = 10;
  policy.initial_backoff = absl::Milliseconds(100);
  policy.max_backoff = absl::Milliseconds(300);
  RetryStep capped = NextStep(ApiResult{}, 6, absl::ZeroDuration(),
                              absl::Seconds(30), policy, 1.0);
  EXPECT_EQ(capped.delay, absl::Milliseconds(300));
  RetryStep jittered = NextStep(ApiResult{}, 1, absl::ZeroDuration(),
                                absl::Seconds(30), policy, 1.2);
  EXPECT_NEAR(absl::ToDoubleMilliseconds(jittered.delay), 120.0, 0.001);
}

TEST(RetryStepTest, ZeroMaxWaitNeverRetries) {
  RetryPolicy policy;
  EXPECT_EQ(NextStep(FloodResult(1), 1, absl::ZeroDuration(),
                     absl::ZeroDuration(), policy, 1.0)
                .kind,
            RetryStep::Kind::kAnswer);
  EXPECT_EQ(NextStep(ApiResult{}, 1, absl::ZeroDuration(), absl::ZeroDuration(),
                     policy, 1.0)
                .kind,
            RetryStep::Kind::kAnswer);
}

}  // namespace
}  // namespace telegate::worker
