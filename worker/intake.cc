#include "worker/intake.h"

#include <optional>

#include "absl/time/clock.h"
#include "common/log.h"

namespace telegate::worker {

namespace {

std::unique_ptr<Delivery> NewDelivery(AcceptedUpdate update) {
  auto delivery = std::make_unique<Delivery>();
  delivery->update = std::move(update);
  return delivery;
}

}  // namespace

Intake::Intake(Journal* journal, ChatScheduler* scheduler, WorkerStats* stats,
               int64_t limit, Clock clock)
    : journal_(journal),
      scheduler_(scheduler),
      stats_(stats),
      limit_(limit),
      clock_(std::move(clock)) {}

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
  AcceptedUpdate update;
  update.update_id = update_id;
  update.chat_key = std::move(chat_key);
  update.payload = std::move(payload);
  update.accepted_at_us = absl::ToUnixMicros(clock_());
  // The journal gets a copy; the delivery keeps the record, owned by the
  // callback, which the journal always runs exactly once.
  auto* delivery = NewDelivery(update).release();
  journal_->Append(
      std::move(update),
      [this, delivery, done = std::move(done)](
          absl::StatusOr<AppendOutcome> outcome, int64_t seq) {
        std::unique_ptr<Delivery> owned(delivery);
        owned->update.seq = seq;
        SubmitResult result;
        if (!outcome.ok()) {
          log::Error("worker", "journal_append_failed",
                     {{"update_id", owned->update.update_id},
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
  absl::StatusOr<std::vector<AcceptedUpdate>> entries =
      journal_->LoadUnfinished();
  if (!entries.ok()) return entries.status();
  for (AcceptedUpdate& e : *entries) scheduler_->Add(NewDelivery(std::move(e)));
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
