#include "emulator/delay_queue.h"

#include <utility>

#include "absl/time/clock.h"

namespace telegate::emulator {

DelayQueue::DelayQueue() : thread_([this] { Loop(); }) {}

DelayQueue::~DelayQueue() { Stop(); }

void DelayQueue::RunAt(absl::Time due, Task task) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      heap_.push({due, next_seq_++, std::move(task)});
      return;
    }
  }
  task();  // stopped: nothing would ever run it
}

void DelayQueue::Flush() {
  absl::MutexLock lock(&mu_);
  if (!heap_.empty()) flush_ = true;
}

void DelayQueue::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  thread_.join();
}

size_t DelayQueue::pending() const {
  absl::MutexLock lock(&mu_);
  return heap_.size();
}

void DelayQueue::Loop() {
  absl::MutexLock lock(&mu_);
  while (true) {
    const bool drain = stopping_ || flush_;
    if (heap_.empty()) {
      flush_ = false;
      if (stopping_) return;
      auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !heap_.empty();
      };
      mu_.Await(absl::Condition(&woken));
      continue;
    }
    const absl::Time due = heap_.top().due;
    if (!drain && due > absl::Now()) {
      // Wake for the due time, an earlier task, a flush or Stop.
      auto changed = [this, due]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || flush_ || heap_.top().due < due;
      };
      mu_.AwaitWithDeadline(absl::Condition(&changed), due);
      continue;
    }
    // priority_queue::top is const: move the task out before popping.
    Task task = std::move(const_cast<Entry&>(heap_.top()).task);
    heap_.pop();
    mu_.Unlock();
    task();
    mu_.Lock();
  }
}

}  // namespace telegate::emulator
