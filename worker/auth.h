// Bearer-token access control for the worker's gRPC services: with a token
// configured every call must carry "authorization: Bearer <token>"
// (compared in constant time); without one, everything is allowed (the
// listener is then loopback-only, enforced at start). Immutable; thread-safe.
#ifndef TELEGATE_WORKER_AUTH_H_
#define TELEGATE_WORKER_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>

namespace telegate::worker {

class BearerAuth {
 public:
  explicit BearerAuth(std::string token) : token_(std::move(token)) {}

  bool enabled() const { return !token_.empty(); }
  // OK, or UNAUTHENTICATED with a one-line reason.
  grpc::Status Check(const grpc::ServerContextBase& context) const;
  // The same rule for an HTTP "Authorization" header value.
  bool AllowsHeader(std::string_view authorization) const;

 private:
  const std::string token_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_AUTH_H_
