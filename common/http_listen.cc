#include "common/http_listen.h"

#include <httplib.h>
#include <sys/socket.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace telegate {

absl::StatusOr<int> BindHttpServer(httplib::Server& server,
                                   const std::string& host, int port) {
  auto fd = std::make_shared<int>(-1);
  server.set_socket_options([fd](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    *fd = sock;
  });
  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", host, ":", port,
        " (address in use or not a local address)"));
  }
  // Listening again on a listening socket only updates its backlog.
  if (*fd >= 0) ::listen(*fd, kListenBacklog);
  return bound;
}

void DeclareUnframedBodyEmpty(const httplib::Request& request) {
  if (request.has_header("Content-Length") ||
      request.has_header("Transfer-Encoding")) {
    return;
  }
  const_cast<httplib::Request&>(request).headers.emplace("Content-Length",
                                                         "0");
}

}  // namespace telegate
