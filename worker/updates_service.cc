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
  explicit StreamReactor(Dispatcher* dispatcher) : dispatcher_(dispatcher) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      absl::MutexLock lock(&mu_);
      reads_done_ = true;
      MaybeFinishLocked();
      return;
    }
    Ack ack;
    if (request_.update_id() < 0 || request_.payload().empty()) {
      ack.set_seq(request_.seq());
      ack.set_update_id(request_.update_id());
      ack.set_result(Ack::REJECTED);
      ack.set_reason("update_id must be non-negative and payload non-empty");
    } else {
      QueuedUpdate update{request_.update_id(), request_.chat_key(),
                          std::move(*request_.mutable_payload())};
      ack = MakeAck(request_, dispatcher_->Submit(std::move(update)));
    }
    {
      absl::MutexLock lock(&mu_);
      if (broken_) {
        StartRead(&request_);
        return;
      }
      writes_.push_back(std::move(ack));
      if (!writing_) {
        writing_ = true;
        StartWrite(&writes_.front());
      }
    }
    StartRead(&request_);
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writes_.pop_front();
    writing_ = false;
    if (!ok) {
      // The stream is broken; the gateway will resend what it lacks an ack
      // for. Drop queued acks and let reads finish the call.
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
  void MaybeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (reads_done_ && !writing_ && !finished_) {
      finished_ = true;
      Finish(grpc::Status::OK);
    }
  }

  Dispatcher* const dispatcher_;
  Update request_;  // only touched by the read chain
  absl::Mutex mu_;
  std::deque<Ack> writes_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

Ack MakeAck(const Update& update, SubmitResult result) {
  Ack ack;
  ack.set_seq(update.seq());
  ack.set_update_id(update.update_id());
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
  }
  return ack;
}

grpc::ServerBidiReactor<Update, Ack>* UpdatesService::Stream(
    grpc::CallbackServerContext* /*context*/) {
  log::Debug("worker", "stream_opened");
  return new StreamReactor(dispatcher_);
}

}  // namespace telegate::worker
