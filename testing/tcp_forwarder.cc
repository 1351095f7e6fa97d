#include "testing/tcp_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <tuple>
#include <utility>

namespace telegate::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Writes all of `data`; false when the peer is gone.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcpForwarder>> TcpForwarder::Start(
    int target_port) {
  std::unique_ptr<TcpForwarder> f(new TcpForwarder());
  f->target_port_ = target_port;
  f->listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(f->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr = Loopback(0);
  if (bind(f->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
          0 ||
      listen(f->listen_fd_, 64) != 0 || pipe(f->wake_) != 0) {
    return absl::InternalError("forwarder: cannot listen");
  }
  socklen_t len = sizeof(addr);
  getsockname(f->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  f->port_ = ntohs(addr.sin_port);
  f->thread_ = std::thread([p = f.get()] { p->Run(); });
  return f;
}

TcpForwarder::~TcpForwarder() { Stop(); }

void TcpForwarder::BlackHole(bool on) {
  black_hole_.store(on);
  char c = 0;
  (void)!write(wake_[1], &c, 1);
}

void TcpForwarder::Stop() {
  if (stopping_.exchange(true)) return;
  char c = 0;
  (void)!write(wake_[1], &c, 1);
  if (thread_.joinable()) thread_.join();
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) close(fd);
  }
}

void TcpForwarder::Run() {
  // pairs[i] = {client fd, server fd}
  std::vector<std::pair<int, int>> pairs;
  char buffer[64 * 1024];
  while (!stopping_.load()) {
    const bool relay = !black_hole_.load();
    std::vector<pollfd> fds = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (relay) {
      for (auto [a, b] : pairs) {
        fds.push_back({a, POLLIN, 0});
        fds.push_back({b, POLLIN, 0});
      }
    }
    const size_t polled = relay ? pairs.size() : 0;
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
    if (fds[1].revents & POLLIN) (void)!read(wake_[0], buffer, sizeof(buffer));
    if (fds[0].revents & POLLIN) {
      int client = accept(listen_fd_, nullptr, nullptr);
      if (client >= 0) {
        accepted_.fetch_add(1);
        int server = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in target = Loopback(target_port_);
        if (connect(server, reinterpret_cast<sockaddr*>(&target),
                    sizeof(target)) != 0) {
          close(server);
          close(client);  // nothing behind us: refuse
        } else {
          int one = 1;
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
          setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
          pairs.emplace_back(client, server);
        }
      }
    }
    if (!relay) continue;
    std::vector<std::pair<int, int>> alive(pairs.begin() + polled,
                                           pairs.end());  // just accepted
    for (size_t i = 0; i < polled; ++i) {
      auto [a, b] = pairs[i];
      bool ok = true;
      for (auto [from, to, re] : {std::tuple{a, b, fds[2 + 2 * i].revents},
                                  std::tuple{b, a, fds[3 + 2 * i].revents}}) {
        if (!ok || (re & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        ssize_t n = read(from, buffer, sizeof(buffer));
        ok = n > 0 && WriteAll(to, buffer, static_cast<size_t>(n));
      }
      if (ok) {
        alive.emplace_back(a, b);
      } else {
        close(a);
        close(b);
      }
    }
    pairs = std::move(alive);
  }
  for (auto [a, b] : pairs) {
    close(a);
    close(b);
  }
}

}  // namespace telegate::testing
