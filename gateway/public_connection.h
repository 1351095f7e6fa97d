// Internal to PublicListener: one accepted connection (plain or TLS) and the
// listener state it shares with its siblings. A connection runs entirely on
// its own strand; it reads a request (idle, head and body deadlines), asks
// the HeadCheck, hands the request to the handler pool through
// ConnectionContext::dispatch and writes the answer. Lifetime: connections
// are owned by their pending asynchronous operations (shared_ptr, the Asio
// idiom); ConnectionContext and everything it points to must outlive the
// io_context they run on. Includes Asio: only the listener's .cc files may
// include this header.
#ifndef TELEGATE_GATEWAY_PUBLIC_CONNECTION_H_
#define TELEGATE_GATEWAY_PUBLIC_CONNECTION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "gateway/connection_registry.h"
#include "gateway/public_listener.h"

namespace boost::asio::ssl {
class context;
}

namespace telegate::gateway {

struct ConnectionContext {
  const PublicListenerOptions* options = nullptr;
  PublicListenerStats* stats = nullptr;
  const PublicListener::HeadCheck* check = nullptr;
  ConnectionRegistry* registry = nullptr;
  // Runs the handler for `request` off the io threads, then calls `done`
  // with its answer (from a handler thread). Does not call `done` when the
  // listener is shutting down hard.
  std::function<void(PublicRequest request,
                     std::function<void(PublicResponse)> done)>
      dispatch;
  // Set by Stop: answers close their connection; idle ones close.
  std::atomic<bool> stopping{false};
};

class PublicConnection : public Closable {
 public:
  // Starts serving on the connection's strand; `id` is its registry id.
  virtual void Start(uint64_t id) = 0;
};

std::shared_ptr<PublicConnection> MakePlainConnection(
    ConnectionContext* context, boost::asio::ip::tcp::socket socket);
std::shared_ptr<PublicConnection> MakeTlsConnection(
    ConnectionContext* context, boost::asio::ip::tcp::socket socket,
    boost::asio::ssl::context& tls);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_PUBLIC_CONNECTION_H_
