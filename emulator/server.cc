#include "emulator/server.h"

#include <limits>
#include <utility>

#include "absl/status/status.h"

namespace telegate::emulator {
namespace {

// Long Bot API GET queries (a text in the query string) fit.
constexpr size_t kMaxHeaderBytes = 64 * 1024;

http::ListenerOptions ListenerOptionsFor(const ServerOptions& o,
                                         const std::string& host, int port) {
  http::ListenerOptions out;
  out.host = host;
  out.port = port;
  out.io_threads = 1;
  out.max_body_bytes = o.payload_max_bytes;
  out.max_header_bytes = kMaxHeaderBytes;
  out.idle_timeout = o.idle_timeout;
  out.header_timeout = o.idle_timeout;
  out.body_timeout = o.idle_timeout;
  out.write_timeout = o.write_timeout;
  out.max_requests_per_connection = o.keep_alive_max_requests;
  // No connection cap of its own (benchmarks open thousands): the process's
  // descriptor limit is the bound.
  out.max_connections = std::numeric_limits<int>::max();
  out.log_component = "emulator";
  return out;
}

}  // namespace

EmulatorServer::EmulatorServer(BotApi* api, ServerOptions options)
    : options_(std::move(options)),
      sender_(api, options_.webhook),
      control_(api, &sender_, &stats_),
      routes_(api, &control_, &stats_, options_.blocking_threads) {}

EmulatorServer::~EmulatorServer() { Stop(); }

absl::StatusOr<int> EmulatorServer::Start(const std::string& host, int port) {
  absl::MutexLock lock(&lifecycle_mu_);
  if (started_) return absl::FailedPreconditionError("already started");
  started_ = true;
  http_ = std::make_unique<http::Listener>(
      ListenerOptionsFor(options_, host, port), /*check=*/nullptr,
      [this](http::Request request, http::Respond respond) {
        routes_.Handle(std::move(request), std::move(respond));
      });
  return http_->Start();
}

void EmulatorServer::Stop() {
  absl::MutexLock lock(&lifecycle_mu_);
  // First every delayed answer and long poll is answered (later calls are
  // answered at once), so the listener's grace period finds little to wait
  // for.
  routes_.Stop();
  if (http_ != nullptr) http_->Stop();
}

}  // namespace telegate::emulator
