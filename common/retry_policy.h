// Backoff for transient failures (the worker's Bot API calls: 5xx,
// timeouts, network errors; the gateway's getUpdates polling): bounded
// attempts, exponential delay with jitter. Pure; thread-safe.
#ifndef TELEGATE_COMMON_RETRY_POLICY_H_
#define TELEGATE_COMMON_RETRY_POLICY_H_

#include "absl/time/time.h"

namespace telegate {

struct RetryPolicy {
  int max_attempts = 5;  // attempts of one call before it is a failure
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
  double jitter = 0.2;  // delay is multiplied by a factor in [1-j, 1+j]
};

// Delay after `failed_attempts` (>= 1) failures: initial * 2^(n-1), capped,
// times `jitter_factor` (drawn by the caller from [1-jitter, 1+jitter]).
absl::Duration BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                            double jitter_factor);

// Draws a jitter factor from a thread-local generator.
double DrawJitter(const RetryPolicy& policy);

}  // namespace telegate

#endif  // TELEGATE_COMMON_RETRY_POLICY_H_
