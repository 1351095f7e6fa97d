// The one conversion between absl::Status and grpc::Status, used only in
// gRPC adapters. Header-only so telegate_common does not depend on gRPC.
#ifndef TELEGATE_COMMON_GRPC_STATUS_H_
#define TELEGATE_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace telegate {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace telegate

#endif  // TELEGATE_COMMON_GRPC_STATUS_H_
