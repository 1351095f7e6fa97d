#include "gateway/admin_backend.h"

#include "absl/time/clock.h"
#include "common/grpc_status.h"

namespace telegate::gateway {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)

GrpcAdminBackend::GrpcAdminBackend(std::shared_ptr<grpc::Channel> channel,
                                   absl::Duration deadline)
    : stub_(Admin::NewStub(channel)), deadline_(deadline) {}

template <typename Req, typename Resp, typename Method>
absl::StatusOr<Resp> GrpcAdminBackend::Unary(Method method) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  Req request;
  Resp response;
  grpc::Status status = (stub_.get()->*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<GetHealthResponse> GrpcAdminBackend::GetHealth() {
  return Unary<GetHealthRequest, GetHealthResponse>(&Admin::Stub::GetHealth);
}
absl::StatusOr<RestartBotResponse> GrpcAdminBackend::RestartBot() {
  return Unary<RestartBotRequest, RestartBotResponse>(&Admin::Stub::RestartBot);
}
absl::StatusOr<ResetErrorsResponse> GrpcAdminBackend::ResetErrors() {
  return Unary<ResetErrorsRequest, ResetErrorsResponse>(
      &Admin::Stub::ResetErrors);
}
absl::StatusOr<GetStatsResponse> GrpcAdminBackend::GetStats() {
  return Unary<GetStatsRequest, GetStatsResponse>(&Admin::Stub::GetStats);
}

}  // namespace telegate::gateway
