// Optional proactive rate limits for outgoing messages, with Telegram's
// documented numbers as defaults: about 30 messages/s overall, 1 message/s
// per chat, 20 messages/minute per group (chat id < 0). Thread-safe.
#ifndef TELEGATE_WORKER_RATE_LIMITER_H_
#define TELEGATE_WORKER_RATE_LIMITER_H_

#include <cstdint>
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace telegate::worker {

struct RateLimits {
  int global_per_second = 30;
  absl::Duration per_chat_interval = absl::Seconds(1);
  int group_per_minute = 20;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimits limits) : limits_(limits) {}

  // Takes a send slot for `chat_id` at `now` and returns `now`, or, when a
  // limit is reached, takes nothing and returns the earliest time to ask
  // again.
  absl::Time Acquire(int64_t chat_id, absl::Time now);

 private:
  struct ChatState {
    absl::Time last_send = absl::InfinitePast();
    std::deque<absl::Time> window;  // groups: sends in the last minute
  };

  const RateLimits limits_;
  absl::Mutex mu_;
  std::deque<absl::Time> global_ ABSL_GUARDED_BY(mu_);  // last second
  absl::flat_hash_map<int64_t, ChatState> chats_ ABSL_GUARDED_BY(mu_);
  absl::Time last_sweep_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// True for methods that send a message to a chat (send*, forward*, copy*).
bool IsRateLimitedMethod(const std::string& method);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_RATE_LIMITER_H_
