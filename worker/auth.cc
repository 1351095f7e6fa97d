#include "worker/auth.h"

#include "common/constant_time.h"

namespace telegate::worker {

bool BearerAuth::AllowsHeader(std::string_view authorization) const {
  if (!enabled()) return true;
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.substr(0, kPrefix.size()) != kPrefix) return false;
  return ConstantTimeEquals(authorization.substr(kPrefix.size()), token_);
}

grpc::Status BearerAuth::Check(const grpc::ServerContextBase& context) const {
  if (!enabled()) return grpc::Status::OK;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "missing authorization metadata (Bearer token)");
  }
  if (!AllowsHeader(std::string_view(it->second.data(), it->second.size()))) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "wrong admin token");
  }
  return grpc::Status::OK;
}

}  // namespace telegate::worker
