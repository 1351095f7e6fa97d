#include "worker/chat_scheduler.h"

#include "common/check.h"

namespace telegate::worker {

ChatScheduler::ChatScheduler(Clock clock) : clock_(std::move(clock)) {}

void ChatScheduler::SetOnReady(std::function<void()> on_ready) {
  on_ready_ = std::move(on_ready);
}

void ChatScheduler::Add(std::unique_ptr<Delivery> delivery) {
  bool made_ready = false;
  {
    absl::MutexLock lock(&mu_);
    std::string key = delivery->update.chat_key;
    Chat& chat = chats_[key];
    chat.deliveries.push_back(std::move(delivery));
    ++size_;
    if (!chat.busy && !chat.parked) made_ready = MakeReadyLocked(key, chat);
  }
  if (made_ready && on_ready_) on_ready_();
}

bool ChatScheduler::MakeReadyLocked(const std::string& key, Chat& chat) {
  if (chat.ready || chat.deliveries.empty()) return false;
  chat.ready = true;
  ready_.push_back(key);
  return true;
}

void ChatScheduler::WakeDueLocked(absl::Time now) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    std::string key = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());
    auto it = chats_.find(key);
    if (it == chats_.end()) continue;
    it->second.parked = false;
    MakeReadyLocked(key, it->second);
  }
}

Delivery* ChatScheduler::TryNext() {
  absl::MutexLock lock(&mu_);
  if (!timers_.empty()) WakeDueLocked(clock_());
  if (ready_.empty()) return nullptr;
  std::string key = std::move(ready_.front());
  ready_.pop_front();
  Chat& chat = chats_.at(key);
  chat.ready = false;
  chat.busy = true;
  return chat.deliveries.front().get();
}

ChatScheduler::Chat& ChatScheduler::HeldChatLocked(const Delivery* delivery) {
  auto it = chats_.find(delivery->update.chat_key);
  TELEGATE_CHECK(it != chats_.end() && it->second.busy &&
                 it->second.deliveries.front().get() == delivery);
  return it->second;
}

void ChatScheduler::Complete(const Delivery* delivery) {
  absl::MutexLock lock(&mu_);
  std::string key = delivery->update.chat_key;
  Chat& chat = HeldChatLocked(delivery);
  chat.deliveries.pop_front();
  chat.busy = false;
  --size_;
  if (chat.deliveries.empty()) {
    chats_.erase(key);
    return;
  }
  MakeReadyLocked(key, chat);
}

void ChatScheduler::Defer(const Delivery* delivery, absl::Time wake_at) {
  absl::MutexLock lock(&mu_);
  Chat& chat = HeldChatLocked(delivery);
  chat.busy = false;
  chat.parked = true;
  timers_.emplace(wake_at, delivery->update.chat_key);
}

absl::Time ChatScheduler::NextWake() const {
  absl::MutexLock lock(&mu_);
  return timers_.empty() ? absl::InfiniteFuture() : timers_.begin()->first;
}

bool ChatScheduler::WaitUntilEmpty(absl::Duration timeout) const {
  auto empty = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return size_ == 0;
  };
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&empty), timeout);
}

int64_t ChatScheduler::size() const {
  absl::MutexLock lock(&mu_);
  return size_;
}

int64_t ChatScheduler::parked() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(timers_.size());
}

}  // namespace telegate::worker
