// UpdateProcessor: the worker's pool of processing threads. Each thread owns
// its own Bot API client (replaced when the bot is re-initialised), takes the
// next ready chat from the ChatScheduler and performs that job's Bot API
// calls: success resets the error counter; 429 parks the chat for
// retry_after (not an error); transient failures are retried with backoff;
// permanent ones are recorded as failed deliveries; a migrated group gets the
// reply at its new id. Finished updates are marked done in the Journal.
// Start once; Stop joins every thread.
#ifndef TELEGATE_WORKER_UPDATE_PROCESSOR_H_
#define TELEGATE_WORKER_UPDATE_PROCESSOR_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/bot_api_client.h"
#include "common/retry_policy.h"
#include "worker/bot_handler.h"
#include "worker/bot_runtime.h"
#include "worker/chat_scheduler.h"
#include "worker/journal.h"
#include "worker/rate_limiter.h"
#include "worker/stats.h"

namespace telegate::worker {

struct ProcessorOptions {
  int threads = 4;
  RetryPolicy retry;
  std::optional<RateLimits> rate_limits;  // nullopt: no proactive limits
};

class UpdateProcessor {
 public:
  // Every pointer must outlive the processor.
  UpdateProcessor(ProcessorOptions options, ChatScheduler* scheduler,
                  Journal* journal, BotRuntime* runtime, BotHandler* handler,
                  WorkerStats* stats,
                  std::function<absl::Time()> clock = absl::Now);
  ~UpdateProcessor();

  void Start();

  // What each thread is doing, for the Admin API.
  struct ThreadSnapshot {
    bool busy = false;
    uint64_t client_generation = 0;
    int64_t calls = 0;
  };
  std::vector<ThreadSnapshot> ThreadStates() const;
  // Lets the threads finish queued work until `grace` has passed (what is
  // left stays journaled), then joins them. Idempotent.
  void Stop(absl::Duration grace);

 private:
  struct ThreadInfo {
    std::atomic<bool> busy{false};
    std::atomic<uint64_t> generation{0};
    std::atomic<int64_t> calls{0};
  };

  void Run(ThreadInfo* info);
  // Runs `job` until it finishes or has to wait; hands it back to the
  // scheduler either way.
  void Step(Job* job, BotApiClient& client, ThreadInfo* info);
  // Records the failed call and moves `job` on to its next action.
  void RecordFailure(Job* job, const BotAction& action,
                     const ApiResult& result);
  void Finish(Job* job);

  const ProcessorOptions options_;
  ChatScheduler* const scheduler_;
  Journal* const journal_;
  BotRuntime* const runtime_;
  BotHandler* const handler_;
  WorkerStats* const stats_;
  const std::function<absl::Time()> clock_;
  std::unique_ptr<RateLimiter> limiter_;
  std::vector<std::unique_ptr<ThreadInfo>> infos_;  // fixed after Start
  std::vector<std::thread> threads_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_UPDATE_PROCESSOR_H_
