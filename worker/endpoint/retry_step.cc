#include "worker/endpoint/retry_step.h"

namespace telegate::worker {

RetryStep NextStep(const ApiResult& result, int attempts,
                   absl::Duration elapsed, absl::Duration max_wait,
                   const RetryPolicy& policy, double jitter_factor) {
  RetryStep retry{RetryStep::Kind::kRetry, absl::ZeroDuration(), false};
  switch (Classify(result)) {
    case Outcome::kRetryAfter:
      if (result.retry_after > 0) {
        retry.delay = absl::Seconds(result.retry_after);
        retry.flood_wait = true;
        break;
      }
      [[fallthrough]];
    case Outcome::kTransient:
      if (attempts >= policy.max_attempts) return RetryStep{};
      retry.delay = BackoffDelay(policy, attempts, jitter_factor);
      break;
    case Outcome::kOk:
    case Outcome::kMigrated:
    case Outcome::kPermanent:
      return RetryStep{};
  }
  if (elapsed + retry.delay > max_wait) return RetryStep{};
  return retry;
}

}  // namespace telegate::worker
