// Binding a cpp-httplib server properly: httplib 0.11 listens with a backlog
// of 5 (connections beyond it are dropped when many open at once, as
// Telegram's up to 100 do) and sets SO_REUSEPORT (a second process could
// bind the same port silently). BindHttpServer sets SO_REUSEADDR only and
// raises the backlog.
#ifndef TELEGATE_COMMON_HTTP_LISTEN_H_
#define TELEGATE_COMMON_HTTP_LISTEN_H_

#include <string>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace telegate {

inline constexpr int kListenBacklog = 1024;

// Binds `server` to host:port (port 0: any free port) and returns the bound
// port; serve with listen_after_bind(). Call once per server.
absl::StatusOr<int> BindHttpServer(httplib::Server& server,
                                   const std::string& host, int port);

}  // namespace telegate

#endif  // TELEGATE_COMMON_HTTP_LISTEN_H_
