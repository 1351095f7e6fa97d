// Binding a cpp-httplib server properly: httplib 0.11 listens with a backlog
// of 5 (connections beyond it are dropped when many open at once, as
// Telegram's up to 100 do) and sets SO_REUSEPORT (a second process could
// bind the same port silently). BindHttpServer sets SO_REUSEADDR only and
// raises the backlog. DeclareUnframedBodyEmpty fixes httplib 0.11's reading
// of a body-less POST (what `curl -X POST URL` sends).
#ifndef TELEGATE_COMMON_HTTP_LISTEN_H_
#define TELEGATE_COMMON_HTTP_LISTEN_H_

#include <string>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
struct Request;
}

namespace telegate {

inline constexpr int kListenBacklog = 1024;

// Binds `server` to host:port (port 0: any free port) and returns the bound
// port; serve with listen_after_bind(). Call once per server.
absl::StatusOr<int> BindHttpServer(httplib::Server& server,
                                   const std::string& host, int port);

// RFC 9112 section 6.3: a request with neither Content-Length nor
// Transfer-Encoding has no body. httplib 0.11 reads such a POST's body until
// the peer closes instead (the client waits for the read timeout, then gets
// 400). Call from the server's pre-routing handler, which runs before the
// body is read: it declares Content-Length 0 on such a request. The Request
// is httplib's own mutable object, handed to that handler as const only.
void DeclareUnframedBodyEmpty(const httplib::Request& request);

}  // namespace telegate

#endif  // TELEGATE_COMMON_HTTP_LISTEN_H_
