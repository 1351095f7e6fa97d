// The delivery policy as a table: (state, step, now) -> decision, no threads.
#include "worker/delivery_policy.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

ApiResult Ok() {
  ApiResult r;
  r.http_status = 200;
  r.ok = true;
  return r;
}
ApiResult Fail(int status, int retry_after = 0, int64_t migrate_to = 0) {
  ApiResult r;
  r.http_status = status;
  r.error_code = status;
  r.retry_after = retry_after;
  r.migrate_to_chat_id = migrate_to;
  return r;
}

DeliveryState At(size_t next, size_t count, int attempts = 0) {
  DeliveryState s;
  s.decided = true;
  s.action_count = count;
  s.next_action = next;
  s.attempts = attempts;
  return s;
}

struct Row {
  std::string name;
  DeliveryState state;
  StepKind step;
  ApiResult api;      // kCall
  size_t decided = 0;  // kDecided
  bool handler_ok = true;
  absl::Time slot;    // kRateSlot
  // Expected.
  DecisionKind kind;
  size_t next_action = 0;
  int attempts = 0;
  absl::Time wake_at = absl::InfinitePast();
  bool failed_delivery = false;
  Health health = Health::kNone;
  bool had_failure = false;
  ParkReason park = ParkReason::kNone;
  int64_t migrate_to = 0;
};

TEST(DeliveryPolicyTest, Table) {
  RetryPolicy retry;
  retry.max_attempts = 3;
  retry.initial_backoff = absl::Milliseconds(200);
  retry.max_backoff = absl::Seconds(30);
  const double jitter = 1.0;
  DeliveryState fresh;
  std::vector<Row> rows = {
      {"new update is decided first", fresh, StepKind::kResume, {}, 0, true,
       {}, DecisionKind::kDecide},
      {"decided two actions: run the first", fresh, StepKind::kDecided, {}, 2,
       true, {}, DecisionKind::kRunAction, 0},
      {"decided nothing: done", fresh, StepKind::kDecided, {}, 0, true, {},
       DecisionKind::kDone, 0},
      {"handler threw: done, failed", fresh, StepKind::kDecided, {}, 0, false,
       {}, DecisionKind::kDone, 0, 0, absl::InfinitePast(), false,
       Health::kNone, true},
      {"resumed after a park: same action", At(1, 2, 1), StepKind::kResume, {},
       0, true, {}, DecisionKind::kRunAction, 1, 1},
      {"resumed past the end: done", At(2, 2), StepKind::kResume, {}, 0, true,
       {}, DecisionKind::kDone, 2},
      {"ok moves to the next action", At(0, 2, 2), StepKind::kCall, Ok(), 0,
       true, {}, DecisionKind::kRunAction, 1, 0, absl::InfinitePast(), false,
       Health::kSuccess},
      {"ok on the last action: done", At(1, 2), StepKind::kCall, Ok(), 0, true,
       {}, DecisionKind::kDone, 2, 0, absl::InfinitePast(), false,
       Health::kSuccess},
      {"429 parks for retry_after, no error", At(0, 1), StepKind::kCall,
       Fail(429, 7), 0, true, {}, DecisionKind::kPark, 0, 0,
       kNow + absl::Seconds(7), false, Health::kNone, false,
       ParkReason::kFloodWait},
      {"429 without retry_after waits a second", At(0, 1), StepKind::kCall,
       Fail(429, 0), 0, true, {}, DecisionKind::kPark, 0, 0,
       kNow + absl::Seconds(1), false, Health::kNone, false,
       ParkReason::kFloodWait},
      {"5xx retries with backoff", At(0, 1), StepKind::kCall, Fail(502), 0,
       true, {}, DecisionKind::kRetry, 0, 1, kNow + absl::Milliseconds(200),
       false, Health::kError},
      {"second 5xx doubles the backoff", At(0, 1, 1), StepKind::kCall,
       Fail(500), 0, true, {}, DecisionKind::kRetry, 0, 2,
       kNow + absl::Milliseconds(400), false, Health::kError},
      {"network error is transient", At(0, 1), StepKind::kCall, Fail(0), 0,
       true, {}, DecisionKind::kRetry, 0, 1, kNow + absl::Milliseconds(200),
       false, Health::kError},
      {"last attempt fails the action, next one runs", At(0, 2, 2),
       StepKind::kCall, Fail(500), 0, true, {}, DecisionKind::kRunAction, 1, 0,
       absl::InfinitePast(), true, Health::kError, true},
      {"403 fails at once", At(0, 1), StepKind::kCall, Fail(403), 0, true, {},
       DecisionKind::kDone, 1, 0, absl::InfinitePast(), true, Health::kError,
       true},
      {"migrated: resend to the new id", At(0, 1), StepKind::kCall,
       Fail(400, 0, -100123), 0, true, {}, DecisionKind::kMigrate, 0, 1,
       absl::InfinitePast(), false, Health::kNone, false, ParkReason::kNone,
       -100123},
      {"migrated too often: failed delivery", At(0, 1, 3), StepKind::kCall,
       Fail(400, 0, -100123), 0, true, {}, DecisionKind::kDone, 1, 0,
       absl::InfinitePast(), true, Health::kNone, true},
      {"rate slot in the future parks", At(0, 1), StepKind::kRateSlot, {}, 0,
       true, kNow + absl::Milliseconds(300), DecisionKind::kPark, 0, 0,
       kNow + absl::Milliseconds(300), false, Health::kNone, false,
       ParkReason::kRateLimit},
      {"rate slot taken: send", At(0, 1), StepKind::kRateSlot, {}, 0, true,
       kNow, DecisionKind::kSend, 0},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    StepResult step;
    switch (row.step) {
      case StepKind::kResume:
        step = StepResult::Resume();
        break;
      case StepKind::kDecided:
        step = StepResult::Decided(row.decided, row.handler_ok);
        break;
      case StepKind::kRateSlot:
        step = StepResult::RateSlot(row.slot);
        break;
      case StepKind::kCall:
        step = StepResult::Call(row.api);
        break;
    }
    Decision d = Decide(retry, row.state, step, kNow, jitter);
    EXPECT_EQ(d.kind, row.kind);
    EXPECT_EQ(d.next.next_action, row.next_action);
    EXPECT_EQ(d.next.attempts, row.attempts);
    EXPECT_EQ(d.wake_at, row.wake_at);
    EXPECT_EQ(d.failed_delivery, row.failed_delivery);
    EXPECT_EQ(d.health, row.health);
    EXPECT_EQ(d.next.had_failure, row.had_failure);
    EXPECT_EQ(d.park_reason, row.park);
    EXPECT_EQ(d.migrate_to_chat_id, row.migrate_to);
  }
}

TEST(DeliveryPolicyTest, DecidedRecordsTheActionCount) {
  Decision d = Decide(RetryPolicy{}, DeliveryState{},
                      StepResult::Decided(3, true), kNow, 1.0);
  EXPECT_TRUE(d.next.decided);
  EXPECT_EQ(d.next.action_count, 3u);
}

TEST(DeliveryPolicyTest, JitterScalesOnlyTheBackoff) {
  RetryPolicy retry;
  ApiResult down;  // http_status 0
  Decision d = Decide(retry, At(0, 1), StepResult::Call(down), kNow, 1.2);
  EXPECT_EQ(d.wake_at, kNow + absl::Milliseconds(240));
}

}  // namespace
}  // namespace telegate::worker
