#include "worker/chat_scheduler.h"

#include "common/check.h"

namespace telegate::worker {

ChatScheduler::ChatScheduler(std::function<absl::Time()> clock)
    : clock_(std::move(clock)) {}

void ChatScheduler::Add(std::unique_ptr<Job> job) {
  absl::MutexLock lock(&mu_);
  std::string key = job->chat_key;
  Chat& chat = chats_[key];
  chat.jobs.push_back(std::move(job));
  ++size_;
  if (!chat.busy && !chat.parked) MakeReadyLocked(key, chat);
}

void ChatScheduler::MakeReadyLocked(const std::string& key, Chat& chat) {
  if (chat.ready || chat.jobs.empty()) return;
  chat.ready = true;
  ready_.push_back(key);
  cv_.Signal();
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

Job* ChatScheduler::Next(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  while (true) {
    if (stopped_) return nullptr;
    absl::Time now = clock_();
    if (draining_ && (size_ == 0 || now >= drain_deadline_)) return nullptr;
    WakeDueLocked(now);
    if (!ready_.empty()) {
      std::string key = std::move(ready_.front());
      ready_.pop_front();
      Chat& chat = chats_.at(key);
      chat.ready = false;
      chat.busy = true;
      if (!ready_.empty()) cv_.Signal();  // let another thread take the next
      return chat.jobs.front().get();
    }
    if (now >= deadline) return nullptr;
    absl::Time wake = draining_ ? std::min(deadline, drain_deadline_) : deadline;
    if (!timers_.empty()) wake = std::min(wake, timers_.begin()->first);
    // Timers are in the injected clock's time; wait at most that long in
    // real time, then re-check.
    if (wake == absl::InfiniteFuture()) {
      cv_.Wait(&mu_);
    } else {
      cv_.WaitWithTimeout(&mu_, std::max(wake - now, absl::Milliseconds(1)));
    }
  }
}

void ChatScheduler::Complete(const Job* job) {
  absl::MutexLock lock(&mu_);
  auto it = chats_.find(job->chat_key);
  TELEGATE_CHECK(it != chats_.end() && it->second.busy &&
                 it->second.jobs.front().get() == job);
  Chat& chat = it->second;
  chat.jobs.pop_front();
  chat.busy = false;
  --size_;
  if (draining_ && size_ == 0) cv_.SignalAll();
  if (chat.jobs.empty()) {
    chats_.erase(it);
    return;
  }
  MakeReadyLocked(it->first, chat);
}

void ChatScheduler::Defer(const Job* job, absl::Time wake_at) {
  absl::MutexLock lock(&mu_);
  auto it = chats_.find(job->chat_key);
  TELEGATE_CHECK(it != chats_.end() && it->second.busy &&
                 it->second.jobs.front().get() == job);
  Chat& chat = it->second;
  chat.busy = false;
  chat.parked = true;
  timers_.emplace(wake_at, it->first);
  cv_.Signal();  // a waiting thread may need to shorten its sleep
}

void ChatScheduler::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  cv_.SignalAll();
}

void ChatScheduler::StopWhenIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  draining_ = true;
  drain_deadline_ = deadline;
  cv_.SignalAll();
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
