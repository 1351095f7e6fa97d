// The gateway's view of the worker's Admin API, behind an interface so the
// HTTP routes can be tested with a fake. GrpcAdminBackend is the real one:
// unary calls with a deadline, WatchStatus as a server stream, every call
// carrying "authorization: Bearer <token>" when a token is set. GetHealth
// also reports the update stream: with no stream open it answers
// kUnavailable, so /health says healthy only when webhooks can be
// delivered. Thread-safe.
#ifndef TELEGATE_GATEWAY_ADMIN_BACKEND_H_
#define TELEGATE_GATEWAY_ADMIN_BACKEND_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "telegate/v1/admin.grpc.pb.h"

namespace telegate::gateway {

// Gets each snapshot; returns false to end the watch.
using SnapshotCallback =
    std::function<bool(const telegate::v1::StatusSnapshot& snapshot)>;

class AdminBackend {
 public:
  virtual ~AdminBackend() = default;
  virtual absl::StatusOr<telegate::v1::GetHealthResponse> GetHealth() = 0;
  virtual absl::StatusOr<telegate::v1::RestartBotResponse> RestartBot() = 0;
  virtual absl::StatusOr<telegate::v1::ResetErrorsResponse> ResetErrors() = 0;
  virtual absl::StatusOr<telegate::v1::GetStatsResponse> GetStats() = 0;
  // Newest first; `limit` 0 lets the worker choose.
  virtual absl::StatusOr<telegate::v1::ListFailedDeliveriesResponse>
  ListFailedDeliveries(int limit) = 0;
  // kNotFound when no failed delivery has that id.
  virtual absl::Status RetryFailedDelivery(int64_t id) = 0;
  // kInvalidArgument: Telegram refused; kUnavailable: Telegram or the
  // worker cannot be reached.
  virtual absl::StatusOr<telegate::v1::WebhookInfo> GetWebhookInfo() = 0;
  // Blocks, calling `on_snapshot` for each snapshot (one at once, then on
  // changes and at least every `max_interval`) until it returns false (then
  // OK) or the stream fails or ends (then an error, kUnavailable when the
  // worker ended it).
  virtual absl::Status WatchStatus(absl::Duration max_interval,
                                   const SnapshotCallback& on_snapshot) = 0;
};

class GrpcAdminBackend : public AdminBackend {
 public:
  // True while an update stream to a worker is open (WorkerPool's
  // AnyStreamOpen); empty: the Admin RPC alone decides.
  using StreamOpen = std::function<bool()>;
  // `auth_token` empty: no authorization metadata.
  GrpcAdminBackend(std::shared_ptr<grpc::Channel> channel,
                   absl::Duration deadline, std::string auth_token = "",
                   StreamOpen stream_open = nullptr);
  absl::StatusOr<telegate::v1::GetHealthResponse> GetHealth() override;
  absl::StatusOr<telegate::v1::RestartBotResponse> RestartBot() override;
  absl::StatusOr<telegate::v1::ResetErrorsResponse> ResetErrors() override;
  absl::StatusOr<telegate::v1::GetStatsResponse> GetStats() override;
  absl::StatusOr<telegate::v1::ListFailedDeliveriesResponse>
  ListFailedDeliveries(int limit) override;
  absl::Status RetryFailedDelivery(int64_t id) override;
  absl::StatusOr<telegate::v1::WebhookInfo> GetWebhookInfo() override;
  absl::Status WatchStatus(absl::Duration max_interval,
                           const SnapshotCallback& on_snapshot) override;

 private:
  template <typename Req, typename Resp, typename Method>
  absl::StatusOr<Resp> Unary(Method method, const Req& request = Req());
  void Authorize(grpc::ClientContext* context) const;

  std::unique_ptr<telegate::v1::Admin::Stub> stub_;
  const absl::Duration deadline_;
  const std::string auth_token_;
  const StreamOpen stream_open_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_ADMIN_BACKEND_H_
