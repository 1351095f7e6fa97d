#include "common/retry_policy.h"

#include <algorithm>

#include "absl/random/random.h"

namespace telegate {

absl::Duration BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                            double jitter_factor) {
  absl::Duration delay = policy.initial_backoff;
  for (int i = 1; i < failed_attempts && delay < policy.max_backoff; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, policy.max_backoff);
  return delay * jitter_factor;
}

double DrawJitter(const RetryPolicy& policy) {
  thread_local absl::BitGen gen;
  if (policy.jitter <= 0) return 1.0;
  return absl::Uniform(gen, 1.0 - policy.jitter, 1.0 + policy.jitter);
}

}  // namespace telegate
