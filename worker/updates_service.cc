#include "worker/updates_service.h"

#include <deque>

#include "absl/synchronization/mutex.h"
#include "common/log.h"

namespace telegate::worker {
namespace {

using telegate::v1::Ack;
using telegate::v1::Update;

class StreamReactor : public grpc::ServerBidiReactor<Update, Ack> {
 public:
  explicit StreamReactor(Intake* intake) : intake_(intake) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      absl::MutexLock lock(&mu_);
      reads_done_ = true;
      MaybeFinishLocked();
      return;
    }
    uint64_t seq = request_.seq();
    int64_t update_id = request_.update_id();
    if (update_id < 0 || request_.payload().empty()) {
      Ack ack;
      ack.set_seq(seq);
      ack.set_update_id(update_id);
      ack.set_result(Ack::REJECTED);
      ack.set_reason("update_id must be non-negative and payload non-empty");
      QueueAck(std::move(ack));
    } else {
      {
        absl::MutexLock lock(&mu_);
        ++pending_;
      }
      intake_->Submit(update_id, std::move(*request_.mutable_chat_key()),
                      std::move(*request_.mutable_payload()),
                      [this, seq, update_id](SubmitResult result) {
                        QueueAck(MakeAck(seq, update_id, result), true);
                      });
    }
    StartRead(&request_);
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writes_.pop_front();
    writing_ = false;
    if (!ok) {
      // The gateway is gone; it fails its waiting webhooks with 503 and
      // Telegram redelivers. Drop acks still queued.
      writes_.clear();
      broken_ = true;
    }
    if (!writes_.empty()) {
      writing_ = true;
      StartWrite(&writes_.front());
      return;
    }
    MaybeFinishLocked();
  }

  void OnDone() override { delete this; }

 private:
  // `from_intake`: this ack answers a Submit counted in `pending_`.
  void QueueAck(Ack ack, bool from_intake = false) {
    absl::MutexLock lock(&mu_);
    if (from_intake) --pending_;
    if (!broken_) {
      writes_.push_back(std::move(ack));
      if (!writing_) {
        writing_ = true;
        StartWrite(&writes_.front());
      }
    }
    MaybeFinishLocked();
  }

  void MaybeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (reads_done_ && pending_ == 0 && !writing_ && !finished_) {
      finished_ = true;
      Finish(grpc::Status::OK);
    }
  }

  Intake* const intake_;
  Update request_;  // only touched by the read chain
  absl::Mutex mu_;
  std::deque<Ack> writes_ ABSL_GUARDED_BY(mu_);
  int64_t pending_ ABSL_GUARDED_BY(mu_) = 0;  // submits awaiting an answer
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

Ack MakeAck(uint64_t seq, int64_t update_id, SubmitResult result) {
  Ack ack;
  ack.set_seq(seq);
  ack.set_update_id(update_id);
  switch (result) {
    case SubmitResult::kAccepted:
      ack.set_result(Ack::ACCEPTED);
      break;
    case SubmitResult::kDuplicate:
      ack.set_result(Ack::DUPLICATE);
      break;
    case SubmitResult::kOverloaded:
      ack.set_result(Ack::OVERLOADED);
      ack.set_reason("worker queue is full");
      ack.set_retry_after_seconds(1);
      break;
    case SubmitResult::kStopping:
      ack.set_result(Ack::OVERLOADED);
      ack.set_reason("worker is shutting down");
      ack.set_retry_after_seconds(1);
      break;
    case SubmitResult::kJournalError:
      ack.set_result(Ack::OVERLOADED);
      ack.set_reason("worker could not journal the update");
      ack.set_retry_after_seconds(5);
      break;
  }
  return ack;
}

grpc::ServerBidiReactor<Update, Ack>* UpdatesService::Stream(
    grpc::CallbackServerContext* context) {
  if (grpc::Status s = auth_->Check(*context); !s.ok()) {
    // Refuse before reading anything.
    class Refusal : public grpc::ServerBidiReactor<Update, Ack> {
     public:
      explicit Refusal(grpc::Status status) { Finish(std::move(status)); }
      void OnDone() override { delete this; }
    };
    log::Warn("worker", "stream_refused", {{"error", s.error_message()}});
    return new Refusal(std::move(s));
  }
  log::Debug("worker", "stream_opened");
  return new StreamReactor(intake_);
}

}  // namespace telegate::worker
