// The gateway's internet-facing HTTP(S) listener for Telegram's webhook,
// event-driven on Boost.Beast/Asio: a few io threads do accept, TLS, reads
// and writes for every connection (idle keep-alive connections cost no
// thread), and a separate pool runs the blocking handlers. Enforces the
// head/body/idle/write deadlines, the body and head size limits and a cap
// on open connections (evicting the longest-idle one).
//
// Thread-safety: Start and Stop from one owning thread. HeadCheck runs on an
// io thread and must not block; Handler runs on a handler thread and may
// block. Lifetime: no callback runs after Stop (or the destructor) returns;
// options.stats, when set, must outlive the listener.
#ifndef TELEGATE_GATEWAY_PUBLIC_LISTENER_H_
#define TELEGATE_GATEWAY_PUBLIC_LISTENER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/public_request.h"

namespace telegate::gateway {

// Counters read by the gateway's /metrics.
struct PublicListenerStats {
  std::atomic<int64_t> connections_open{0};  // gauge
  std::atomic<int64_t> connections_accepted{0};
  std::atomic<int64_t> connections_refused{0};  // over the cap, none idle
  std::atomic<int64_t> connections_evicted{0};  // idle ones closed for room
  std::atomic<int64_t> header_timeouts{0};
  std::atomic<int64_t> body_timeouts{0};
  std::atomic<int64_t> idle_timeouts{0};
  std::atomic<int64_t> too_large{0};  // 413
  std::atomic<int64_t> malformed{0};  // 400 (and 431) from the parser
  std::atomic<int64_t> tls_handshake_failures{0};
  std::atomic<int64_t> requests{0};  // handed to the Handler
};

struct PublicListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  int io_threads = 1;         // asio threads: accept, read, write, TLS
  int handler_threads = 128;  // blocking handlers
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  // The whole request head, counted from its first byte (trickling bytes
  // does not extend it). Also bounds the TLS handshake.
  absl::Duration header_timeout = absl::Seconds(10);
  absl::Duration body_timeout = absl::Seconds(30);  // the whole body
  // Keep-alive: no first byte of a new request within this -> close.
  absl::Duration idle_timeout = absl::Seconds(60);
  absl::Duration write_timeout = absl::Seconds(10);
  // At the cap, a new connection evicts the longest-idle connection (one
  // with no request in progress); if none is idle, the new one is closed.
  int max_connections = 4096;
  // Both set: TLS only, TLS 1.2 minimum. Neither: plain HTTP. One: Start
  // fails.
  std::string tls_cert_file;
  std::string tls_key_file;
  PublicListenerStats* stats = nullptr;  // optional
};

class PublicListener {
 public:
  // Runs on an io thread once the head is parsed, before the body is read;
  // must not block. A returned response is sent and the connection closed
  // without reading the body. nullopt: read the body and call the handler.
  using HeadCheck =
      std::function<std::optional<PublicResponse>(const PublicRequest& head)>;
  // Runs on a handler thread; may block. Never called on an io thread.
  using Handler = std::function<PublicResponse(PublicRequest request)>;

  PublicListener(PublicListenerOptions options, HeadCheck check,
                 Handler handler);
  ~PublicListener();  // Stop()
  PublicListener(const PublicListener&) = delete;
  PublicListener& operator=(const PublicListener&) = delete;

  // Binds and starts serving; returns the bound port. Errors: bad options,
  // bind failure, unreadable/invalid certificate or key (naming the file).
  absl::StatusOr<int> Start();

  // Stops accepting, closes idle connections, lets requests in progress
  // finish and their answers be written (at most `grace`), then closes
  // everything and joins all threads. A handler still running after `grace`
  // is waited for. Idempotent.
  void Stop(absl::Duration grace = absl::Seconds(5));

  // The counters (options.stats or the listener's own).
  const PublicListenerStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_PUBLIC_LISTENER_H_
