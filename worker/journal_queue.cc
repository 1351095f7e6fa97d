#include "worker/journal_queue.h"

#include <algorithm>
#include <utility>

#include "common/log.h"

namespace telegate::worker {

void JournalQueue::Push(PendingOp op) {
  absl::MutexLock lock(&mu_);
  queue_.push_back(std::move(op));
  ++enqueued_;
  work_cv_.Signal();
}

void JournalQueue::Append(JournalEntry entry, AppendCallback done) {
  PendingOp op;
  op.kind = OpKind::kAppend;
  op.entry = std::move(entry);
  op.done = std::move(done);
  Push(std::move(op));
}

void JournalQueue::MarkDone(int64_t update_id, int64_t done_at_us) {
  PendingOp op;
  op.entry.update_id = update_id;
  op.done_at_us = done_at_us;
  Push(std::move(op));
}

void JournalQueue::RecordDecision(int64_t update_id, std::string decision_json,
                                  std::function<void(absl::Status)> done) {
  PendingOp op;
  op.kind = OpKind::kRecordDecision;
  op.entry.update_id = update_id;
  op.entry.decision_json = std::move(decision_json);
  op.decided = std::move(done);
  Push(std::move(op));
}

void JournalQueue::Flush() {
  absl::MutexLock lock(&mu_);
  const uint64_t target = enqueued_;
  while (completed_ < target) done_cv_.Wait(&mu_);
}

int64_t JournalQueue::commits() const {
  absl::MutexLock lock(&mu_);
  return commits_;
}

void JournalQueue::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  work_cv_.Signal();
}

void JournalQueue::RunWriter(int max_batch, absl::Duration idle_wakeup,
                             const CommitFn& commit,
                             const std::function<void()>& after_round,
                             const char* component) {
  while (true) {
    std::vector<PendingOp> batch;
    {
      absl::MutexLock lock(&mu_);
      // The timeout only lets an idle journal run after_round on schedule.
      if (queue_.empty() && !stopping_) {
        work_cv_.WaitWithTimeout(&mu_, idle_wakeup);
      }
      int appends = 0;
      while (!queue_.empty()) {
        if (queue_.front().kind == OpKind::kAppend) {
          if (appends == max_batch) break;
          ++appends;
        }
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!batch.empty()) {
      std::vector<AppendResult> results;
      absl::Status committed = commit(batch, &results);
      if (committed.ok()) {
        absl::MutexLock lock(&mu_);
        ++commits_;
      } else {
        log::Warn(component, "batch_failed",
                  {{"ops", batch.size()},
                   {"error", std::string(committed.message())}});
        size_t appends = std::count_if(
            batch.begin(), batch.end(),
            [](const PendingOp& op) { return op.kind == OpKind::kAppend; });
        results.assign(appends, AppendResult{committed, 0});
      }
      size_t next = 0;
      for (PendingOp& op : batch) {
        if (op.kind == OpKind::kRecordDecision) {
          if (op.decided) op.decided(committed);
        } else if (op.kind == OpKind::kAppend) {
          AppendResult& result = results[next++];
          if (op.done) op.done(std::move(result.outcome), result.seq);
        }
      }
    }
    if (after_round) after_round();
    absl::MutexLock lock(&mu_);
    if (!batch.empty()) {
      completed_ += batch.size();
      done_cv_.SignalAll();
    }
    // Callbacks may have queued more; stop only once nothing is left.
    if (stopping_ && queue_.empty()) return;
  }
}

}  // namespace telegate::worker
