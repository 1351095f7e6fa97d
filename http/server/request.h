// The values exchanged between the HTTP listener (listener.h) and the code
// that answers it: the request, the response and Respond, the one-shot way
// to send a response later. Request and Response are plain values (no I/O,
// no Beast types, copyable, safe to move between threads).
#ifndef TELEGATE_HTTP_SERVER_REQUEST_H_
#define TELEGATE_HTTP_SERVER_REQUEST_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace telegate::http {

struct Request {
  std::string method;  // "POST"
  std::string path;    // target without the query string
  // The raw query string after '?', without it, percent-encoding as
  // received; empty when none. Decode with ParseUrlEncoded (query.h).
  std::string query;
  // Names lower-cased; repeated fields are joined with ", ".
  absl::flat_hash_map<std::string, std::string> headers;
  std::string body;     // empty in HeadCheck
  std::string peer_ip;  // TCP peer address, textual ("127.0.0.1", "::1")

  // nullptr if absent. `lower_name` must be lower-case.
  const std::string* Header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::string body;  // JSON in practice
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
};

// {"ok":false,"error":"<message>"} with `status`; the message is one line.
Response JsonErrorResponse(int status, std::string_view message);

// Sends the answer to one request. Copyable (copies share one answer); may
// be called from any thread and never blocks: the write is posted to the
// connection's strand. The first call wins, later ones are ignored. When
// the last copy is destroyed without a call, the request is answered 500.
// Safe to call or drop after the listener stopped (it then does nothing).
// The listener marks an answer abandoned when the client closes (or resets)
// its connection while the handler has not answered yet; a client that
// half-closes and still waits counts as gone. Over TLS, a close_notify
// before the close is not noticed (the answer's write fails instead).
class Respond {
 public:
  // `send` carries a response to the connection; called at most once.
  explicit Respond(std::function<void(Response)> send);
  void operator()(Response response) const;

  // True once the client left before this answer was sent.
  bool Abandoned() const;
  // `callback` runs once when the client leaves before the answer (on an io
  // thread; inline if it already left), never after an answer was sent.
  // Replaces an earlier callback. Must not block, and must not hold a copy
  // of this Respond (that would keep the answer alive in a cycle).
  void OnAbandoned(std::function<void()> callback) const;
  // For the listener: marks this answer abandoned without keeping it alive.
  std::function<void()> AbandonSignal() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_SERVER_REQUEST_H_
