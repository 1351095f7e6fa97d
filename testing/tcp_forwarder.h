// TcpForwarder: a loopback TCP relay for tests, placed between a client and
// a server (e.g. gateway and worker) to fail the network in ways a process
// cannot: BlackHole(true) stops moving bytes in both directions without
// closing any socket (a host that vanished without a TCP reset); new
// connections are then accepted but go nowhere. One thread, poll()-driven.
// Thread-safe; Stop (or the destructor) closes everything and joins.
#ifndef TELEGATE_TESTING_TCP_FORWARDER_H_
#define TELEGATE_TESTING_TCP_FORWARDER_H_

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace telegate::testing {

class TcpForwarder {
 public:
  // Listens on 127.0.0.1:0 and relays every connection to
  // 127.0.0.1:`target_port`.
  static absl::StatusOr<std::unique_ptr<TcpForwarder>> Start(int target_port);
  ~TcpForwarder();

  int port() const { return port_; }
  void BlackHole(bool on);
  // Connections accepted so far.
  int accepted() const { return accepted_.load(); }
  void Stop();

 private:
  TcpForwarder() = default;
  void Run();

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // a pipe that interrupts poll()
  int port_ = 0;
  int target_port_ = 0;
  std::atomic<bool> black_hole_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTING_TCP_FORWARDER_H_
