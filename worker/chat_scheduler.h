// ChatScheduler: per-chat FIFO queues of deliveries, shared by every
// processing loop. A chat's deliveries are handed out strictly one at a time
// in the order they were added (one action in flight per chat, so its order
// holds); different chats are handed out independently, to whichever loop
// asks. A chat that must wait (flood control, backoff, rate limit) is parked
// with a wake-up time: an entry in a timer map, holding no thread.
// Never blocks a caller except WaitUntilEmpty. Thread-safe. Deliveries are
// owned by the scheduler from Add until Complete.
#ifndef TELEGATE_WORKER_CHAT_SCHEDULER_H_
#define TELEGATE_WORKER_CHAT_SCHEDULER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "worker/clock.h"
#include "worker/delivery_policy.h"

namespace telegate::worker {

class ChatScheduler {
 public:
  explicit ChatScheduler(Clock clock = RealClock());

  // `on_ready` runs (outside the lock, on the adding thread) whenever Add
  // made a chat ready. Set once, before the first Add.
  void SetOnReady(std::function<void()> on_ready);

  void Add(std::unique_ptr<Delivery> delivery);

  // Wakes parked chats that are due, then returns the head delivery of a
  // ready chat, marking the chat busy; nullptr when no chat is ready. The
  // caller hands it back with Complete() or Defer().
  Delivery* TryNext();
  // The head delivery of its chat is finished: removes it, frees the chat.
  void Complete(const Delivery* delivery);
  // The head delivery stays at the head; the chat sleeps until `wake_at`.
  void Defer(const Delivery* delivery, absl::Time wake_at);

  // The earliest wake-up time of a parked chat; InfiniteFuture if none.
  absl::Time NextWake() const;

  // Blocks (not for loop threads) until no delivery is left or `timeout`
  // (real time) has passed; true when empty.
  bool WaitUntilEmpty(absl::Duration timeout) const;

  // Deliveries added and not completed, across all chats.
  int64_t size() const;
  // Chats currently parked until a wake-up time.
  int64_t parked() const;

 private:
  struct Chat {
    std::deque<std::unique_ptr<Delivery>> deliveries;
    bool busy = false;    // a loop holds the head delivery
    bool parked = false;  // waiting in `timers_`
    bool ready = false;   // waiting in `ready_`
  };

  // True when the chat was made ready.
  bool MakeReadyLocked(const std::string& key, Chat& chat)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WakeDueLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Chat& HeldChatLocked(const Delivery* delivery)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock clock_;
  std::function<void()> on_ready_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Chat> chats_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> ready_ ABSL_GUARDED_BY(mu_);
  std::multimap<absl::Time, std::string> timers_ ABSL_GUARDED_BY(mu_);
  int64_t size_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_CHAT_SCHEDULER_H_
