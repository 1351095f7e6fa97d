// Internal to Listener: one accepted connection (plain or TLS) and the
// listener state it shares with its siblings. A connection runs entirely on
// its own strand; it reads a request (idle, head and body deadlines), asks
// the HeadCheck, runs the Handler on its strand and writes the answer the
// handler's Respond posts back; meanwhile it watches for the client leaving
// (Respond::Abandoned). Lifetime: connections are owned by their
// pending asynchronous operations (shared_ptr, the Asio idiom) and, while
// a handler has not answered, by themselves (released on answer or close);
// ConnectionContext and everything it points to must outlive the
// io_context they run on, except `gate`, which late Responds share.
// Includes Asio: only the listener's .cc files may include this header.
#ifndef TELEGATE_HTTP_SERVER_CONNECTION_H_
#define TELEGATE_HTTP_SERVER_CONNECTION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "http/server/connection_registry.h"
#include "http/server/listener.h"

namespace boost::asio::ssl {
class context;
}

namespace telegate::http {

// Lets answers reach connections only while the io_context lives: a
// Respond posts under the gate, Stop closes it before destroying the
// io_context. Thread-safe.
class AnswerGate {
 public:
  // Runs `post` unless closed; Close waits for a running one.
  template <class F>
  void RunIfOpen(F&& post) {
    absl::ReaderMutexLock lock(&mu_);
    if (open_) post();
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    open_ = false;
  }

 private:
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
};

struct ConnectionContext {
  const ListenerOptions* options = nullptr;
  ListenerStats* stats = nullptr;
  const Listener::HeadCheck* check = nullptr;
  const Listener::Handler* handler = nullptr;
  ConnectionRegistry* registry = nullptr;
  std::shared_ptr<AnswerGate> gate = std::make_shared<AnswerGate>();
  // Set by Stop: answers close their connection; idle ones close.
  std::atomic<bool> stopping{false};
};

class Connection : public Closable {
 public:
  // Starts serving on the connection's strand; `id` is its registry id.
  virtual void Start(uint64_t id) = 0;
};

std::shared_ptr<Connection> MakePlainConnection(
    ConnectionContext* context, boost::asio::ip::tcp::socket socket);
std::shared_ptr<Connection> MakeTlsConnection(
    ConnectionContext* context, boost::asio::ip::tcp::socket socket,
    boost::asio::ssl::context& tls);

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_SERVER_CONNECTION_H_
