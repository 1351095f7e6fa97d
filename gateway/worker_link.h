// WorkerLink: the gateway's long-lived bidirectional stream to one worker,
// on gRPC's callback API. Deliver queues the update and returns; nothing
// waits for the network. One write is in flight per stream; everything
// queued meanwhile goes into the next message (StreamBatches: one
// UpdateBatch; a worker one release older answers it UNIMPLEMENTED and gets
// the one-update-per-message Stream instead). Acks complete the callbacks
// from the stream's reader; one timer thread per link fails updates not
// acknowledged within `ack_timeout` and reopens a closed stream after a
// capped backoff.
//
// Outcomes: the worker's Ack; kFailedPrecondition when the update certainly
// did not reach the worker (no open stream, or its write failed), which
// TryDeliver reports through `not_sent` with the payload so the caller can
// offer it to another worker; kUnavailable (stream broke after the write)
// and kDeadlineExceeded (no ack in time) when it may have.
//
// The stream counts as open once the worker sent its initial metadata (a
// current worker does so at once) or answered StreamBatches UNIMPLEMENTED
// (so it is up); the call waits for the channel to connect rather than
// failing, so a restarted worker is back as soon as gRPC reconnects.
// Carries the admin token as call metadata when one is set, and reports the
// stream's state to GatewayStats when given one.
// Thread-safe. Callbacks run on gRPC or timer threads (or inline when
// refused at once) and must not block. Stop() ends the stream and the
// thread; after it every Deliver fails fast, and no callback runs after
// Stop returns.
#ifndef TELEGATE_GATEWAY_WORKER_LINK_H_
#define TELEGATE_GATEWAY_WORKER_LINK_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/gateway_stats.h"
#include "gateway/update_sink.h"
#include "telegate/v1/updates.grpc.pb.h"

namespace telegate::gateway {

struct WorkerLinkOptions {
  absl::Duration ack_timeout = absl::Seconds(10);
  // Wait before reopening a stream that closed (doubling up to the max);
  // a worker that is down is waited for by the channel itself.
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Milliseconds(500);
  // A batch stops growing at this many payload bytes (one larger update
  // still goes, alone).
  size_t max_batch_bytes = 1 << 20;
  // Non-empty: sent as "authorization: Bearer <token>" on the stream.
  std::string auth_token;
  // Optional (may be nullptr); must outlive the link.
  GatewayStats* stats = nullptr;
};

class WorkerLink : public UpdateSink {
 public:
  // Gets the payload back when the update certainly did not reach the worker.
  using NotSentCallback = std::function<void(std::string payload)>;

  WorkerLink(std::shared_ptr<grpc::Channel> channel, WorkerLinkOptions options);
  ~WorkerLink() override;

  void Start();
  void Stop();

  void Deliver(const ParsedUpdate& update, std::string payload,
               DeliverCallback done) override;
  // As Deliver, but when the update certainly did not reach the worker,
  // `not_sent` runs (with the payload) instead of `done`.
  void TryDeliver(const ParsedUpdate& update, std::string payload,
                  DeliverCallback done, NotSentCallback not_sent);

  // True while a stream is open.
  bool connected() const;
  // True while the open stream is the one-update-per-message Stream.
  bool single_update_stream() const;

 private:
  class Call;  // one stream attempt (a reactor); defined in the .cc
  template <typename Out, typename In>
  class Reactor;
  struct Pending {
    DeliverCallback done;
    NotSentCallback not_sent;  // may be empty
    bool sent = false;         // its write completed
  };
  // Callbacks to run once mu_ is released.
  struct Outcomes {
    std::vector<std::pair<DeliverCallback, absl::StatusOr<telegate::v1::Ack>>>
        done;
    std::vector<std::pair<NotSentCallback, std::string>> not_sent;
    void Run();
  };

  void Run();  // the timer thread
  void StartCallLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Called by the current Call's reactions.
  void OnOpen(Call* call);
  void OnOpenLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnAcks(std::vector<telegate::v1::Ack> acks);
  void OnWriteDone(Call* call, bool ok,
                   std::vector<telegate::v1::Update> unsent);
  void OnReadsDone(Call* call);
  // After the reactor is gone: `single` and `opened` are its flags.
  void OnCallDone(bool single, bool opened, const grpc::Status& status);
  // Takes the next message's updates off queue_ when a write may start.
  std::vector<telegate::v1::Update> TakeBatchLocked()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Fails `update` as not sent (its payload goes back to the caller).
  void NotSentLocked(telegate::v1::Update& update, const char* why,
                     Outcomes& out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ExpireLocked(absl::Time now, Outcomes& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetConnectedLocked(bool connected) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::unique_ptr<telegate::v1::Updates::Stub> stub_;
  const WorkerLinkOptions options_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  absl::CondVar cv_;  // wakes the timer thread; signals Stop on call end
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The current stream attempt (nullptr between attempts); deletes itself.
  Call* call_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<uint64_t> in_write_ ABSL_GUARDED_BY(mu_);  // seqs being written
  bool next_single_ ABSL_GUARDED_BY(mu_) = false;        // next attempt: Stream
  bool reported_connected_ ABSL_GUARDED_BY(mu_) = false;
  bool opened_once_ ABSL_GUARDED_BY(mu_) = false;
  bool started_once_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time reconnect_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<uint64_t, Pending> pending_ ABSL_GUARDED_BY(mu_);
  // (deadline, seq) in delivery order, so deadlines only grow.
  std::deque<std::pair<absl::Time, uint64_t>> deadlines_ ABSL_GUARDED_BY(mu_);
  std::deque<telegate::v1::Update> queue_ ABSL_GUARDED_BY(mu_);  // unwritten
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_WORKER_LINK_H_
