// DelayQueue: runs callbacks at their due time from one timer thread and a
// min-heap, so a delayed Bot API answer costs a heap entry, not a thread.
//
// Thread-safety: RunAt, Flush and Stop may be called from any thread.
// Callbacks run on the timer thread (or, after Stop, on the caller's
// thread) one at a time and must not block. Lifetime: Stop (also run by the
// destructor) runs every pending callback at once, in due order, and joins
// the thread; no callback runs after Stop returns, except those passed to
// RunAt afterwards, which run at once on the calling thread.
#ifndef TELEGATE_EMULATOR_DELAY_QUEUE_H_
#define TELEGATE_EMULATOR_DELAY_QUEUE_H_

#include <cstdint>
#include <functional>
#include <queue>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace telegate::emulator {

class DelayQueue {
 public:
  using Task = std::function<void()>;

  DelayQueue();
  ~DelayQueue();
  DelayQueue(const DelayQueue&) = delete;
  DelayQueue& operator=(const DelayQueue&) = delete;

  // Runs `task` at `due` (absl::Now() clock) or soon after; tasks with the
  // same due time run in the order they were added.
  void RunAt(absl::Time due, Task task);
  // Runs every pending task now (on the timer thread) without stopping.
  void Flush();
  // Runs what is pending, then joins. Idempotent.
  void Stop();

  // Tasks waiting now.
  size_t pending() const;

 private:
  struct Entry {
    absl::Time due;
    uint64_t seq;
    Task task;
    bool operator>(const Entry& other) const {
      return due != other.due ? due > other.due : seq > other.seq;
    }
  };
  void Loop();

  mutable absl::Mutex mu_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_
      ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool flush_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_DELAY_QUEUE_H_
