// Intake: admission of updates from the gRPC stream. Refuses when stopping
// or when accepted-but-unfinished updates reach the limit (bounded memory),
// records the rest in the Journal (group commit) and, once committed, queues
// them on the ChatScheduler and reports the outcome. Thread-safe; Submit
// never blocks.
#ifndef TELEGATE_WORKER_INTAKE_H_
#define TELEGATE_WORKER_INTAKE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "worker/chat_scheduler.h"
#include "worker/clock.h"
#include "worker/journal.h"
#include "worker/stats.h"

namespace telegate::worker {

enum class SubmitResult {
  kAccepted,      // journaled and queued
  kDuplicate,     // update_id seen before; nothing queued
  kOverloaded,    // too many unfinished updates
  kStopping,      // shutting down
  kJournalError,  // could not record it durably
};

class Intake {
 public:
  // Everything must outlive the intake.
  Intake(Journal* journal, ChatScheduler* scheduler, WorkerStats* stats,
         int64_t limit, Clock clock = RealClock());

  // `done` runs exactly once: inline for refusals, else on the journal's
  // thread after the commit. It must not block.
  void Submit(int64_t update_id, std::string chat_key, std::string payload,
              std::function<void(SubmitResult)> done);

  // Queues every unfinished journal entry, in acceptance order. Call once,
  // before the first Submit.
  absl::Status Replay();

  // From now on every Submit answers kStopping.
  void Stop();

  // Appends not yet committed + jobs queued or running.
  int64_t in_flight() const;

 private:
  Journal* const journal_;
  ChatScheduler* const scheduler_;
  WorkerStats* const stats_;
  const int64_t limit_;
  const Clock clock_;
  mutable absl::Mutex mu_;
  int64_t appending_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_INTAKE_H_
