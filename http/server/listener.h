// An HTTP(S)/1.1 server on Boost.Beast/Asio, shared by the gateway's public
// listener and the emulator: a few io threads do accept, TLS, reads and
// writes for every connection (idle keep-alive connections cost no thread).
// No thread waits for an answer: the handler runs on the io thread, must
// not block, and answers through Respond whenever it likes (from any
// thread). Enforces the head/body/idle/write deadlines, the body and head
// size limits, a cap on open connections (evicting the longest-idle one)
// and an optional cap on requests per connection.
//
// Thread-safety: Start and Stop from one owning thread. HeadCheck and
// Handler run on io threads (concurrently for different connections when
// io_threads > 1) and must not block. Lifetime: no callback runs after Stop
// (or the destructor) returns, and a Respond called later does nothing;
// options.stats, when set, must outlive the listener.
#ifndef TELEGATE_HTTP_SERVER_LISTENER_H_
#define TELEGATE_HTTP_SERVER_LISTENER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "http/server/request.h"

namespace telegate::http {

// Counters (the gateway exports them on /metrics).
struct ListenerStats {
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

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  int io_threads = 1;  // asio threads: accept, read, write, TLS, handlers
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
  // Requests served on one connection before it is closed (the last
  // answer carries "Connection: close"); 0 = unlimited.
  int max_requests_per_connection = 0;
  // Both set: TLS only, TLS 1.2 minimum. Neither: plain HTTP. One: Start
  // fails.
  std::string tls_cert_file;
  std::string tls_key_file;
  ListenerStats* stats = nullptr;  // optional
  std::string log_component = "http";  // the log lines' "component"
};

class Listener {
 public:
  // Runs on an io thread once the head is parsed, before the body is read;
  // must not block. A returned response is sent and the connection closed
  // without reading the body. nullopt: read the body and call the handler.
  using HeadCheck =
      std::function<std::optional<Response>(const Request& head)>;
  // Runs on the connection's io thread once the body is read; must not
  // block. Answers by calling `respond` exactly once, now or later, from
  // any thread. A Handler that throws before responding answers 500.
  using Handler = std::function<void(Request request, Respond respond)>;

  Listener(ListenerOptions options, HeadCheck check,
                 Handler handler);
  ~Listener();  // Stop()
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and starts serving; returns the bound port. Errors: bad options,
  // bind failure, unreadable/invalid certificate or key (naming the file).
  absl::StatusOr<int> Start();

  // Stops accepting, closes idle connections, lets requests in progress
  // finish and their answers be written (at most `grace`), then closes
  // everything and joins the io threads. An answer that comes after that
  // is dropped. Idempotent.
  void Stop(absl::Duration grace = absl::Seconds(5));

  // The counters (options.stats or the listener's own).
  const ListenerStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_SERVER_LISTENER_H_
