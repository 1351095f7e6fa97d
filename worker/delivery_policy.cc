#include "worker/delivery_policy.h"

#include <algorithm>

namespace telegate::worker {
namespace {

// The current action is over (done or failed for good): the next one, or
// the end.
Decision Advance(DeliveryState state) {
  Decision d;
  state.attempts = 0;
  ++state.next_action;
  d.kind = state.next_action < state.action_count ? DecisionKind::kRunAction
                                                  : DecisionKind::kDone;
  d.next = state;
  return d;
}

Decision FailAction(DeliveryState state, Health health) {
  state.had_failure = true;
  Decision d = Advance(state);
  d.failed_delivery = true;
  d.health = health;
  return d;
}

Decision OnCall(const RetryPolicy& retry, const DeliveryState& state,
                const ApiResult& api, absl::Time now, double jitter) {
  Decision d;
  d.next = state;
  switch (Classify(api)) {
    case Outcome::kOk: {
      Decision ok = Advance(state);
      ok.health = Health::kSuccess;
      return ok;
    }
    case Outcome::kRetryAfter:
      // Flood control: honour retry_after, same attempt; not an error.
      d.kind = DecisionKind::kPark;
      d.park_reason = ParkReason::kFloodWait;
      d.wake_at = now + absl::Seconds(std::max(api.retry_after, 1));
      return d;
    case Outcome::kMigrated:
      // Not an error either; bounded so two ids pointing at each other
      // cannot loop for ever.
      if (++d.next.attempts <= retry.max_attempts) {
        d.kind = DecisionKind::kMigrate;
        d.migrate_to_chat_id = api.migrate_to_chat_id;
        return d;
      }
      return FailAction(state, Health::kNone);
    case Outcome::kTransient:
      if (++d.next.attempts < retry.max_attempts) {
        d.kind = DecisionKind::kRetry;
        d.health = Health::kError;
        d.wake_at = now + BackoffDelay(retry, d.next.attempts, jitter);
        return d;
      }
      return FailAction(state, Health::kError);
    case Outcome::kPermanent:
      return FailAction(state, Health::kError);
  }
  return FailAction(state, Health::kError);
}

Decision OnUpstream(const RetryPolicy& retry, const DeliveryState& state,
                    const StepResult& step, absl::Time now, double jitter) {
  const UpstreamAnswer& answer = *step.upstream;
  Decision d;
  d.next = state;
  switch (answer.verdict) {
    case UpstreamVerdict::kHandled:
      d.kind = DecisionKind::kRecordDecision;
      d.upstream_health = Health::kSuccess;
      return d;
    case UpstreamVerdict::kRefused:
      d.next.had_failure = true;
      d.next.decided = true;
      d.kind = DecisionKind::kDone;
      d.failed_update = true;
      return d;  // the bot answered: not an error of the bot's
    case UpstreamVerdict::kRetry:
    case UpstreamVerdict::kMisconfigured: {
      d.upstream_health = Health::kError;
      ++d.next.upstream_failures;
      // A bot that is down (or refuses telegate) costs no update: only
      // failures while it answers others count toward the poison limit.
      if (answer.verdict == UpstreamVerdict::kRetry && step.answered_others &&
          ++d.next.upstream_attempts >= retry.max_attempts) {
        d.next.had_failure = true;
        d.next.decided = true;
        d.kind = DecisionKind::kDone;
        d.failed_update = true;
        return d;
      }
      d.kind = DecisionKind::kRetry;
      d.park_reason = ParkReason::kUpstream;
      d.wake_at =
          now + std::max(answer.retry_after,
                         BackoffDelay(retry, d.next.upstream_failures, jitter));
      return d;
    }
  }
  return d;
}

}  // namespace

Decision Decide(const RetryPolicy& retry, const DeliveryState& state,
                const StepResult& step, absl::Time now, double jitter) {
  Decision d;
  d.next = state;
  switch (step.kind) {
    case StepKind::kResume:
      if (!state.decided) {
        d.kind = DecisionKind::kDecide;
      } else {
        d.kind = state.next_action < state.action_count
                     ? DecisionKind::kRunAction
                     : DecisionKind::kDone;
      }
      return d;
    case StepKind::kUpstream:
      return OnUpstream(retry, state, step, now, jitter);
    case StepKind::kRecorded:
      if (!step.handler_ok) {
        // Not journaled: act on nothing, ask the bot again later (the
        // journal's own failure is the worker's error, not the bot's).
        d.kind = DecisionKind::kRetry;
        d.wake_at = now + BackoffDelay(retry, 1, jitter);
        return d;
      }
      [[fallthrough]];
    case StepKind::kDecided:
      d.next.decided = true;
      d.next.action_count = step.actions;
      d.next.next_action = 0;
      d.next.attempts = 0;
      if (!step.handler_ok) d.next.had_failure = true;
      d.kind = step.actions > 0 ? DecisionKind::kRunAction : DecisionKind::kDone;
      return d;
    case StepKind::kRateSlot:
      if (step.slot > now) {
        d.kind = DecisionKind::kPark;
        d.park_reason = ParkReason::kRateLimit;
        d.wake_at = step.slot;
      } else {
        d.kind = DecisionKind::kSend;
      }
      return d;
    case StepKind::kCall:
      return OnCall(retry, state, *step.api, now, jitter);
  }
  return d;
}

}  // namespace telegate::worker
