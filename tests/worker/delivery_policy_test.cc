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
      case StepKind::kUpstream:
      case StepKind::kRecorded:
        ADD_FAILURE() << "upstream steps are in UpstreamTable";
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

UpstreamAnswer Answer(UpstreamVerdict verdict, size_t actions = 0,
                      absl::Duration retry_after = absl::ZeroDuration()) {
  UpstreamAnswer a;
  a.verdict = verdict;
  a.actions.resize(actions, BotAction{"sendMessage", {{"chat_id", 1}}});
  a.retry_after = retry_after;
  a.reason = "bot said so";
  return a;
}

DeliveryState Upstream(int attempts, int failures) {
  DeliveryState s;
  s.upstream_attempts = attempts;
  s.upstream_failures = failures;
  return s;
}

// The upstream bot's outcomes (max_attempts 3, backoff 200 ms doubling).
TEST(DeliveryPolicyTest, UpstreamTable) {
  RetryPolicy retry;
  retry.max_attempts = 3;
  struct UpRow {
    std::string name;
    DeliveryState state;
    UpstreamAnswer answer;
    bool answered_others;
    // Expected.
    DecisionKind kind;
    absl::Time wake_at = absl::InfinitePast();
    int attempts = 0;
    int failures = 0;
    bool failed_update = false;
    Health upstream_health = Health::kNone;
    bool had_failure = false;
  };
  const absl::Time backoff1 = kNow + absl::Milliseconds(200);
  std::vector<UpRow> rows = {
      {"2xx: journal the decision first", {},
       Answer(UpstreamVerdict::kHandled, 1), true,
       DecisionKind::kRecordDecision, absl::InfinitePast(), 0, 0, false,
       Health::kSuccess},
      {"2xx without a reply: still journaled", {},
       Answer(UpstreamVerdict::kHandled, 0), false,
       DecisionKind::kRecordDecision, absl::InfinitePast(), 0, 0, false,
       Health::kSuccess},
      {"5xx while the bot answers others: counted, backoff", {},
       Answer(UpstreamVerdict::kRetry), true, DecisionKind::kRetry, backoff1,
       1, 1, false, Health::kError},
      {"bot down (nobody answered): not counted, backoff grows",
       Upstream(0, 3), Answer(UpstreamVerdict::kRetry), false,
       DecisionKind::kRetry, kNow + absl::Milliseconds(1600), 0, 4, false,
       Health::kError},
      {"Retry-After longer than the backoff wins", {},
       Answer(UpstreamVerdict::kRetry, 0, absl::Seconds(7)), false,
       DecisionKind::kRetry, kNow + absl::Seconds(7), 0, 1, false,
       Health::kError},
      {"poison: the last counted attempt fails the update", Upstream(2, 2),
       Answer(UpstreamVerdict::kRetry), true, DecisionKind::kDone,
       absl::InfinitePast(), 3, 3, true, Health::kError, true},
      {"400: failed delivery at once, not the bot's error", {},
       Answer(UpstreamVerdict::kRefused), true, DecisionKind::kDone,
       absl::InfinitePast(), 0, 0, true, Health::kNone, true},
      {"401: misconfigured waits, never counted", Upstream(2, 2),
       Answer(UpstreamVerdict::kMisconfigured), true, DecisionKind::kRetry,
       kNow + absl::Milliseconds(800), 2, 3, false, Health::kError},
  };
  for (const UpRow& row : rows) {
    SCOPED_TRACE(row.name);
    Decision d = Decide(retry, row.state,
                        StepResult::Upstream(row.answer, row.answered_others),
                        kNow, 1.0);
    EXPECT_EQ(d.kind, row.kind);
    EXPECT_EQ(d.wake_at, row.wake_at);
    EXPECT_EQ(d.next.upstream_attempts, row.attempts);
    EXPECT_EQ(d.next.upstream_failures, row.failures);
    EXPECT_EQ(d.failed_update, row.failed_update);
    EXPECT_EQ(d.upstream_health, row.upstream_health);
    EXPECT_EQ(d.health, Health::kNone);  // never the Bot API's counter
    EXPECT_EQ(d.next.had_failure, row.had_failure);
    EXPECT_FALSE(d.failed_delivery);
  }
}

TEST(DeliveryPolicyTest, RecordedDecisionRunsItsActions) {
  Decision d = Decide(RetryPolicy{}, DeliveryState{},
                      StepResult::Recorded(2, true), kNow, 1.0);
  EXPECT_EQ(d.kind, DecisionKind::kRunAction);
  EXPECT_TRUE(d.next.decided);
  EXPECT_EQ(d.next.action_count, 2u);
  Decision none = Decide(RetryPolicy{}, DeliveryState{},
                         StepResult::Recorded(0, true), kNow, 1.0);
  EXPECT_EQ(none.kind, DecisionKind::kDone);
  EXPECT_FALSE(none.next.had_failure);
  // Not journaled: nothing is acted on, the update is asked again later.
  Decision failed = Decide(RetryPolicy{}, DeliveryState{},
                           StepResult::Recorded(2, false), kNow, 1.0);
  EXPECT_EQ(failed.kind, DecisionKind::kRetry);
  EXPECT_FALSE(failed.next.decided);
  EXPECT_GT(failed.wake_at, kNow);
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
