// HttpClient: a general asynchronous HTTP(S) client on libcurl's multi
// interface, bound to one EventLoop: many requests in flight on a pool of
// keep-alive connections (HTTP/1.1, HTTP/2 where the server offers it over
// TLS), TLS verification, proxies from the environment, DNS cache. Used for
// the Bot API (common/async_bot_api.h) and, later, for posting updates to a
// bot's own webhook.
//
// Thread-safety: Send may be called from any thread (it posts to the loop
// when called elsewhere); `done` always runs exactly once, on the loop
// thread — also when the client is destroyed or the loop stops with the
// request in flight (then with a kCancelled status). `done` never runs
// inside Send, except for a Send made after the loop stopped: then it runs
// at once on the caller's thread with kCancelled. `done` may destroy the
// client. Destroy the client on its loop thread (a `done` included), or
// after the loop stopped. The loop must outlive it.
#ifndef TELEGATE_HTTP_HTTP_CLIENT_H_
#define TELEGATE_HTTP_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "http/event_loop.h"

namespace telegate::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";  // GET, POST, ...
  std::string url;              // http:// or https://
  Headers headers;              // e.g. {"Content-Type", "application/json"}
  std::string body;
  // Optional streamed body instead of `body`: called on the loop thread to
  // fill up to `size` bytes at `buffer`, returns the bytes written, 0 at the
  // end. It must not block. `body_size` is its length when known (-1: sent
  // with chunked transfer encoding on HTTP/1.1).
  std::function<size_t(char* buffer, size_t size)> body_source;
  int64_t body_size = -1;
  // Whole request, connect included. Zero: no limit.
  absl::Duration timeout = absl::Seconds(60);
  absl::Duration connect_timeout = absl::Seconds(10);
};

struct HttpResponse {
  // OK when an HTTP answer arrived (whatever its status code). Otherwise a
  // named transport failure, never containing the URL's path or query:
  // kUnavailable "connection refused to host:port", "DNS lookup failed for
  // host", "TLS error with host:port: ...", "connection reset by host:port";
  // kDeadlineExceeded "timeout after 5 s (host:port)"; kCancelled.
  absl::Status status;
  int code = 0;     // HTTP status code; 0 without an answer
  Headers headers;  // names lower-cased, in order received
  std::string body;
  absl::Duration elapsed;

  // First header with this lower-case name, nullptr if absent.
  const std::string* Header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  // Connections this client keeps open at most (all hosts together).
  int max_connections = 64;
  int max_connections_per_host = 64;
  // Requests above this many in flight wait in the client's own queue.
  int max_in_flight = 1024;
  // CA bundle for https; empty: libcurl's default (the system's bundle).
  std::string ca_file;
  // Idle connections are closed after this long.
  absl::Duration idle_timeout = absl::Seconds(118);
  // Response bodies above this fail the request (kResourceExhausted).
  size_t max_response_bytes = 64 << 20;
};

class HttpClient {
 public:
  using Callback = std::function<void(HttpResponse)>;

  HttpClient(EventLoop* loop, HttpClientOptions options);
  ~HttpClient();  // in-flight requests complete with kCancelled
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void Send(HttpRequest request, Callback done);

  // Requests started and not yet completed (queued ones included).
  int in_flight() const;

 private:
  struct Impl;
  // Shared only with the client's own loop tasks (weakly), so that a task
  // posted before the client died finds it gone.
  std::shared_ptr<Impl> impl_;
};

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_HTTP_CLIENT_H_
