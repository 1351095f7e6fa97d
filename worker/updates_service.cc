#include "worker/updates_service.h"

#include <deque>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "common/log.h"

namespace telegate::worker {
namespace {

using telegate::v1::Ack;
using telegate::v1::AckBatch;
using telegate::v1::Update;
using telegate::v1::UpdateBatch;

// How one message of each method carries updates and acks.
template <typename F>
void ForEachUpdate(Update& message, F&& f) {
  f(message);
}
template <typename F>
void ForEachUpdate(UpdateBatch& message, F&& f) {
  for (Update& u : *message.mutable_updates()) f(u);
}
// Moves the acks of the next message out of `queued` (never empty).
void TakeAcks(std::deque<Ack>& queued, Ack* out) {
  *out = std::move(queued.front());
  queued.pop_front();
}
void TakeAcks(std::deque<Ack>& queued, AckBatch* out) {
  out->Clear();
  for (Ack& ack : queued) *out->add_acks() = std::move(ack);
  queued.clear();
}

Ack Rejected(uint64_t seq, int64_t update_id, const char* reason) {
  Ack ack;
  ack.set_seq(seq);
  ack.set_update_id(update_id);
  ack.set_result(Ack::REJECTED);
  ack.set_reason(reason);
  return ack;
}

template <typename In, typename Out>
class StreamReactor : public grpc::ServerBidiReactor<In, Out> {
 public:
  explicit StreamReactor(Intake* intake) : intake_(intake) {
    this->StartSendInitialMetadata();  // the gateway may now deliver
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      absl::MutexLock lock(&mu_);
      reads_done_ = true;
      MaybeFinishLocked();
      return;
    }
    ForEachUpdate(request_, [this](Update& u) { Submit(u); });
    this->StartRead(&request_);
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      // The gateway is gone; it fails its waiting webhooks with 503 and
      // Telegram redelivers. Drop acks still queued.
      queued_.clear();
      broken_ = true;
    }
    MaybeWriteLocked();
    MaybeFinishLocked();
  }

  void OnDone() override { delete this; }

 private:
  void Submit(Update& u) {
    const uint64_t seq = u.seq();
    const int64_t update_id = u.update_id();
    if (update_id <= 0) {
      QueueAck(Rejected(seq, update_id, "update_id must be positive"));
      return;
    }
    if (u.payload().empty()) {
      QueueAck(Rejected(seq, update_id, "payload must not be empty"));
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      ++pending_;
    }
    intake_->Submit(update_id, std::move(*u.mutable_chat_key()),
                    std::move(*u.mutable_payload()),
                    [this, seq, update_id](SubmitResult result) {
                      QueueAck(MakeAck(seq, update_id, result), true);
                    });
  }

  // `from_intake`: this ack answers a Submit counted in `pending_`.
  void QueueAck(Ack ack, bool from_intake = false) {
    absl::MutexLock lock(&mu_);
    if (from_intake) --pending_;
    if (!broken_) queued_.push_back(std::move(ack));
    MaybeWriteLocked();
    MaybeFinishLocked();
  }

  // Everything queued while a write was in flight goes into the next one.
  void MaybeWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || queued_.empty()) return;
    writing_ = true;
    TakeAcks(queued_, &response_);
    this->StartWrite(&response_);
  }

  void MaybeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (reads_done_ && pending_ == 0 && !writing_ && !finished_) {
      finished_ = true;
      this->Finish(grpc::Status::OK);
    }
  }

  Intake* const intake_;
  In request_;  // only touched by the read chain
  absl::Mutex mu_;
  Out response_ ABSL_GUARDED_BY(mu_);  // the message being written
  std::deque<Ack> queued_ ABSL_GUARDED_BY(mu_);
  int64_t pending_ ABSL_GUARDED_BY(mu_) = 0;  // submits awaiting an answer
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
};

// Refuses before reading anything.
template <typename In, typename Out>
class Refusal : public grpc::ServerBidiReactor<In, Out> {
 public:
  explicit Refusal(grpc::Status status) { this->Finish(std::move(status)); }
  void OnDone() override { delete this; }
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

template <typename In, typename Out>
grpc::ServerBidiReactor<In, Out>* UpdatesService::Open(
    grpc::CallbackServerContext* context) {
  if (grpc::Status s = auth_->Check(*context); !s.ok()) {
    log::Warn("worker", "stream_refused", {{"error", s.error_message()}});
    return new Refusal<In, Out>(std::move(s));
  }
  log::Debug("worker", "stream_opened");
  return new StreamReactor<In, Out>(intake_);
}

grpc::ServerBidiReactor<Update, Ack>* UpdatesService::Stream(
    grpc::CallbackServerContext* context) {
  return Open<Update, Ack>(context);
}

grpc::ServerBidiReactor<UpdateBatch, AckBatch>* UpdatesService::StreamBatches(
    grpc::CallbackServerContext* context) {
  return Open<UpdateBatch, AckBatch>(context);
}

}  // namespace telegate::worker
