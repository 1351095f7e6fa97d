#include "gateway/public_listener.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <exception>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "gateway/public_connection.h"
#include "gateway/tls_context.h"

namespace telegate::gateway {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

struct PublicListener::Impl {
  Impl(PublicListenerOptions options_in, HeadCheck check_in, Handler handler_in)
      : options(std::move(options_in)),
        check(std::move(check_in)),
        handler(std::move(handler_in)),
        stats(options.stats != nullptr ? options.stats : &own_stats),
        registry(options.max_connections, &stats->connections_open) {}

  absl::StatusOr<tcp::endpoint> Resolve();
  void DoAccept();
  void OnAccept(error_code ec, tcp::socket socket);
  void RunIo();
  void Dispatch(PublicRequest request,
                std::function<void(PublicResponse)> done);

  // Declaration order matters: the io_context (and with it every
  // connection) is destroyed before the state connections point to.
  PublicListenerOptions options;
  HeadCheck check;
  Handler handler;
  PublicListenerStats own_stats;
  PublicListenerStats* stats;
  ConnectionRegistry registry;
  ConnectionContext context;
  std::atomic<bool> handlers_cancelled{false};
  std::unique_ptr<net::ssl::context> tls;
  std::unique_ptr<net::thread_pool> pool;
  std::unique_ptr<net::io_context> io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> accept_retry;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  bool started = false;
  bool stopped = false;
};

absl::StatusOr<tcp::endpoint> PublicListener::Impl::Resolve() {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("public listener: bad port ", options.port));
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
        absl::StrCat("public listener: cannot resolve host ", options.host));
  }
  return results.begin()->endpoint();
}

void PublicListener::Impl::DoAccept() {
  acceptor->async_accept(net::make_strand(*io),
                         [this](error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void PublicListener::Impl::OnAccept(error_code ec, tcp::socket socket) {
  if (context.stopping.load()) return;
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    log::Debug("gateway", "public_accept_failed", {{"error", ec.message()}});
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
    std::shared_ptr<PublicConnection> conn =
        tls ? MakeTlsConnection(&context, std::move(socket), *tls)
            : MakePlainConnection(&context, std::move(socket));
    auto admission = registry.Admit(conn, absl::Now());
    if (!admission.admitted) {
      stats->connections_refused.fetch_add(1);
      log::Debug("gateway", "public_connection_refused");
    } else {
      if (admission.evicted) {
        stats->connections_evicted.fetch_add(1);
        admission.evicted->CloseSoon();
      }
      conn->Start(admission.id);
    }
  } catch (const std::exception& e) {
    log::Warn("gateway", "public_accept_exception", {{"what", e.what()}});
  }
  DoAccept();
}

void PublicListener::Impl::RunIo() {
  for (;;) {
    try {
      io->run();
      return;
    } catch (const std::exception& e) {
      log::Error("gateway", "public_io_exception", {{"what", e.what()}});
    } catch (...) {
      log::Error("gateway", "public_io_exception");
    }
  }
}

void PublicListener::Impl::Dispatch(PublicRequest request,
                                    std::function<void(PublicResponse)> done) {
  net::post(*pool, [this, request = std::move(request),
                    done = std::move(done)]() mutable {
    if (handlers_cancelled.load()) return;
    PublicResponse response;
    try {
      response = handler(std::move(request));
    } catch (const std::exception& e) {
      log::Warn("gateway", "public_handler_exception", {{"what", e.what()}});
      response = JsonErrorResponse(500, "internal error");
    } catch (...) {
      log::Warn("gateway", "public_handler_exception");
      response = JsonErrorResponse(500, "internal error");
    }
    done(std::move(response));
  });
}

PublicListener::PublicListener(PublicListenerOptions options, HeadCheck check,
                               Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(check),
                                   std::move(handler))) {}

PublicListener::~PublicListener() { Stop(); }

const PublicListenerStats& PublicListener::stats() const {
  return *impl_->stats;
}

absl::StatusOr<int> PublicListener::Start() {
  Impl& d = *impl_;
  if (d.started) return absl::FailedPreconditionError("already started");
  const auto& o = d.options;
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "public listener: set both the TLS certificate and key, or neither");
  }
  if (o.io_threads < 1 || o.handler_threads < 1 || o.max_connections < 1) {
    return absl::InvalidArgumentError(
        "public listener: io_threads, handler_threads and max_connections "
        "must be at least 1");
  }
  if (!d.handler) {
    return absl::InvalidArgumentError("public listener: no handler");
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
        absl::StrCat("public listener: cannot listen on ", o.host, ":", o.port,
                     ": ", ec.message()));
  }
  int port = d.acceptor->local_endpoint(ec).port();
  d.context.options = &d.options;
  d.context.stats = d.stats;
  d.context.check = &d.check;
  d.context.registry = &d.registry;
  d.context.dispatch = [&d](PublicRequest request,
                            std::function<void(PublicResponse)> done) {
    d.Dispatch(std::move(request), std::move(done));
  };
  d.pool = std::make_unique<net::thread_pool>(o.handler_threads);
  d.work.emplace(d.io->get_executor());
  d.started = true;
  net::post(d.acceptor->get_executor(), [&d] { d.DoAccept(); });
  for (int i = 0; i < o.io_threads; ++i) {
    d.io_threads.emplace_back([&d] { d.RunIo(); });
  }
  log::Info("gateway", "public_listener_started",
            {{"port", port}, {"tls", d.tls != nullptr}});
  return port;
}

void PublicListener::Stop(absl::Duration grace) {
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
  // Past the grace period: handlers not yet started never start, running
  // ones are waited for, every connection is closed.
  d.handlers_cancelled.store(true);
  for (auto& conn : d.registry.Snapshot()) conn->CloseSoon();
  d.pool->join();
  d.registry.AwaitEmpty(absl::Now() + absl::Seconds(1));
  d.work.reset();
  d.io->stop();
  for (auto& thread : d.io_threads) thread.join();
  d.io_threads.clear();
  d.accept_retry.reset();
  d.acceptor.reset();
  d.io.reset();  // destroys what is left of the connections
  d.pool.reset();
  d.tls.reset();
  log::Info("gateway", "public_listener_stopped");
}

}  // namespace telegate::gateway
