#include "worker/rate_limiter.h"

#include <string>

namespace telegate::worker {
namespace {

void Trim(std::deque<absl::Time>& window, absl::Time now, absl::Duration span) {
  while (!window.empty() && window.front() <= now - span) window.pop_front();
}

}  // namespace

absl::Time RateLimiter::Acquire(int64_t chat_id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::Time earliest = now;
  Trim(global_, now, absl::Seconds(1));
  if (static_cast<int>(global_.size()) >= limits_.global_per_second) {
    earliest = std::max(earliest, global_.front() + absl::Seconds(1));
  }
  ChatState& chat = chats_[chat_id];
  if (chat_id < 0) {
    Trim(chat.window, now, absl::Minutes(1));
    if (static_cast<int>(chat.window.size()) >= limits_.group_per_minute) {
      earliest = std::max(earliest, chat.window.front() + absl::Minutes(1));
    }
  } else {
    earliest = std::max(earliest, chat.last_send + limits_.per_chat_interval);
  }
  if (earliest > now) return earliest;
  global_.push_back(now);
  chat.last_send = now;
  if (chat_id < 0) chat.window.push_back(now);
  // Forget idle chats now and then so the map stays bounded.
  if (now - last_sweep_ > absl::Minutes(1)) {
    last_sweep_ = now;
    for (auto it = chats_.begin(); it != chats_.end();) {
      auto next = std::next(it);
      if (it->second.last_send < now - absl::Minutes(1)) chats_.erase(it);
      it = next;
    }
  }
  return now;
}

bool IsRateLimitedMethod(const std::string& method) {
  return method.rfind("send", 0) == 0 || method.rfind("forward", 0) == 0 ||
         method.rfind("copy", 0) == 0;
}

}  // namespace telegate::worker
