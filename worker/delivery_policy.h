// The delivery policy: one pure function that says what happens next to an
// accepted update, given where its delivery stands, the result of the step
// just taken and the time. The executors (UpdateProcessor's loops) only
// perform the Decision; every rule about retries, flood waits, failed
// deliveries, migrations and rate-limit slots lives here and is tested as a
// table (tests/worker/delivery_policy_test.cc). Pure: no I/O, no clock, no
// randomness (the jitter factor is an argument). Thread-safe.
#ifndef TELEGATE_WORKER_DELIVERY_POLICY_H_
#define TELEGATE_WORKER_DELIVERY_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "common/bot_api_client.h"
#include "common/retry_policy.h"
#include "worker/accepted_update.h"
#include "worker/bot_handler.h"
#include "worker/upstream/upstream_answer.h"

namespace telegate::worker {

// Where one update's delivery stands. Changed only through Decision::next.
struct DeliveryState {
  bool decided = false;     // the handler's actions are known
  size_t action_count = 0;  // how many actions were decided
  size_t next_action = 0;   // the action to perform next
  int attempts = 0;         // failed attempts / moves of the current action
  bool had_failure = false;  // some action failed for good
  // Upstream bot posts of this update that failed while the bot answered
  // other updates (the poison count, bounded by max_attempts), and all
  // failed posts (for the backoff).
  int upstream_attempts = 0;
  int upstream_failures = 0;
};

// The step just taken.
enum class StepKind {
  kResume,     // the delivery was taken up (first time, or after a park)
  kDecided,    // the handler ran: `actions` decided, `handler_ok` false if
               // it threw or the payload was not JSON
  kRateSlot,   // our own rate limiter was asked: `slot` is when a send may
               // go (<= now: the slot was taken)
  kCall,       // the Bot API answered the current action: `api`
  kUpstream,   // the upstream bot answered the posted update (or did
               // not): `upstream`; `answered_others`: it answered other
               // updates since this one's previous post
  kRecorded,   // the decision was journaled (`handler_ok` false: the
               // journal failed)
  // Room for later outcomes, each one more case here and in Decide:
  //   kLeaseLost — this worker lost the partition the chat belongs to
  //     (Decision kRelease: drop from memory without marking done).
};

struct StepResult {
  StepKind kind = StepKind::kResume;
  size_t actions = 0;       // kDecided
  bool handler_ok = true;   // kDecided
  absl::Time slot;          // kRateSlot
  const ApiResult* api = nullptr;  // kCall; must outlive the Decide call
  const UpstreamAnswer* upstream = nullptr;  // kUpstream; likewise
  bool answered_others = false;              // kUpstream

  static StepResult Resume() { return {}; }
  static StepResult Decided(size_t n, bool ok) {
    StepResult r;
    r.kind = StepKind::kDecided;
    r.actions = n;
    r.handler_ok = ok;
    return r;
  }
  static StepResult RateSlot(absl::Time slot) {
    StepResult r;
    r.kind = StepKind::kRateSlot;
    r.slot = slot;
    return r;
  }
  static StepResult Upstream(const UpstreamAnswer& answer,
                             bool answered_others) {
    StepResult r;
    r.kind = StepKind::kUpstream;
    r.upstream = &answer;
    r.answered_others = answered_others;
    r.actions = answer.actions.size();
    return r;
  }
  static StepResult Recorded(size_t n, bool ok) {
    StepResult r;
    r.kind = StepKind::kRecorded;
    r.actions = n;
    r.handler_ok = ok;
    return r;
  }
  static StepResult Call(const ApiResult& api) {
    StepResult r;
    r.kind = StepKind::kCall;
    r.api = &api;
    return r;
  }
};

enum class DecisionKind {
  kDecide,       // decide the actions: the journaled decision on replay,
                 // else post the update to the upstream bot (when one is
                 // set), else run the built-in handler
  kRecordDecision,  // journal the upstream bot's actions before acting
                    // on them (a crash then never posts the update again)
  kRunAction,    // perform actions[next.next_action]: ask the rate
                 // limiter first when it applies to the method, else kSend
  kSend,         // call the Bot API with the current action now
  kMigrate,      // set the action's chat_id to migrate_to_chat_id, perform
                 // it again now
  kPark,         // the chat waits until wake_at (flood wait, rate limit),
                 // then the delivery resumes; not an error
  kRetry,        // transient failure: the chat waits until wake_at, then
                 // the same action is tried again
  kDone,         // every action taken: mark the update handled
  // Reserved: kRelease (lost lease: forget without marking done).
};

// What the call's result means for the bot's error-recovery count.
enum class Health { kNone, kSuccess, kError };

// Why a chat is parked (for counters and logs).
enum class ParkReason { kNone, kFloodWait, kRateLimit, kUpstream };

struct Decision {
  DecisionKind kind = DecisionKind::kDone;
  DeliveryState next;  // the state to store before performing the decision
  absl::Time wake_at = absl::InfinitePast();  // kPark, kRetry
  ParkReason park_reason = ParkReason::kNone;
  int64_t migrate_to_chat_id = 0;            // kMigrate
  // The action just tried failed for good: record a failed delivery (the
  // decision then moves on to the next action, or kDone).
  bool failed_delivery = false;
  // The upstream bot refused the update, or it kept failing while the bot
  // answered others: record the update as a failed delivery.
  bool failed_update = false;
  Health health = Health::kNone;           // the Bot API's counter
  Health upstream_health = Health::kNone;  // the upstream bot's counter
};

// The policy. `jitter` is a factor drawn from [1 - j, 1 + j] (DrawJitter);
// it only matters for kRetry.
Decision Decide(const RetryPolicy& retry, const DeliveryState& state,
                const StepResult& step, absl::Time now, double jitter);

// One update being delivered: the record, the decided actions, the state.
// Owned by the ChatScheduler from Add until Complete; touched by one loop at
// a time (the one that took its chat).
struct Delivery {
  AcceptedUpdate update;
  std::vector<BotAction> actions;
  DeliveryState state;
  // Executor bookkeeping for the upstream bot's poison count: when the
  // previous post of this update started.
  absl::Time previous_post_at = absl::InfinitePast();
  // The upstream bot's answer being acted on (kUpstream step).
  UpstreamAnswer upstream_answer;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_DELIVERY_POLICY_H_
