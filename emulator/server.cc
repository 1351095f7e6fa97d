#include "emulator/server.h"

#include <utility>

#include "absl/status/status.h"

namespace telegate::emulator {
namespace {

AsyncHttpServerOptions HttpOptions(const ServerOptions& o) {
  AsyncHttpServerOptions out;
  out.max_body_bytes = o.payload_max_bytes;
  out.idle_timeout = o.idle_timeout;
  out.write_timeout = o.write_timeout;
  out.keep_alive_max_requests = o.keep_alive_max_requests;
  return out;
}

}  // namespace

EmulatorServer::EmulatorServer(BotApi* api, ServerOptions options)
    : options_(std::move(options)),
      sender_(api, options_.webhook),
      control_(api, &sender_, &stats_),
      routes_(api, &control_, &stats_, options_.blocking_threads),
      http_(HttpOptions(options_),
            [this](HttpRequest request, EmulatorRoutes::Respond respond) {
              routes_.Handle(std::move(request), std::move(respond));
            }) {}

EmulatorServer::~EmulatorServer() { Stop(); }

absl::StatusOr<int> EmulatorServer::Start(const std::string& host, int port) {
  absl::MutexLock lock(&lifecycle_mu_);
  if (started_) return absl::FailedPreconditionError("already started");
  started_ = true;
  return http_.Start(host, port);
}

void EmulatorServer::Stop() {
  absl::MutexLock lock(&lifecycle_mu_);
  // First every delayed answer and long poll is answered (later calls are
  // answered at once), so the listener's grace period finds little to wait
  // for.
  routes_.Stop();
  http_.Stop();
}

}  // namespace telegate::emulator
