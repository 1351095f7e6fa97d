// AsyncHttpServer: the emulator's event-driven HTTP/1.1 listener on
// Boost.Beast/Asio. One io thread accepts, reads and writes every
// connection; the handler runs on it and answers through Respond whenever it
// likes, from any thread, so a request waiting for its answer holds no
// thread (only its connection). Keep-alive with an idle timeout and an
// optional cap on requests per connection; body limit (413).
//
// (The gateway's http::Listener would serve as well, but its Request drops
// the query string, which the Bot API's GET calls and the control API need.)
//
// Thread-safety: Start and Stop from one owning thread; Respond from any
// thread. Lifetime: Stop (also run by the destructor) stops accepting,
// waits up to `grace` for requests already handed to the handler to be
// answered and written, then closes every connection and joins the io
// thread. No handler runs after Stop returns, and a Respond called later
// does nothing.
#ifndef TELEGATE_EMULATOR_ASYNC_HTTP_SERVER_H_
#define TELEGATE_EMULATOR_ASYNC_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "emulator/routes.h"

namespace telegate::emulator {

struct AsyncHttpServerOptions {
  size_t max_body_bytes = 10 << 20;
  absl::Duration read_timeout = absl::Seconds(30);  // a request, once begun
  absl::Duration idle_timeout = absl::Seconds(60);  // between requests
  absl::Duration write_timeout = absl::Seconds(30);
  // Requests per connection before it is closed (Connection: close on the
  // last answer); 0 = no limit.
  int keep_alive_max_requests = 0;
};

class AsyncHttpServer {
 public:
  // Runs on the io thread; must not block; calls `respond` exactly once.
  using Handler =
      std::function<void(HttpRequest request, EmulatorRoutes::Respond respond)>;

  AsyncHttpServer(AsyncHttpServerOptions options, Handler handler);
  ~AsyncHttpServer();
  AsyncHttpServer(const AsyncHttpServer&) = delete;
  AsyncHttpServer& operator=(const AsyncHttpServer&) = delete;

  // Binds host:port (port 0: any free port), starts the io thread and
  // returns the bound port. Once per object.
  absl::StatusOr<int> Start(const std::string& host, int port);
  void Stop(absl::Duration grace = absl::Seconds(5));  // idempotent

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_ASYNC_HTTP_SERVER_H_
