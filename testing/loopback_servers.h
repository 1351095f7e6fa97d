// Test support: loopback peers for HTTP client tests, all on 127.0.0.1 port 0: a
// cpp-httplib server that counts the connections it accepted, a port nobody
// listens on, a listener that never accepts, and a server that resets every
// connection. Each stops (and joins its threads) in its destructor; set-up
// failures abort (TELEGATE_CHECK).
#ifndef TELEGATE_TESTING_LOOPBACK_SERVERS_H_
#define TELEGATE_TESTING_LOOPBACK_SERVERS_H_

#include <httplib.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace telegate::testing {

// Register handlers on server() before Start().
class LoopbackServer {
 public:
  explicit LoopbackServer(int threads = 16,
                          std::unique_ptr<httplib::Server> server = nullptr);
  ~LoopbackServer();
  httplib::Server& server() { return *server_; }
  void Start();
  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  // Distinct client connections that sent at least one request.
  int connections() const;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable absl::Mutex mu_;
  std::set<int> client_ports_ ABSL_GUARDED_BY(mu_);
};

// A port on 127.0.0.1 that was free a moment ago (bound, then closed).
int UnusedPort();

// Listens with a backlog, never accepts: connects succeed, nothing answers.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Accepts, reads the request, then closes with SO_LINGER 0 (a TCP reset).
class ResettingServer {
 public:
  ResettingServer();
  ~ResettingServer();
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTING_LOOPBACK_SERVERS_H_
