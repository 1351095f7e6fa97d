// The gateway's view of the worker's Admin API, behind an interface so the
// HTTP routes can be tested with a fake. GrpcAdminBackend is the real one:
// unary calls with a deadline. Thread-safe.
#ifndef TELEGATE_GATEWAY_ADMIN_BACKEND_H_
#define TELEGATE_GATEWAY_ADMIN_BACKEND_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "telegate/v1/admin.grpc.pb.h"

namespace telegate::gateway {

class AdminBackend {
 public:
  virtual ~AdminBackend() = default;
  virtual absl::StatusOr<telegate::v1::GetHealthResponse> GetHealth() = 0;
  virtual absl::StatusOr<telegate::v1::RestartBotResponse> RestartBot() = 0;
  virtual absl::StatusOr<telegate::v1::ResetErrorsResponse> ResetErrors() = 0;
  virtual absl::StatusOr<telegate::v1::GetStatsResponse> GetStats() = 0;
};

class GrpcAdminBackend : public AdminBackend {
 public:
  GrpcAdminBackend(std::shared_ptr<grpc::Channel> channel,
                   absl::Duration deadline);
  absl::StatusOr<telegate::v1::GetHealthResponse> GetHealth() override;
  absl::StatusOr<telegate::v1::RestartBotResponse> RestartBot() override;
  absl::StatusOr<telegate::v1::ResetErrorsResponse> ResetErrors() override;
  absl::StatusOr<telegate::v1::GetStatsResponse> GetStats() override;

 private:
  template <typename Req, typename Resp, typename Method>
  absl::StatusOr<Resp> Unary(Method method);

  std::unique_ptr<telegate::v1::Admin::Stub> stub_;
  const absl::Duration deadline_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_ADMIN_BACKEND_H_
