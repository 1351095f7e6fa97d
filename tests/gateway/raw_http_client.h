// Test helper: a blocking loopback TCP client speaking raw bytes, for what an
// HTTP library will not send (malformed requests, lies about
// Content-Length, trickled heads, idle connections). Every wait is bounded
// by poll() with a timeout. One thread per client, except that one thread
// may Send while another reads.
#ifndef TELEGATE_TESTS_GATEWAY_RAW_HTTP_CLIENT_H_
#define TELEGATE_TESTS_GATEWAY_RAW_HTTP_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace telegate::testing {

struct RawResponse {
  int status = 0;
  std::string head;  // lower-cased
  std::string body;
};

class RawClient {
 public:
  // nullptr when the connection cannot be made.
  static std::unique_ptr<RawClient> Connect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd);
      return nullptr;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return std::unique_ptr<RawClient>(new RawClient(fd));
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  int fd() const { return fd_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response: head, then Content-Length bytes of body (none when the
  // header is absent). nullopt on timeout or when the peer closes first.
  std::optional<RawResponse> ReadResponse(
      absl::Duration timeout = absl::Seconds(10)) {
    absl::Time deadline = absl::Now() + timeout;
    size_t head_end;
    while ((head_end = buffered_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(deadline)) return std::nullopt;
    }
    RawResponse response;
    response.head = absl::AsciiStrToLower(buffered_.substr(0, head_end + 2));
    size_t space = response.head.find(' ');
    if (space == std::string::npos ||
        !absl::SimpleAtoi(response.head.substr(space + 1, 3),
                          &response.status)) {
      return std::nullopt;
    }
    size_t length = 0;
    size_t cl = response.head.find("\r\ncontent-length:");
    if (cl != std::string::npos) {
      length = std::strtoul(response.head.c_str() + cl + 17, nullptr, 10);
    }
    buffered_.erase(0, head_end + 4);
    while (buffered_.size() < length) {
      if (!ReadMore(deadline)) return std::nullopt;
    }
    response.body = buffered_.substr(0, length);
    buffered_.erase(0, length);
    return response;
  }

  // True when the peer closes (EOF or reset) within `timeout`; bytes read
  // meanwhile are appended to `*rest` when given.
  bool WaitClosed(absl::Duration timeout = absl::Seconds(10),
                  std::string* rest = nullptr) {
    absl::Time deadline = absl::Now() + timeout;
    if (rest != nullptr) *rest += buffered_;
    buffered_.clear();
    for (;;) {
      int wait_ms =
          static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      if (wait_ms <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, wait_ms) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return true;  // reset
      }
      if (rest != nullptr) rest->append(buf, static_cast<size_t>(n));
    }
  }

 private:
  explicit RawClient(int fd) : fd_(fd) {}

  bool ReadMore(absl::Time deadline) {
    for (;;) {
      int wait_ms =
          static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      if (wait_ms <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, wait_ms);
      if (ready < 0 && errno != EINTR) return false;
      if (ready <= 0) continue;
      char buf[16384];
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) {
        buffered_.append(buf, static_cast<size_t>(n));
        return true;
      }
      if (n == 0 || (errno != EINTR && errno != EAGAIN)) return false;
    }
  }

  int fd_;
  std::string buffered_;
};

// Raises the soft RLIMIT_NOFILE to at least `n` (capped by the hard limit).
inline void RaiseFileLimit(rlim_t n) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur >= n) return;
  limit.rlim_cur =
      limit.rlim_max == RLIM_INFINITY ? n : std::min(n, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_GATEWAY_RAW_HTTP_CLIENT_H_
