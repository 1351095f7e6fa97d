// WaitUntil: polls a condition in small steps until it holds or a generous
// deadline passes. For state with no notification to wait on (counters
// updated after a fake returns); never a fixed sleep standing in for one.
#ifndef TELEGATE_TESTS_WORKER_WAIT_UNTIL_H_
#define TELEGATE_TESTS_WORKER_WAIT_UNTIL_H_

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace telegate::testing {

// True as soon as `condition()` is; false when `timeout` passed first.
inline bool WaitUntil(const std::function<bool()>& condition,
                      absl::Duration timeout = absl::Seconds(10)) {
  absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_WORKER_WAIT_UNTIL_H_
