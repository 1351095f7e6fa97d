#include "worker/intake.h"

#include <optional>

#include "absl/time/clock.h"
#include "common/log.h"

namespace telegate::worker {

Intake::Intake(Journal* journal, ChatScheduler* scheduler, WorkerStats* stats,
               int64_t limit)
    : journal_(journal), scheduler_(scheduler), stats_(stats), limit_(limit) {}

void Intake::Submit(int64_t update_id, std::string chat_key,
                    std::string payload,
                    std::function<void(SubmitResult)> done) {
  stats_->received.fetch_add(1);
  std::optional<SubmitResult> refusal;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refusal = SubmitResult::kStopping;
    } else if (appending_ + scheduler_->size() >= limit_) {
      stats_->overloaded.fetch_add(1);
      refusal = SubmitResult::kOverloaded;
    } else {
      ++appending_;
    }
  }
  if (refusal) {
    done(*refusal);
    return;
  }
  JournalEntry entry;
  entry.update_id = update_id;
  entry.chat_key = std::move(chat_key);
  entry.payload = std::move(payload);
  entry.accepted_at_us = absl::ToUnixMicros(absl::Now());
  // The job is built now (the entry's strings move into the journal) and
  // owned by the callback, which the journal always runs exactly once.
  auto* job = new Job;
  job->update_id = update_id;
  job->chat_key = entry.chat_key;
  job->payload = entry.payload;
  job->accepted_at_us = entry.accepted_at_us;
  journal_->Append(
      std::move(entry),
      [this, job, done = std::move(done)](absl::StatusOr<AppendOutcome> outcome,
                                          int64_t) {
        std::unique_ptr<Job> owned(job);
        SubmitResult result;
        if (!outcome.ok()) {
          log::Error("worker", "journal_append_failed",
                     {{"update_id", job->update_id},
                      {"error", std::string(outcome.status().message())}});
          result = SubmitResult::kJournalError;
        } else if (*outcome == AppendOutcome::kDuplicate) {
          stats_->duplicate.fetch_add(1);
          result = SubmitResult::kDuplicate;
        } else {
          stats_->accepted.fetch_add(1);
          scheduler_->Add(std::move(owned));
          result = SubmitResult::kAccepted;
        }
        {
          absl::MutexLock lock(&mu_);
          --appending_;
        }
        done(result);
      });
}

absl::Status Intake::Replay() {
  absl::StatusOr<std::vector<JournalEntry>> entries =
      journal_->LoadUnfinished();
  if (!entries.ok()) return entries.status();
  for (JournalEntry& e : *entries) {
    auto job = std::make_unique<Job>();
    job->update_id = e.update_id;
    job->chat_key = std::move(e.chat_key);
    job->payload = std::move(e.payload);
    job->accepted_at_us = e.accepted_at_us;
    scheduler_->Add(std::move(job));
  }
  stats_->replayed.fetch_add(static_cast<int64_t>(entries->size()));
  if (!entries->empty()) {
    log::Info("worker", "journal_replayed", {{"count", entries->size()}});
  }
  return absl::OkStatus();
}

void Intake::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
}

int64_t Intake::in_flight() const {
  absl::MutexLock lock(&mu_);
  return appending_ + scheduler_->size();
}

}  // namespace telegate::worker
