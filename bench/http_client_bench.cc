// telegate-http-client-bench: N sendMessage calls against a loopback Bot API
// stand-in that answers each after L ms, made (a) by HttpAsyncBotApiClient on
// one event loop with many calls in flight and (b) by the blocking
// cpp-httplib HttpBotApiClient on T threads. Prints calls/s and the client
// process's CPU seconds per 1000 calls (docs/adr/0006).
//
// The server runs in a forked child (Boost.Beast on one thread, a timer per
// delayed answer, no thread per call), so the parent's rusage is the
// client's alone.
//
//   telegate-http-client-bench --calls 20000 --latency_ms 80 --in_flight 512 \
//     --connections 32 --threads 4,32
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/http_async_bot_api.h"
#include "common/http_bot_api_client.h"

ABSL_FLAG(int, calls, 20000, "calls per client configuration");
ABSL_FLAG(int, latency_ms, 0, "the server answers each call after this long");
ABSL_FLAG(int, in_flight, 512, "async client: calls kept in flight");
ABSL_FLAG(int, connections, 32, "async client: connections of its loop");
ABSL_FLAG(std::string, threads, "4,32", "blocking client: thread counts");

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// One keep-alive connection of the stand-in server.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, int latency_ms)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        latency_ms_(latency_ms) {
    socket_.set_option(tcp::no_delay(true));
  }
  void Read() {
    req_ = {};
    bhttp::async_read(socket_, buffer_, req_,
                      [self = shared_from_this()](beast::error_code ec,
                                                  size_t) {
                        if (!ec) self->Delay();
                      });
  }

 private:
  void Delay() {
    if (latency_ms_ == 0) return Respond();
    timer_.expires_after(std::chrono::milliseconds(latency_ms_));
    timer_.async_wait([self = shared_from_this()](beast::error_code) {
      self->Respond();
    });
  }
  void Respond() {
    res_ = {bhttp::status::ok, req_.version()};
    res_.set(bhttp::field::content_type, "application/json");
    res_.body() = R"({"ok":true,"result":{"message_id":1,"chat":{"id":1}}})";
    res_.keep_alive(req_.keep_alive());
    res_.prepare_payload();
    bhttp::async_write(socket_, res_,
                       [self = shared_from_this()](beast::error_code ec,
                                                   size_t) {
                         if (!ec) self->Read();
                       });
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  int latency_ms_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> req_;
  bhttp::response<bhttp::string_body> res_;
};

void Accept(tcp::acceptor& acceptor, int latency_ms) {
  acceptor.async_accept([&acceptor, latency_ms](beast::error_code ec,
                                                tcp::socket socket) {
    if (!ec) std::make_shared<Session>(std::move(socket), latency_ms)->Read();
    Accept(acceptor, latency_ms);
  });
}

// Forks the server; returns its pid and sets *port.
pid_t StartServer(int latency_ms, int* port) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    net::io_context io(1);
    tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    acceptor.listen(4096);
    int p = acceptor.local_endpoint().port();
    if (write(fds[1], &p, sizeof(p)) != sizeof(p)) _exit(1);
    close(fds[1]);
    Accept(acceptor, latency_ms);
    io.run();
    _exit(0);
  }
  close(fds[1]);
  if (read(fds[0], port, sizeof(*port)) != sizeof(*port)) std::abort();
  close(fds[0]);
  return pid;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Figures {
  int ok = 0;
  double seconds = 0;
  double cpu = 0;
};

void Print(const std::string& what, int calls, const Figures& f) {
  std::printf("%-36s %7d calls, %5d ok: %9.0f calls/s, %6.3f CPU s/1000 calls\n",
              what.c_str(), calls, f.ok, calls / f.seconds,
              f.cpu * 1000.0 / calls);
  std::fflush(stdout);
}

nlohmann::json Params(int i) {
  return {{"chat_id", 1000 + i % 2000}, {"text", "hello from the bench"}};
}

Figures RunAsync(const std::string& base_url, int calls, int in_flight,
                 int connections) {
  telegate::http::EventLoop loop;
  if (!loop.Start("bench-loop").ok()) std::abort();
  telegate::HttpAsyncBotApiOptions options;
  options.base_url = base_url;
  options.token = "1:bench";
  options.connections = connections;
  std::unique_ptr<telegate::AsyncBotApiClient> client =
      telegate::HttpAsyncBotApiClientFactory(options).Create(&loop);
  Figures f;
  absl::Notification all_done;
  int started = 0;
  int finished = 0;
  std::function<void()> start_one;
  // Everything runs on the loop: each answer starts the next call.
  start_one = [&] {
    int i = started++;
    client->Call("sendMessage", Params(i), [&](telegate::ApiResult r) {
      if (r.ok) ++f.ok;
      if (++finished == calls) all_done.Notify();
      if (started < calls) start_one();
    });
  };
  double cpu0 = CpuSeconds();
  absl::Time t0 = absl::Now();
  loop.Post([&] {
    while (started < std::min(in_flight, calls)) start_one();
  });
  all_done.WaitForNotification();
  f.seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  f.cpu = CpuSeconds() - cpu0;
  loop.Stop();
  client.reset();
  return f;
}

Figures RunBlocking(const std::string& base_url, int calls, int threads) {
  telegate::HttpBotApiOptions options;
  options.base_url = base_url;
  options.token = "1:bench";
  std::atomic<int> next{0};
  std::atomic<int> ok{0};
  double cpu0 = CpuSeconds();
  absl::Time t0 = absl::Now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      telegate::HttpBotApiClient client(options);
      for (int i = next++; i < calls; i = next++) {
        if (client.Call("sendMessage", Params(i)).ok) ok.fetch_add(1);
      }
    });
  }
  for (auto& th : pool) th.join();
  Figures f;
  f.ok = ok.load();
  f.seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  f.cpu = CpuSeconds() - cpu0;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int calls = absl::GetFlag(FLAGS_calls);
  const int latency = absl::GetFlag(FLAGS_latency_ms);
  int port = 0;
  pid_t server = StartServer(latency, &port);
  std::string base_url = "http://127.0.0.1:" + std::to_string(port);
  std::printf("server answers after %d ms\n", latency);

  int in_flight = absl::GetFlag(FLAGS_in_flight);
  int connections = absl::GetFlag(FLAGS_connections);
  Print("async: 1 loop, " + std::to_string(in_flight) + " in flight, " +
            std::to_string(connections) + " conns",
        calls, RunAsync(base_url, calls, in_flight, connections));
  for (absl::string_view t :
       absl::StrSplit(absl::GetFlag(FLAGS_threads), ',')) {
    int threads = 0;
    if (!absl::SimpleAtoi(t, &threads) || threads < 1) continue;
    Print("blocking httplib: " + std::to_string(threads) + " threads", calls,
          RunBlocking(base_url, calls, threads));
  }
  kill(server, SIGTERM);
  int status = 0;
  waitpid(server, &status, 0);
  return 0;
}
