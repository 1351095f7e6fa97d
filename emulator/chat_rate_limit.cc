#include "emulator/chat_rate_limit.h"

#include <algorithm>
#include <cmath>

namespace telegate::emulator {

ChatRateLimit::ChatRateLimit(double per_second)
    : per_second_(std::max(0.0, per_second)),
      capacity_(std::max(1.0, per_second_)) {}

std::optional<int> ChatRateLimit::Take(int64_t chat_id, absl::Time now) {
  if (per_second_ <= 0) return std::nullopt;
  auto [it, inserted] = buckets_.try_emplace(chat_id, Bucket{capacity_, now});
  Bucket& b = it->second;
  if (!inserted && now > b.at) {
    b.tokens = std::min(capacity_,
                        b.tokens + absl::ToDoubleSeconds(now - b.at) *
                                       per_second_);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  const double wait = (1 - b.tokens) / per_second_;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

}  // namespace telegate::emulator
