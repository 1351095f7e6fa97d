#include "gateway/admin_backend.h"

#include "absl/time/clock.h"
#include "common/grpc_status.h"

namespace telegate::gateway {

using namespace telegate::v1;  // NOLINT(google-build-using-namespace)

GrpcAdminBackend::GrpcAdminBackend(std::shared_ptr<grpc::Channel> channel,
                                   absl::Duration deadline,
                                   std::string auth_token,
                                   StreamOpen stream_open)
    : stub_(Admin::NewStub(channel)),
      deadline_(deadline),
      auth_token_(std::move(auth_token)),
      stream_open_(std::move(stream_open)) {}

void GrpcAdminBackend::Authorize(grpc::ClientContext* context) const {
  if (!auth_token_.empty()) {
    context->AddMetadata("authorization", "Bearer " + auth_token_);
  }
}

template <typename Req, typename Resp, typename Method>
absl::StatusOr<Resp> GrpcAdminBackend::Unary(Method method,
                                             const Req& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  Authorize(&context);
  Resp response;
  grpc::Status status = (stub_.get()->*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<GetHealthResponse> GrpcAdminBackend::GetHealth() {
  if (stream_open_ != nullptr && !stream_open_()) {
    return absl::UnavailableError("no update stream to a worker is open");
  }
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

absl::StatusOr<ListFailedDeliveriesResponse>
GrpcAdminBackend::ListFailedDeliveries(int limit) {
  ListFailedDeliveriesRequest request;
  request.set_limit(limit);
  return Unary<ListFailedDeliveriesRequest, ListFailedDeliveriesResponse>(
      &Admin::Stub::ListFailedDeliveries, request);
}

absl::Status GrpcAdminBackend::RetryFailedDelivery(int64_t id) {
  RetryFailedDeliveryRequest request;
  request.set_id(id);
  return Unary<RetryFailedDeliveryRequest, RetryFailedDeliveryResponse>(
             &Admin::Stub::RetryFailedDelivery, request)
      .status();
}

absl::StatusOr<WebhookInfo> GrpcAdminBackend::GetWebhookInfo() {
  return Unary<GetWebhookInfoRequest, WebhookInfo>(
      &Admin::Stub::GetWebhookInfo);
}

absl::Status GrpcAdminBackend::WatchStatus(
    absl::Duration max_interval, const SnapshotCallback& on_snapshot) {
  grpc::ClientContext context;
  context.set_wait_for_ready(false);  // an unreachable worker fails at once
  Authorize(&context);
  WatchStatusRequest request;
  request.set_max_interval_ms(
      static_cast<int32_t>(absl::ToInt64Milliseconds(max_interval)));
  std::unique_ptr<grpc::ClientReader<StatusSnapshot>> reader =
      stub_->WatchStatus(&context, request);
  StatusSnapshot snapshot;
  bool stopped = false;
  while (reader->Read(&snapshot)) {
    if (!on_snapshot(snapshot)) {
      stopped = true;
      context.TryCancel();
      while (reader->Read(&snapshot)) {
      }  // drain until the cancellation lands, then Finish
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (stopped) return absl::OkStatus();
  if (status.ok()) return absl::UnavailableError("the worker ended the stream");
  return FromGrpcStatus(status);
}

}  // namespace telegate::gateway
