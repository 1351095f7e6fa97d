#include "testing/loopback_servers.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/check.h"

namespace telegate::testing {
namespace {

// A TCP socket bound to 127.0.0.1:0; `*port` gets the port.
int BindLoopback(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  TELEGATE_CHECK(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  TELEGATE_CHECK(
      bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  TELEGATE_CHECK(
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

LoopbackServer::LoopbackServer(int threads,
                               std::unique_ptr<httplib::Server> server)
    : server_(server ? std::move(server)
                     : std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  server_->set_keep_alive_max_count(100000);
  server_->set_keep_alive_timeout(30);
  server_->set_payload_max_length(64 << 20);
  server_->set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response&) {
        absl::MutexLock lock(&mu_);
        client_ports_.insert(req.remote_port);
        return httplib::Server::HandlerResponse::Unhandled;
      });
}

LoopbackServer::~LoopbackServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

void LoopbackServer::Start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  TELEGATE_CHECK(port_ > 0);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() before its accept loop runs is lost (the destructor
  // would then wait forever): return only once it runs.
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!server_->is_running()) {
    TELEGATE_CHECK(absl::Now() < deadline);
    absl::SleepFor(absl::Milliseconds(1));
  }
}

std::string LoopbackServer::base_url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

int LoopbackServer::connections() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(client_ports_.size());
}

int UnusedPort() {
  int port = 0;
  int fd = BindLoopback(&port);
  close(fd);
  return port;
}

SilentListener::SilentListener() {
  fd_ = BindLoopback(&port_);
  TELEGATE_CHECK(listen(fd_, 64) == 0);
}

SilentListener::~SilentListener() { close(fd_); }

ResettingServer::ResettingServer() {
  fd_ = BindLoopback(&port_);
  TELEGATE_CHECK(listen(fd_, 64) == 0);
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      int conn = accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      pollfd c{conn, POLLIN, 0};
      if (poll(&c, 1, 5000) > 0) {
        char buf[4096];
        ssize_t n = read(conn, buf, sizeof(buf));
        (void)n;
      }
      linger lg{1, 0};
      setsockopt(conn, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
      close(conn);
    }
  });
}

ResettingServer::~ResettingServer() {
  stop_.store(true);
  thread_.join();
  close(fd_);
}

}  // namespace telegate::testing
