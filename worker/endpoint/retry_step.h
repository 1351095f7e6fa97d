// What the endpoint does after one attempt of a Bot API call: answer the
// caller now, or retry after a delay (Telegram's retry_after on a 429;
// capped exponential backoff on a 5xx or network failure), never past the
// call's max_wait. A pure function; thread-safe.
#ifndef TELEGATE_WORKER_ENDPOINT_RETRY_STEP_H_
#define TELEGATE_WORKER_ENDPOINT_RETRY_STEP_H_

#include "absl/time/time.h"
#include "common/bot_api_client.h"
#include "common/retry_policy.h"

namespace telegate::worker {

struct RetryStep {
  enum class Kind { kAnswer, kRetry };
  Kind kind = Kind::kAnswer;
  absl::Duration delay;     // kRetry: wait this long, then attempt again
  bool flood_wait = false;  // kRetry because of a 429's retry_after

  friend bool operator==(const RetryStep& a, const RetryStep& b) {
    return a.kind == b.kind && a.delay == b.delay &&
           a.flood_wait == b.flood_wait;
  }
};

// `attempts` (>= 1) made so far, `elapsed` since the call arrived.
// Success and permanent failures (Classify) are answered; a 429 with
// retry_after waits that long; a 429 without it and transient failures back
// off per `policy` (at most policy.max_attempts attempts) with
// `jitter_factor`. A retry whose wait would end past `max_wait` is an
// answer instead: the last result goes back unchanged.
RetryStep NextStep(const ApiResult& result, int attempts,
                   absl::Duration elapsed, absl::Duration max_wait,
                   const RetryPolicy& policy, double jitter_factor);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ENDPOINT_RETRY_STEP_H_
