#include "gateway/worker_link.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "common/log.h"

namespace telegate::gateway {

using telegate::v1::Ack;
using telegate::v1::AckBatch;
using telegate::v1::Update;
using telegate::v1::UpdateBatch;
using Stub = telegate::v1::Updates::Stub;

// The link's handle on one stream attempt. The flags are the link's
// (guarded by its mu_); the methods are the reactor's.
class WorkerLink::Call {
 public:
  virtual ~Call() = default;
  virtual void Begin(Stub* stub) = 0;
  // Writes `updates` as one message; one write at a time.
  virtual void Write(std::vector<Update> updates) = 0;
  virtual void Cancel() = 0;
  // No more writes from outside the reactions: OnDone may come.
  virtual void Release() = 0;

  bool single = false;    // Stream rather than StreamBatches
  bool opened = false;    // the link counted it open
  bool closing = false;   // reads ended or a write failed: no more writes
  bool released = false;  // Release() decided
};

namespace {

void Pack(std::vector<Update>& updates, UpdateBatch* out) {
  out->Clear();
  for (Update& u : updates) *out->add_updates() = std::move(u);
}
void Pack(std::vector<Update>& updates, Update* out) {
  *out = std::move(updates.front());  // single-update batches only
}
std::vector<Update> Unpack(UpdateBatch& message) {
  std::vector<Update> out;
  for (Update& u : *message.mutable_updates()) out.push_back(std::move(u));
  return out;
}
std::vector<Update> Unpack(Update& message) {
  std::vector<Update> out;
  out.push_back(std::move(message));
  return out;
}
std::vector<Ack> Acks(AckBatch& message) {
  std::vector<Ack> out;
  for (Ack& a : *message.mutable_acks()) out.push_back(std::move(a));
  return out;
}
std::vector<Ack> Acks(Ack& message) {
  std::vector<Ack> out;
  out.push_back(std::move(message));
  return out;
}
void Bind(Stub* stub, grpc::ClientContext* context,
          grpc::ClientBidiReactor<UpdateBatch, AckBatch>* reactor) {
  stub->async()->StreamBatches(context, reactor);
}
void Bind(Stub* stub, grpc::ClientContext* context,
          grpc::ClientBidiReactor<Update, Ack>* reactor) {
  stub->async()->Stream(context, reactor);
}

}  // namespace

template <typename Out, typename In>
class WorkerLink::Reactor final : public grpc::ClientBidiReactor<Out, In>,
                                  public WorkerLink::Call {
 public:
  Reactor(WorkerLink* link, bool single_update) : link_(link) {
    single = single_update;
    // Wait for the channel to connect instead of failing while the worker
    // is down: the stream opens as soon as gRPC reconnects.
    context_.set_wait_for_ready(true);
    if (!link->options_.auth_token.empty()) {
      context_.AddMetadata("authorization",
                           "Bearer " + link->options_.auth_token);
    }
  }

  void Begin(Stub* stub) override {
    Bind(stub, &context_, this);
    this->AddHold();  // writes are started from Deliver's threads
    this->StartRead(&in_);
    this->StartCall();
  }
  void Write(std::vector<Update> updates) override {
    Pack(updates, &out_);
    this->StartWrite(&out_);
  }
  void Cancel() override { context_.TryCancel(); }
  void Release() override { this->RemoveHold(); }

  void OnReadInitialMetadataDone(bool ok) override {
    if (ok) link_->OnOpen(this);
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      link_->OnReadsDone(this);
      return;
    }
    link_->OnAcks(Acks(in_));
    this->StartRead(&in_);
  }
  void OnWriteDone(bool ok) override {
    std::vector<Update> unsent;
    if (!ok) unsent = Unpack(out_);
    out_.Clear();
    link_->OnWriteDone(this, ok, std::move(unsent));
  }
  void OnDone(const grpc::Status& status) override {
    // The context holds a reference to the channel. Dropped after the link
    // hears of it, it could be the channel's last: gRPC would then shut its
    // callback threads down from this very thread (a double free in 1.51).
    // So the reactor goes first, and the link may free the channel after.
    WorkerLink* link = link_;
    const bool was_single = single, was_opened = opened;
    delete this;
    link->OnCallDone(was_single, was_opened, status);
  }

 private:
  WorkerLink* const link_;
  grpc::ClientContext context_;
  Out out_;  // the message being written
  In in_;    // the message being read
};

void WorkerLink::Outcomes::Run() {
  for (auto& [callback, payload] : not_sent) callback(std::move(payload));
  for (auto& [callback, result] : done) callback(std::move(result));
}

WorkerLink::WorkerLink(std::shared_ptr<grpc::Channel> channel,
                       WorkerLinkOptions options)
    : stub_(telegate::v1::Updates::NewStub(channel)),
      options_(std::move(options)),
      backoff_(options_.min_backoff) {}

WorkerLink::~WorkerLink() { Stop(); }

void WorkerLink::Start() {
  absl::MutexLock lock(&mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void WorkerLink::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (call_ != nullptr) call_->Cancel();
    cv_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
  Outcomes out;
  {
    absl::MutexLock lock(&mu_);
    while (call_ != nullptr) cv_.Wait(&mu_);  // its OnDone is near
    for (auto& [seq, p] : pending_) {
      out.done.emplace_back(std::move(p.done),
                            absl::UnavailableError("gateway is stopping"));
    }
    pending_.clear();
    queue_.clear();
    deadlines_.clear();
  }
  out.Run();
}

bool WorkerLink::connected() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

bool WorkerLink::single_update_stream() const {
  absl::MutexLock lock(&mu_);
  return open_ && call_ != nullptr && call_->single;
}

void WorkerLink::Deliver(const ParsedUpdate& update, std::string payload,
                         DeliverCallback done) {
  TryDeliver(update, std::move(payload), std::move(done), nullptr);
}

void WorkerLink::TryDeliver(const ParsedUpdate& update, std::string payload,
                            DeliverCallback done, NotSentCallback not_sent) {
  Call* call = nullptr;
  std::vector<Update> batch;
  bool queued = false;
  {
    absl::MutexLock lock(&mu_);
    if (open_ && !stopping_) {
      queued = true;
      Update request;
      request.set_seq(next_seq_++);
      request.set_update_id(update.update_id);
      request.set_chat_key(update.chat_key);
      request.set_payload(std::move(payload));
      request.set_received_at_us(absl::ToUnixMicros(absl::Now()));
      if (deadlines_.empty()) cv_.Signal();  // the timer may sleep long
      deadlines_.emplace_back(absl::Now() + options_.ack_timeout,
                              request.seq());
      pending_[request.seq()] = {std::move(done), std::move(not_sent)};
      queue_.push_back(std::move(request));
      batch = TakeBatchLocked();
      if (!batch.empty()) call = call_;
    }
  }
  if (call != nullptr) call->Write(std::move(batch));
  if (queued) return;
  if (not_sent != nullptr) {
    not_sent(std::move(payload));
  } else {
    done(absl::FailedPreconditionError("no stream to the worker"));
  }
}

std::vector<Update> WorkerLink::TakeBatchLocked() {
  std::vector<Update> batch;
  if (writing_ || call_ == nullptr || call_->closing) return batch;
  size_t bytes = 0;
  while (!queue_.empty() && bytes < options_.max_batch_bytes &&
         !(call_->single && !batch.empty())) {
    Update& next = queue_.front();
    if (pending_.contains(next.seq())) {  // else timed out while queued
      if (!batch.empty() &&
          bytes + next.payload().size() > options_.max_batch_bytes) {
        break;
      }
      bytes += next.payload().size();
      in_write_.push_back(next.seq());
      batch.push_back(std::move(next));
    }
    queue_.pop_front();
  }
  writing_ = !batch.empty();
  return batch;
}

void WorkerLink::NotSentLocked(Update& update, const char* why, Outcomes& out) {
  auto it = pending_.find(update.seq());
  if (it == pending_.end()) return;  // timed out already
  Pending p = std::move(it->second);
  pending_.erase(it);
  if (p.not_sent != nullptr) {
    out.not_sent.emplace_back(std::move(p.not_sent),
                              std::move(*update.mutable_payload()));
  } else {
    out.done.emplace_back(std::move(p.done),
                          absl::FailedPreconditionError(why));
  }
}

void WorkerLink::SetConnectedLocked(bool connected) {
  open_ = connected;
  if (options_.stats == nullptr || connected == reported_connected_) return;
  reported_connected_ = connected;
  options_.stats->worker_stream_connected.fetch_add(connected ? 1 : -1);
}

void WorkerLink::StartCallLocked() {
  const bool single = next_single_;
  next_single_ = false;  // every new attempt asks for batches first
  if (single) {
    call_ = new Reactor<Update, Ack>(this, true);
  } else {
    call_ = new Reactor<UpdateBatch, AckBatch>(this, false);
  }
  // Every attempt after the first counts, opened or refused.
  if (started_once_ && options_.stats != nullptr) {
    options_.stats->worker_stream_reconnects.fetch_add(1);
  }
  started_once_ = true;
  // Begin runs no reaction inline (they all go to gRPC's threads), and
  // OnDone needs mu_, so the call outlives this lock.
  call_->Begin(stub_.get());
  // A worker that answered StreamBatches UNIMPLEMENTED a moment ago is up,
  // and sends no initial metadata before its first ack: open at once.
  if (single) OnOpenLocked();
}

void WorkerLink::OnOpen(Call* call) {
  absl::MutexLock lock(&mu_);
  if (call != call_) return;
  OnOpenLocked();
}

void WorkerLink::OnOpenLocked() {
  if (call_->opened || call_->closing || stopping_) return;
  call_->opened = true;
  opened_once_ = true;
  backoff_ = options_.min_backoff;
  SetConnectedLocked(true);
  log::Info("gateway", "worker_stream_opened", {{"batches", !call_->single}});
}

void WorkerLink::OnAcks(std::vector<Ack> acks) {
  Outcomes out;
  {
    absl::MutexLock lock(&mu_);
    for (Ack& ack : acks) {
      auto it = pending_.find(ack.seq());
      if (it == pending_.end()) continue;  // timed out meanwhile
      out.done.emplace_back(std::move(it->second.done), std::move(ack));
      pending_.erase(it);
    }
  }
  out.Run();
}

void WorkerLink::OnWriteDone(Call* call, bool ok, std::vector<Update> unsent) {
  Outcomes out;
  std::vector<Update> batch;
  bool release = false;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (ok) {
      for (uint64_t seq : in_write_) {
        auto it = pending_.find(seq);
        if (it != pending_.end()) it->second.sent = true;
      }
    } else {
      // The stream broke before these left: nothing else will be sent on
      // it, so everything queued goes back to the callers at once.
      for (Update& u : unsent)
        NotSentLocked(u, "stream to the worker broke", out);
      for (Update& u : queue_)
        NotSentLocked(u, "stream to the worker broke", out);
      queue_.clear();
      call->closing = true;
      if (call->opened) SetConnectedLocked(false);
    }
    in_write_.clear();
    if (call->closing) {
      release = !call->released;
      call->released = true;
    } else {
      batch = TakeBatchLocked();
    }
  }
  if (!batch.empty()) call->Write(std::move(batch));
  out.Run();
  if (release) call->Release();
}

void WorkerLink::OnReadsDone(Call* call) {
  Outcomes out;
  bool release = false;
  {
    absl::MutexLock lock(&mu_);
    call->closing = true;
    if (call->opened) SetConnectedLocked(false);
    for (Update& u : queue_)
      NotSentLocked(u, "stream to the worker closed", out);
    queue_.clear();
    if (!writing_ && !call->released) {
      call->released = true;
      release = true;
    }
  }
  out.Run();
  if (release) call->Release();
}

void WorkerLink::OnCallDone(bool single, bool opened,
                            const grpc::Status& status) {
  Outcomes out;
  {
    absl::MutexLock lock(&mu_);
    if (opened) SetConnectedLocked(false);
    for (Update& u : queue_)
      NotSentLocked(u, "stream to the worker closed", out);
    queue_.clear();
    // Written ones may have reached the worker.
    for (auto& [seq, p] : pending_) {
      out.done.emplace_back(
          std::move(p.done),
          p.sent
              ? absl::UnavailableError("stream to the worker closed")
              : absl::FailedPreconditionError("stream to the worker closed"));
    }
    pending_.clear();
    deadlines_.clear();
    call_ = nullptr;
    writing_ = false;
    in_write_.clear();
    if (!single && !opened &&
        status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      // A worker one release older: speak Stream to it, right away.
      next_single_ = true;
      reconnect_at_ = absl::InfinitePast();
      log::Info("gateway", "worker_without_batches");
    } else {
      reconnect_at_ = absl::Now() + backoff_;
      backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    }
    if (!stopping_ && !next_single_) {
      log::Warn("gateway", "worker_stream_closed",
                {{"code", static_cast<int>(status.error_code())},
                 {"error", status.error_message()}});
    }
    cv_.SignalAll();
  }
  out.Run();
}

void WorkerLink::ExpireLocked(absl::Time now, Outcomes& out) {
  while (!deadlines_.empty() && deadlines_.front().first <= now) {
    auto it = pending_.find(deadlines_.front().second);
    deadlines_.pop_front();
    if (it == pending_.end()) continue;  // answered
    out.done.emplace_back(
        std::move(it->second.done),
        absl::DeadlineExceededError("worker did not acknowledge in time"));
    pending_.erase(it);
  }
}

void WorkerLink::Run() {
  for (;;) {
    Outcomes out;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      absl::Time now = absl::Now();
      ExpireLocked(now, out);
      if (call_ == nullptr && now >= reconnect_at_) StartCallLocked();
      absl::Time wake = absl::InfiniteFuture();
      if (!deadlines_.empty()) wake = deadlines_.front().first;
      if (call_ == nullptr) wake = std::min(wake, reconnect_at_);
      if (out.done.empty()) cv_.WaitWithDeadline(&mu_, wake);
    }
    out.Run();
  }
}

}  // namespace telegate::gateway
