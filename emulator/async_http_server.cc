#include "emulator/async_http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/http_listen.h"
#include "emulator/params.h"

namespace telegate::emulator {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr uint32_t kMaxHeaderBytes = 64 * 1024;

// Whether Stop has begun, and requests handed out but not yet written.
struct ServerState {
  absl::Mutex mu;
  bool stopped ABSL_GUARDED_BY(mu) = false;
  int unanswered ABSL_GUARDED_BY(mu) = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const AsyncHttpServerOptions* options,
             const AsyncHttpServer::Handler* handler,
             std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)),
        options_(options),
        handler_(handler),
        state_(std::move(state)) {}

  void Start() { ReadNext(); }

 private:
  void ReadNext() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(options_->max_body_bytes);
    stream_.expires_after(absl::ToChronoNanoseconds(options_->idle_timeout));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) {
          self->OnHeader(ec);
        });
  }

  // curl sends "Expect: 100-continue" before larger bodies and waits a
  // second for the go-ahead unless it gets one.
  void OnHeader(beast::error_code ec) {
    if (ec) return OnRead(ec);
    auto read_body = [self = shared_from_this()] {
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](beast::error_code ec, size_t) {
                          self->OnRead(ec);
                        });
    };
    if (!absl::EqualsIgnoreCase(
            std::string(parser_->get()[bhttp::field::expect]), "100-continue")) {
      return read_body();
    }
    continue_.emplace(bhttp::status::continue_, 11);
    bhttp::async_write(stream_, *continue_,
                       [self = shared_from_this(), read_body](
                           beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         read_body();
                       });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return Refuse(413);
    if (ec == bhttp::error::header_limit) return Refuse(431);
    if (ec && ec.category() ==
                  bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return Refuse(400);
    }
    if (ec) return Close();
    bhttp::request<bhttp::string_body>& req = parser_->get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.content_type = std::string(req[bhttp::field::content_type]);
    request.body = std::move(req.body());
    if (absl::StartsWithIgnoreCase(request.content_type,
                                   "multipart/form-data")) {
      absl::StatusOr<std::vector<MultipartField>> parts =
          ParseMultipart(request.content_type, request.body);
      if (!parts.ok()) return Refuse(400);
      request.multipart = *std::move(parts);
    }
    ++served_;
    keep_alive_ = req.keep_alive() &&
                  (options_->keep_alive_max_requests == 0 ||
                   served_ < options_->keep_alive_max_requests);
    {
      absl::MutexLock lock(&state_->mu);
      ++state_->unanswered;
    }
    (*handler_)(std::move(request),
                [self = shared_from_this()](HttpAnswer answer) {
                  absl::MutexLock lock(&self->state_->mu);
                  if (self->state_->stopped) return;
                  asio::post(self->stream_.get_executor(),
                             [self, answer = std::move(answer)]() mutable {
                               self->Write(std::move(answer));
                             });
                });
  }

  // Answers a request the parser refused, then closes.
  void Refuse(int status) {
    keep_alive_ = false;
    {
      absl::MutexLock lock(&state_->mu);
      ++state_->unanswered;
    }
    Write({status, absl::StrCat("{\"error\":\"HTTP ", status, "\"}")});
  }

  void Write(HttpAnswer answer) {
    response_.emplace(static_cast<bhttp::status>(answer.status), 11);
    response_->set(bhttp::field::content_type, "application/json");
    response_->keep_alive(keep_alive_);
    response_->body() = std::move(answer.body);
    response_->prepare_payload();
    stream_.expires_after(absl::ToChronoNanoseconds(options_->write_timeout));
    bhttp::async_write(stream_, *response_,
                       [self = shared_from_this()](beast::error_code ec,
                                                   size_t) {
                         self->OnWrite(ec);
                       });
  }

  void OnWrite(beast::error_code ec) {
    {
      absl::MutexLock lock(&state_->mu);
      --state_->unanswered;
    }
    if (ec || !keep_alive_) return Close();
    ReadNext();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  const AsyncHttpServerOptions* const options_;
  const AsyncHttpServer::Handler* const handler_;
  const std::shared_ptr<ServerState> state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  int served_ = 0;
  bool keep_alive_ = true;
};

}  // namespace

struct AsyncHttpServer::Impl {
  Impl(AsyncHttpServerOptions o, Handler h)
      : options(std::move(o)), handler(std::move(h)) {}

  void Accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!ec) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Connection>(std::move(socket), &options, &handler,
                                     state)
            ->Start();
      }
      Accept();
    });
  }

  const AsyncHttpServerOptions options;
  const Handler handler;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::shared_ptr<ServerState> state = std::make_shared<ServerState>();
  std::thread thread;
  bool started = false;
  bool stopped = false;
};

AsyncHttpServer::AsyncHttpServer(AsyncHttpServerOptions options,
                                 Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

AsyncHttpServer::~AsyncHttpServer() { Stop(); }

absl::StatusOr<int> AsyncHttpServer::Start(const std::string& host, int port) {
  if (impl_->started) return absl::FailedPreconditionError("already started");
  impl_->started = true;
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port),
                                    tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve ", host, ": ", ec.message()));
  }
  const tcp::endpoint endpoint = *endpoints.begin();
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(kListenBacklog, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", host, ":", port, ": ", ec.message()));
  }
  const int bound = acceptor.local_endpoint().port();
  impl_->Accept();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
  return bound;
}

void AsyncHttpServer::Stop(absl::Duration grace) {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  {
    ServerState& state = *impl_->state;
    absl::MutexLock lock(&state.mu);
    auto answered = [&state]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
      return state.unanswered == 0;
    };
    state.mu.AwaitWithTimeout(absl::Condition(&answered), grace);
    state.stopped = true;
  }
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace telegate::emulator
