// WorkerPool: the gateway's UpdateSink over many workers. Each worker has
// its own channel and WorkerLink (stream, reconnect with backoff). Deliver
// ranks the workers for the update's chat key (chat_router.h) and hands the
// update to the first one whose stream is open; an update that certainly did
// not reach that worker is offered to the next, one that may have reached it
// but was not acknowledged fails (the webhook answers 503, Telegram
// redelivers, and the redelivery goes to whichever worker is then first).
//
// Targets: "host:port" is one worker (gRPC resolves the name itself);
// "dns:///host:port" is every address the name resolves to, re-resolved
// every `resolve_interval` (workers that appear are added, workers that
// disappear are stopped). A worker's identity is its "ip:port" or
// "host:port" text, so every gateway ranks the same way.
//
// Deliver never waits: the update goes to the first open stream in rank
// order, and when that worker's link reports it not sent, the next one is
// tried from the link's callback. AnyStreamOpen is the readiness signal.
//
// Thread-safe. Start once; Stop joins every link and the resolver; Deliver
// after Stop fails with kUnavailable.
#ifndef TELEGATE_GATEWAY_WORKER_POOL_H_
#define TELEGATE_GATEWAY_WORKER_POOL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/update_sink.h"
#include "gateway/worker_link.h"

namespace telegate::gateway {

// Returns "ip:port" strings for a host and port (IPv6 in brackets).
using Resolver = std::function<absl::StatusOr<std::vector<std::string>>(
    const std::string& host, int port)>;
using ChannelFactory =
    std::function<std::shared_ptr<grpc::Channel>(const std::string& address)>;

struct WorkerPoolOptions {
  std::vector<std::string> targets;
  WorkerLinkOptions link;  // used for every link
  ChannelFactory make_channel;  // defaults to MakeWorkerChannel
  Resolver resolve;  // defaults to getaddrinfo (ResolveAll)
  absl::Duration resolve_interval = absl::Seconds(10);
};

struct WorkerState {
  std::string address;
  bool connected = false;
};

class WorkerPool : public UpdateSink {
 public:
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool() override;

  // Fails when a dns:/// target resolves to nothing at start.
  absl::Status Start();
  void Stop();

  void Deliver(const ParsedUpdate& update, std::string payload,
               DeliverCallback done) override;

  std::vector<WorkerState> Workers() const;
  // True while at least one worker's update stream is open.
  bool AnyStreamOpen() const;
  bool Ready() const override { return AnyStreamOpen(); }

 private:
  struct Member {
    std::string address;
    std::unique_ptr<WorkerLink> link;
  };
  // Immutable once published; Deliver works on a copy of the pointer.
  struct Snapshot {
    std::vector<std::shared_ptr<Member>> members;  // sorted by address
    std::vector<std::string> ids;                  // their addresses
  };

  struct Attempt;  // one Deliver going down the ranking
  static void TryNext(std::shared_ptr<Attempt> attempt, std::string payload);

  // The addresses every target stands for now.
  absl::StatusOr<std::vector<std::string>> ExpandTargets() const;
  // Adds links for new addresses, stops links for gone ones.
  void Reconcile(const std::vector<std::string>& addresses);
  void ResolveLoop();

  const WorkerPoolOptions options_;
  bool has_dns_targets_ = false;
  std::thread resolver_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::CondVar stop_cv_;
  // Links are only stopped once no longer published.
  std::shared_ptr<const Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
};

// The gateway's channel to one worker: reconnects within about a second of
// the worker coming back (gRPC's default backoff grows to 120 s) and pings
// an idle connection so a worker host that vanished without a TCP reset is
// noticed within a few seconds.
std::shared_ptr<grpc::Channel> MakeWorkerChannel(const std::string& address);

// getaddrinfo over TCP: every distinct address of `host`, as "ip:port".
absl::StatusOr<std::vector<std::string>> ResolveAll(const std::string& host,
                                                    int port);

// Splits a comma-separated TELEGATE_WORKER_ADDRESS value and checks each
// entry ("host:port" or "dns:///host:port"); the error names the entry.
absl::StatusOr<std::vector<std::string>> ParseWorkerTargets(
    std::string_view list);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_WORKER_POOL_H_
