// WorkerLink: the gateway's long-lived bidirectional stream to one worker.
// Deliver() writes an update and waits for its ack (matched by seq); it
// answers kFailedPrecondition when the update certainly did not reach the
// worker (no stream, or the write failed), so a caller may try another
// worker, and kUnavailable/kDeadlineExceeded when it may have. A
// background thread reads acks and, when the stream breaks, fails everything
// pending with kUnavailable and reconnects with capped exponential backoff.
// Carries the admin token as call metadata when one is set, and reports the
// stream's state to GatewayStats when given one.
// Thread-safe; Stop() joins the thread, after which Deliver fails fast.
#ifndef TELEGATE_GATEWAY_WORKER_LINK_H_
#define TELEGATE_GATEWAY_WORKER_LINK_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gateway/gateway_stats.h"
#include "gateway/update_sink.h"
#include "telegate/v1/updates.grpc.pb.h"

namespace telegate::gateway {

struct WorkerLinkOptions {
  absl::Duration ack_timeout = absl::Seconds(10);
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Milliseconds(500);
  // Non-empty: sent as "authorization: Bearer <token>" on the stream.
  std::string auth_token;
  // Optional (may be nullptr); must outlive the link.
  GatewayStats* stats = nullptr;
};

class WorkerLink : public UpdateSink {
 public:
  WorkerLink(std::shared_ptr<grpc::Channel> channel, WorkerLinkOptions options);
  ~WorkerLink() override;

  void Start();
  void Stop();

  // INTERIM (until the asynchronous stream replaces this file): answers
  // by calling the blocking Deliver below, on the caller's thread.
  void Deliver(const ParsedUpdate& update, std::string payload,
               DeliverCallback done) override;
  // Blocks until the ack or a failure.
  absl::StatusOr<telegate::v1::Ack> Deliver(const ParsedUpdate& update,
                                            std::string payload);
  // As Deliver, but `payload` is left intact when the answer is
  // kFailedPrecondition (not sent), so the caller can offer it elsewhere.
  absl::StatusOr<telegate::v1::Ack> TryDeliver(const ParsedUpdate& update,
                                               std::string& payload);

  // True while a stream is open.
  bool connected() const;

 private:
  struct Pending {
    absl::Notification done;
    absl::Status status;
    telegate::v1::Ack ack;
  };
  using RawStream =
      grpc::ClientReaderWriter<telegate::v1::Update, telegate::v1::Ack>;
  // One open stream; `closed` (guarded by write_mu_) stops late writers.
  struct Stream {
    std::unique_ptr<RawStream> raw;
    bool closed = false;
  };

  void Run();
  void SetConnected(bool connected);
  void FailAllPending(const absl::Status& status);

  std::unique_ptr<telegate::v1::Updates::Stub> stub_;
  const WorkerLinkOptions options_;
  std::thread thread_;
  bool reported_connected_ = false;  // used by the Run thread only

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::CondVar stop_cv_;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::shared_ptr<Stream> stream_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<uint64_t, std::shared_ptr<Pending>> pending_
      ABSL_GUARDED_BY(mu_);
  absl::Mutex write_mu_;  // one Write at a time on the stream
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_WORKER_LINK_H_
