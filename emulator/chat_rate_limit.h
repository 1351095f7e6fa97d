// ChatRateLimit: Telegram's flood control for messages sent to one chat
// ("avoid sending more than one message per second"), as a token bucket per
// chat: `per_second` tokens a second, at most `per_second` (at least 1)
// saved up, so a short burst passes and a sustained faster stream gets 429
// with retry_after. Pure policy on an injected time; not thread-safe (BotApi
// calls it under its own mutex).
#ifndef TELEGATE_EMULATOR_CHAT_RATE_LIMIT_H_
#define TELEGATE_EMULATOR_CHAT_RATE_LIMIT_H_

#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace telegate::emulator {

class ChatRateLimit {
 public:
  // 0 (or less): no limit.
  explicit ChatRateLimit(double per_second = 0);

  // nullopt: the message may go (a token is taken). Otherwise the whole
  // seconds (at least 1) to wait: the 429's retry_after.
  std::optional<int> Take(int64_t chat_id, absl::Time now);

  double per_second() const { return per_second_; }

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time at;
  };
  double per_second_;
  double capacity_;
  absl::flat_hash_map<int64_t, Bucket> buckets_;
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_CHAT_RATE_LIMIT_H_
