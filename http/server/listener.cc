#include "http/server/listener.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <exception>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "http/server/connection.h"
#include "http/server/tls_context.h"

namespace telegate::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

struct Listener::Impl {
  Impl(ListenerOptions options_in, HeadCheck check_in, Handler handler_in)
      : options(std::move(options_in)),
        check(std::move(check_in)),
        handler(std::move(handler_in)),
        stats(options.stats != nullptr ? options.stats : &own_stats),
        registry(options.max_connections, &stats->connections_open) {}

  absl::StatusOr<tcp::endpoint> Resolve();
  void DoAccept();
  void OnAccept(error_code ec, tcp::socket socket);
  void RunIo();

  // Declaration order matters: the io_context (and with it every
  // connection) is destroyed before the state connections point to.
  ListenerOptions options;
  HeadCheck check;
  Handler handler;
  ListenerStats own_stats;
  ListenerStats* stats;
  ConnectionRegistry registry;
  ConnectionContext context;
  std::unique_ptr<net::ssl::context> tls;
  std::unique_ptr<net::io_context> io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> accept_retry;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  bool started = false;
  bool stopped = false;
};

absl::StatusOr<tcp::endpoint> Listener::Impl::Resolve() {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("listener: bad port ", options.port));
  }
  auto port = static_cast<unsigned short>(options.port);
  error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(*io);
  auto results = resolver.resolve(options.host, std::to_string(port),
                                  tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("listener: cannot resolve host ", options.host));
  }
  return results.begin()->endpoint();
}

void Listener::Impl::DoAccept() {
  acceptor->async_accept(net::make_strand(*io),
                         [this](error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void Listener::Impl::OnAccept(error_code ec, tcp::socket socket) {
  if (context.stopping.load()) return;
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    log::Debug(options.log_component, "accept_failed", {{"error", ec.message()}});
    if (ec == net::error::no_descriptors || ec == net::error::no_memory ||
        ec == net::error::no_buffer_space) {
      // Out of file descriptors: back off instead of spinning.
      accept_retry->expires_after(std::chrono::milliseconds(50));
      accept_retry->async_wait([this](error_code wait_ec) {
        if (!wait_ec && !context.stopping.load()) DoAccept();
      });
      return;
    }
    return DoAccept();
  }
  try {
    stats->connections_accepted.fetch_add(1);
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::shared_ptr<Connection> conn =
        tls ? MakeTlsConnection(&context, std::move(socket), *tls)
            : MakePlainConnection(&context, std::move(socket));
    auto admission = registry.Admit(conn, absl::Now());
    if (!admission.admitted) {
      stats->connections_refused.fetch_add(1);
      log::Debug(options.log_component, "connection_refused");
    } else {
      if (admission.evicted) {
        stats->connections_evicted.fetch_add(1);
        admission.evicted->CloseSoon();
      }
      conn->Start(admission.id);
    }
  } catch (const std::exception& e) {
    log::Warn(options.log_component, "accept_exception", {{"what", e.what()}});
  }
  DoAccept();
}

void Listener::Impl::RunIo() {
  for (;;) {
    try {
      io->run();
      return;
    } catch (const std::exception& e) {
      log::Error(options.log_component, "io_exception", {{"what", e.what()}});
    } catch (...) {
      log::Error(options.log_component, "io_exception");
    }
  }
}

Listener::Listener(ListenerOptions options, HeadCheck check,
                               Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(check),
                                   std::move(handler))) {}

Listener::~Listener() { Stop(); }

const ListenerStats& Listener::stats() const {
  return *impl_->stats;
}

absl::StatusOr<int> Listener::Start() {
  Impl& d = *impl_;
  if (d.started) return absl::FailedPreconditionError("already started");
  const auto& o = d.options;
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "listener: set both the TLS certificate and key, or neither");
  }
  if (o.io_threads < 1 || o.max_connections < 1) {
    return absl::InvalidArgumentError(
        "listener: io_threads and max_connections must be at least 1");
  }
  if (o.max_requests_per_connection < 0) {
    return absl::InvalidArgumentError(
        "listener: max_requests_per_connection must not be negative");
  }
  if (!d.handler) {
    return absl::InvalidArgumentError("listener: no handler");
  }
  if (!o.tls_cert_file.empty()) {
    auto tls = MakeServerTlsContext(o.tls_cert_file, o.tls_key_file);
    if (!tls.ok()) return tls.status();
    d.tls = std::move(*tls);
  }
  d.io = std::make_unique<net::io_context>(o.io_threads);
  auto endpoint = d.Resolve();
  if (!endpoint.ok()) return endpoint.status();
  d.acceptor = std::make_unique<tcp::acceptor>(net::make_strand(*d.io));
  d.accept_retry =
      std::make_unique<net::steady_timer>(d.acceptor->get_executor());
  error_code ec;
  d.acceptor->open(endpoint->protocol(), ec);
  if (!ec) d.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) d.acceptor->bind(*endpoint, ec);
  if (!ec) {
    d.acceptor->listen(
        std::max(1024,
                 static_cast<int>(net::socket_base::max_listen_connections)),
        ec);
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("listener: cannot listen on ", o.host, ":", o.port,
                     ": ", ec.message()));
  }
  int port = d.acceptor->local_endpoint(ec).port();
  d.context.options = &d.options;
  d.context.stats = d.stats;
  d.context.check = &d.check;
  d.context.handler = &d.handler;
  d.context.registry = &d.registry;
  d.work.emplace(d.io->get_executor());
  d.started = true;
  net::post(d.acceptor->get_executor(), [&d] { d.DoAccept(); });
  for (int i = 0; i < o.io_threads; ++i) {
    d.io_threads.emplace_back([&d] { d.RunIo(); });
  }
  log::Info(o.log_component, "listener_started",
            {{"port", port}, {"tls", d.tls != nullptr}});
  return port;
}

void Listener::Stop(absl::Duration grace) {
  Impl& d = *impl_;
  if (!d.started || d.stopped) return;
  d.stopped = true;
  const absl::Time deadline = absl::Now() + grace;
  d.context.stopping.store(true);
  net::post(d.acceptor->get_executor(), [&d] {
    error_code ignored;
    d.acceptor->close(ignored);
    d.accept_retry->cancel();
  });
  for (auto& conn : d.registry.Snapshot()) conn->StopSoon();
  d.registry.AwaitEmpty(deadline);
  // Past the grace period: every connection is closed; answers still to
  // come are dropped.
  for (auto& conn : d.registry.Snapshot()) conn->CloseSoon();
  d.registry.AwaitEmpty(absl::Now() + absl::Seconds(1));
  d.context.gate->Close();
  d.work.reset();
  d.io->stop();
  for (auto& thread : d.io_threads) thread.join();
  d.io_threads.clear();
  d.accept_retry.reset();
  d.acceptor.reset();
  d.io.reset();  // destroys what is left of the connections
  d.tls.reset();
  log::Info(d.options.log_component, "listener_stopped");
}

}  // namespace telegate::http
