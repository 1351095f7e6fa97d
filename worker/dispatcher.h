// Dispatcher: the worker's pool of processing threads. Each thread owns its
// own Bot API client and a queue; an update goes to the thread chosen by its
// chat key, so one chat's updates run one at a time, in acceptance order.
// Submit() never blocks. Thread-safe; Stop() joins all threads, after which
// no handler runs.
#ifndef TELEGATE_WORKER_DISPATCHER_H_
#define TELEGATE_WORKER_DISPATCHER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "worker/bot_handler.h"
#include "worker/bot_runtime.h"
#include "worker/recent_ids.h"
#include "worker/stats.h"

namespace telegate::worker {

struct DispatcherOptions {
  int threads = 4;
  int64_t queue_limit = 1000;  // accepted-but-unfinished updates, all threads
  size_t dedup_capacity = 100000;
};

enum class SubmitResult { kAccepted, kDuplicate, kOverloaded, kStopping };

struct QueuedUpdate {
  int64_t update_id = 0;
  std::string chat_key;
  std::string payload;  // raw Telegram JSON
};

class Dispatcher {
 public:
  // `runtime`, `handler` and `stats` must outlive the dispatcher.
  Dispatcher(DispatcherOptions options, BotRuntime* runtime,
             BotHandler* handler, WorkerStats* stats);
  ~Dispatcher();

  void Start();
  SubmitResult Submit(QueuedUpdate update);
  // Refuses new updates, lets the threads drain their queues until
  // `deadline` has passed, then joins them. Idempotent.
  void Stop(absl::Duration deadline);

  int64_t queue_depth() const;
  int threads() const { return options_.threads; }

 private:
  struct Lane {
    absl::Mutex mu;
    absl::CondVar cv;
    std::deque<QueuedUpdate> queue ABSL_GUARDED_BY(mu);
    std::thread thread;
  };

  void Run(Lane* lane);
  void Process(const QueuedUpdate& update, BotApiClient& client);

  const DispatcherOptions options_;
  BotRuntime* const runtime_;
  BotHandler* const handler_;
  WorkerStats* const stats_;
  std::vector<std::unique_ptr<Lane>> lanes_;

  mutable absl::Mutex mu_;
  RecentIds recent_ ABSL_GUARDED_BY(mu_);
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time drain_deadline_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_DISPATCHER_H_
