#include "gateway/worker_link.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "common/log.h"

namespace telegate::gateway {

using telegate::v1::Ack;

WorkerLink::WorkerLink(std::shared_ptr<grpc::Channel> channel,
                       WorkerLinkOptions options)
    : stub_(telegate::v1::Updates::NewStub(channel)), options_(options) {}

WorkerLink::~WorkerLink() { Stop(); }

void WorkerLink::Start() {
  thread_ = std::thread([this] { Run(); });
}

void WorkerLink::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
    stop_cv_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
  FailAllPending(absl::UnavailableError("gateway is stopping"));
}

bool WorkerLink::connected() const {
  absl::MutexLock lock(&mu_);
  return stream_ != nullptr;
}

absl::StatusOr<Ack> WorkerLink::Deliver(const ParsedUpdate& update,
                                        std::string payload) {
  return TryDeliver(update, payload);
}

void WorkerLink::Deliver(const ParsedUpdate& update, std::string payload,
                         DeliverCallback done) {
  done(Deliver(update, std::move(payload)));
}

absl::StatusOr<Ack> WorkerLink::TryDeliver(const ParsedUpdate& update,
                                           std::string& payload) {
  auto pending = std::make_shared<Pending>();
  telegate::v1::Update request;
  std::shared_ptr<Stream> stream;
  {
    absl::MutexLock lock(&mu_);
    if (stream_ == nullptr) {
      return absl::FailedPreconditionError("no stream to the worker");
    }
    stream = stream_;
    request.set_seq(next_seq_++);
    pending_[request.seq()] = pending;
  }
  request.set_update_id(update.update_id);
  request.set_chat_key(update.chat_key);
  request.set_payload(std::move(payload));
  request.set_received_at_us(absl::ToUnixMicros(absl::Now()));
  bool written;
  {
    absl::MutexLock lock(&write_mu_);
    written = !stream->closed && stream->raw->Write(request);
  }
  if (!written) {
    payload = std::move(*request.mutable_payload());
    absl::MutexLock lock(&mu_);
    pending_.erase(request.seq());
    return absl::FailedPreconditionError("stream to the worker broke");
  }
  if (!pending->done.WaitForNotificationWithTimeout(options_.ack_timeout)) {
    absl::MutexLock lock(&mu_);
    pending_.erase(request.seq());
    return absl::DeadlineExceededError("worker did not acknowledge in time");
  }
  if (!pending->status.ok()) return pending->status;
  return pending->ack;
}

void WorkerLink::SetConnected(bool connected) {
  if (options_.stats == nullptr || connected == reported_connected_) return;
  reported_connected_ = connected;
  options_.stats->worker_stream_connected.fetch_add(connected ? 1 : -1);
}

void WorkerLink::FailAllPending(const absl::Status& status) {
  absl::flat_hash_map<uint64_t, std::shared_ptr<Pending>> failed;
  {
    absl::MutexLock lock(&mu_);
    failed.swap(pending_);
  }
  for (auto& [seq, pending] : failed) {
    pending->status = status;
    pending->done.Notify();
  }
}

void WorkerLink::Run() {
  absl::Duration backoff = options_.min_backoff;
  for (bool first = true;; first = false) {
    grpc::ClientContext context;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      context_ = &context;
    }
    if (!first && options_.stats != nullptr) {
      options_.stats->worker_stream_reconnects.fetch_add(1);
    }
    // Fail fast while the worker is down: Deliver answers 503 at once.
    context.set_wait_for_ready(false);
    if (!options_.auth_token.empty()) {
      context.AddMetadata("authorization", "Bearer " + options_.auth_token);
    }
    auto stream = std::make_shared<Stream>();
    stream->raw = stub_->Stream(&context);
    bool got_any = false;
    Ack ack;
    {
      absl::MutexLock lock(&mu_);
      stream_ = stream;
    }
    SetConnected(true);
    log::Info("gateway", "worker_stream_opened");
    while (stream->raw->Read(&ack)) {
      got_any = true;
      std::shared_ptr<Pending> pending;
      {
        absl::MutexLock lock(&mu_);
        auto it = pending_.find(ack.seq());
        if (it == pending_.end()) continue;  // timed out meanwhile
        pending = std::move(it->second);
        pending_.erase(it);
      }
      pending->ack = std::move(ack);
      pending->done.Notify();
    }
    {
      absl::MutexLock lock(&mu_);
      stream_ = nullptr;
    }
    SetConnected(false);
    {
      absl::MutexLock lock(&write_mu_);
      stream->closed = true;
      stream->raw->WritesDone();
    }
    grpc::Status status = stream->raw->Finish();
    {
      absl::MutexLock lock(&mu_);
      context_ = nullptr;
    }
    FailAllPending(absl::UnavailableError("stream to the worker closed"));
    log::Warn("gateway", "worker_stream_closed",
              {{"code", static_cast<int>(status.error_code())},
               {"error", status.error_message()}});
    if (got_any) backoff = options_.min_backoff;
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stop_cv_.WaitWithTimeout(&mu_, backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace telegate::gateway
