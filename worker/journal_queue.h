// JournalQueue: the group commit shared by the Journal implementations
// (SqliteJournal, PostgresJournal). Callers enqueue appends, mark-dones and
// decisions; one writer thread (RunWriter) takes what is queued (at most
// max_batch appends and whatever lies between them), hands it to the
// implementation's commit function as one batch, then runs the callbacks:
// on a failed commit every append and decision of the batch gets the error,
// never a false kAccepted. Thread-safe. Stop() ends RunWriter once the queue
// is empty; no callback runs after RunWriter returns.
#ifndef TELEGATE_WORKER_JOURNAL_QUEUE_H_
#define TELEGATE_WORKER_JOURNAL_QUEUE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "worker/journal.h"

namespace telegate::worker {

class JournalQueue {
 public:
  // One queued request, in arrival order.
  enum class OpKind { kAppend, kMarkDone, kRecordDecision };
  struct PendingOp {
    OpKind kind = OpKind::kMarkDone;
    // kMarkDone uses entry.update_id; kRecordDecision entry.update_id and
    // entry.decision_json.
    JournalEntry entry;
    AppendCallback done;                        // kAppend
    std::function<void(absl::Status)> decided;  // kRecordDecision
    int64_t done_at_us = 0;                     // kMarkDone
  };
  // The outcome of one append in a batch.
  struct AppendResult {
    absl::StatusOr<AppendOutcome> outcome;
    int64_t seq = 0;
  };
  // Runs a batch in one transaction; on success `results` has one entry per
  // append of the batch, in order.
  using CommitFn = std::function<absl::Status(
      const std::vector<PendingOp>& batch, std::vector<AppendResult>* results)>;

  void Append(JournalEntry entry, AppendCallback done);
  void MarkDone(int64_t update_id, int64_t done_at_us);
  void RecordDecision(int64_t update_id, std::string decision_json,
                      std::function<void(absl::Status)> done);
  // Blocks until everything queued so far is committed and reported.
  void Flush();
  // Batches committed so far.
  int64_t commits() const;

  // The writer thread's body: commits batches until Stop() and the queue is
  // empty. `after_round` runs after each round, also when idle for
  // `idle_wakeup` (pruning on schedule). `component` names the log lines.
  void RunWriter(int max_batch, absl::Duration idle_wakeup,
                 const CommitFn& commit,
                 const std::function<void()>& after_round,
                 const char* component);
  void Stop();

 private:
  void Push(PendingOp op);

  mutable absl::Mutex mu_;
  absl::CondVar work_cv_;  // something queued, or stopping
  absl::CondVar done_cv_;  // completed_ advanced
  std::deque<PendingOp> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t enqueued_ ABSL_GUARDED_BY(mu_) = 0;   // ops ever queued
  uint64_t completed_ ABSL_GUARDED_BY(mu_) = 0;  // ops committed + reported
  int64_t commits_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_JOURNAL_QUEUE_H_
