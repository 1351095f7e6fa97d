// ChatScheduler: per-chat FIFO queues served by a pool of threads. A chat's
// jobs run strictly one at a time in the order they were added; different
// chats run in parallel; a chat that must wait (flood control, backoff) is
// parked with a wake-up time and never holds a thread or delays other chats.
// Thread-safe. Jobs are owned by the scheduler until Complete().
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
#include "worker/bot_handler.h"

namespace telegate::worker {

// One unit of work for a chat: an update to handle, or a single action to
// re-run (an operator's retry of a failed delivery, update_id 0).
struct Job {
  int64_t update_id = 0;
  std::string chat_key;
  std::string payload;  // raw Telegram JSON; empty for retries
  // Decided on first run (or given for retries), executed in order.
  std::vector<BotAction> actions;
  bool decided = false;
  size_t next_action = 0;
  int attempts = 0;  // failed attempts of actions[next_action]
  bool had_failure = false;  // some action failed for good
  int64_t accepted_at_us = 0;
};

class ChatScheduler {
 public:
  // `clock` drives wake-up times (absl::Now in production).
  explicit ChatScheduler(std::function<absl::Time()> clock = absl::Now);

  void Add(std::unique_ptr<Job> job);

  // Blocks until a chat is ready and returns its head job, marking the chat
  // busy; nullptr once Stop() was called (or `deadline` passed). The caller
  // must hand the job back with Complete() or Defer().
  Job* Next(absl::Time deadline = absl::InfiniteFuture());
  // The head job of its chat is finished: removes it, frees the chat.
  void Complete(const Job* job);
  // The head job stays at the head; the chat sleeps until `wake_at`.
  void Defer(const Job* job, absl::Time wake_at);

  // Wakes every waiting Next() with nullptr, now and from now on.
  void Stop();
  // Graceful stop: Next() keeps handing out jobs until none is left or
  // `deadline` has passed, then returns nullptr.
  void StopWhenIdle(absl::Time deadline);

  // Jobs added and not completed, across all chats.
  int64_t size() const;
  // Chats currently parked until a wake-up time.
  int64_t parked() const;

 private:
  struct Chat {
    std::deque<std::unique_ptr<Job>> jobs;
    bool busy = false;    // a thread holds the head job
    bool parked = false;  // waiting in `timers_`
    bool ready = false;   // waiting in `ready_`
  };

  void MakeReadyLocked(const std::string& key, Chat& chat)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WakeDueLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::function<absl::Time()> clock_;
  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  absl::flat_hash_map<std::string, Chat> chats_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> ready_ ABSL_GUARDED_BY(mu_);
  std::multimap<absl::Time, std::string> timers_ ABSL_GUARDED_BY(mu_);
  int64_t size_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time drain_deadline_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_CHAT_SCHEDULER_H_
