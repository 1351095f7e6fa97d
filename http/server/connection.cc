#include "http/server/connection.h"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <sys/socket.h>
#include <sys/types.h>

#include "common/log.h"
#include "http/server/http_parser_setup.h"

namespace telegate::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr size_t kFirstReadBytes = 4096;
// After an error answer, unread input is drained (bounded) before closing,
// so that the kernel does not reset the connection over the answer.
constexpr absl::Duration kLingerTime = absl::Seconds(2);
constexpr size_t kLingerBytes = 256 * 1024;

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  d = std::clamp(d, absl::ZeroDuration(), absl::Hours(24 * 365));
  return absl::ToChronoNanoseconds(d);
}

enum class Phase {
  kStarting,
  kHandshake,
  kIdle,
  kHead,
  kBody,
  kHandler,
  kWrite,
  kClosing,
  kClosed
};

template <class Stream>
class StreamConnection final
    : public Connection,
      public std::enable_shared_from_this<StreamConnection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... StreamArgs>
  explicit StreamConnection(ConnectionContext* context, StreamArgs&&... args)
      : context_(context),
        options_(*context->options),
        stats_(*context->stats),
        stream_(std::forward<StreamArgs>(args)...),
        timer_(stream_.get_executor()) {}

  ~StreamConnection() override {
    if (id_ != 0) context_->registry->Remove(id_);
  }

  void Start(uint64_t id) override {
    id_ = id;
    net::dispatch(stream_.get_executor(),
                  Bind([](StreamConnection* c) { c->Begin(); }));
  }
  void CloseSoon() override {
    net::post(stream_.get_executor(), Bind([](StreamConnection* c) { c->Close(); }));
  }
  void StopSoon() override {
    net::post(stream_.get_executor(), Bind([](StreamConnection* c) {
                if (c->phase_ == Phase::kStarting ||
                    c->phase_ == Phase::kHandshake ||
                    c->phase_ == Phase::kIdle || c->phase_ == Phase::kHead ||
                    c->phase_ == Phase::kClosing) {
                  c->Close();
                }
              }));
  }

 private:
  // Wraps a step so it keeps the connection alive and never lets an
  // exception reach Asio: a throwing step closes the connection.
  template <class F>
  auto Bind(F f) {
    return [self = this->shared_from_this(), f](auto&&... args) mutable {
      try {
        f(self.get(), std::forward<decltype(args)>(args)...);
      } catch (const std::exception& e) {
        log::Debug(self->Component(), "connection_exception",
                   {{"what", e.what()}});
        self->Close();
      } catch (...) {
        self->Close();
      }
    };
  }

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  const std::string& Component() const { return options_.log_component; }

  void Begin() {
    beast::error_code ec;
    auto endpoint = Tcp().socket().remote_endpoint(ec);
    if (ec) return Close();
    auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
    }
    peer_ip_ = address.to_string();
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      Arm(options_.header_timeout);
      stream_.async_handshake(
          net::ssl::stream_base::server,
          Bind([](StreamConnection* c, beast::error_code ec) {
            c->Disarm();
            if (ec) {
              c->stats_.tls_handshake_failures.fetch_add(1);
              log::Debug(c->Component(), "tls_handshake_failed",
                         {{"peer", c->peer_ip_}, {"error", ec.message()}});
              return c->Close();
            }
            c->ReadRequest();
          }));
    } else {
      ReadRequest();
    }
  }

  // Deadline for the read phase in progress: on expiry the read is
  // cancelled (the socket stays open so that a 408 can still be sent).
  void Arm(absl::Duration d) {
    timed_out_ = false;
    uint64_t generation = ++timer_generation_;
    timer_.expires_after(ToChrono(d));
    timer_.async_wait(Bind([generation](StreamConnection* c, beast::error_code ec) {
      if (ec || generation != c->timer_generation_ || c->closed_) return;
      c->timed_out_ = true;
      beast::error_code ignored;
      c->Tcp().socket().cancel(ignored);
    }));
  }
  void Disarm() {
    ++timer_generation_;
    timer_.cancel();
  }

  void ReadRequest() {
    if (closed_) return;
    parser_.emplace();
    ConfigureParser(*parser_, HttpLimits{options_.max_header_bytes,
                                         options_.max_body_bytes});
    request_ = Request{};
    request_.peer_ip = peer_ip_;
    if (buffer_.size() > 0) return StartHead();  // pipelined
    phase_ = Phase::kIdle;
    context_->registry->SetBusy(id_, false, absl::Now());
    if (context_->stopping.load()) return Close();
    Arm(options_.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        Bind([](StreamConnection* c, beast::error_code ec, size_t n) {
          c->Disarm();
          if (ec) {
            if (c->timed_out_) c->stats_.idle_timeouts.fetch_add(1);
            return c->Close();
          }
          c->buffer_.commit(n);
          c->StartHead();
        }));
  }

  void StartHead() {
    phase_ = Phase::kHead;
    context_->registry->SetBusy(id_, true, absl::Now());
    Arm(options_.header_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        Bind([](StreamConnection* c, beast::error_code ec, size_t) {
          c->Disarm();
          if (ec) return c->OnReadError(ec);
          c->OnHead();
        }));
  }

  void OnHead() {
    FillRequestHead(parser_->get().base(), &request_);
    std::optional<Response> early;
    if (*context_->check) {
      try {
        early = (*context_->check)(request_);
      } catch (const std::exception& e) {
        log::Warn(Component(), "head_check_exception",
                  {{"what", e.what()}});
        early = JsonErrorResponse(500, "internal error");
      }
    }
    if (early) return SendAndClose(std::move(*early));
    if (!parser_->is_done() &&
        beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      phase_ = Phase::kWrite;
      Tcp().expires_after(ToChrono(options_.write_timeout));
      net::async_write(stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
                       Bind([](StreamConnection* c, beast::error_code ec, size_t) {
                         c->Tcp().expires_never();
                         if (ec) return c->Close();
                         c->ReadBody();
                       }));
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnBody();
    phase_ = Phase::kBody;
    Arm(options_.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                     Bind([](StreamConnection* c, beast::error_code ec, size_t) {
                       c->Disarm();
                       if (ec) return c->OnReadError(ec);
                       c->OnBody();
                     }));
  }

  void OnBody() {
    auto& message = parser_->get();
    ++served_;
    const int cap = options_.max_requests_per_connection;
    keep_alive_ = message.keep_alive() && (cap == 0 || served_ < cap);
    version_ = message.version();
    request_.body = std::move(message.body());
    parser_.reset();
    phase_ = Phase::kHandler;
    stats_.requests.fetch_add(1);
    // Alive until answered or closed, whoever holds the Respond.
    hold_ = this->shared_from_this();
    std::weak_ptr<StreamConnection> weak = hold_;
    Respond respond([weak, gate = context_->gate](Response response) mutable {
      gate->RunIfOpen([&] {
        std::shared_ptr<StreamConnection> c = weak.lock();
        if (c == nullptr) return;
        net::post(c->stream_.get_executor(),
                  c->Bind([response = std::move(response)](
                              StreamConnection* c) mutable {
                    if (c->phase_ != Phase::kHandler) return;
                    c->WriteResponse(std::move(response), false);
                  }));
      });
    });
    abandon_ = respond.AbandonSignal();
    WatchForHangUp();
    try {
      (*context_->handler)(std::move(request_), respond);
    } catch (const std::exception& e) {
      log::Warn(Component(), "handler_exception", {{"what", e.what()}});
      respond(JsonErrorResponse(500, "internal error"));
    } catch (...) {
      log::Warn(Component(), "handler_exception");
      respond(JsonErrorResponse(500, "internal error"));
    }
  }

  // While the handler has not answered, notices the client closing (EOF or
  // reset) without consuming input: a peeked byte means more requests
  // (pipelined), which is not a hang-up, and ends the watch. Peeks first:
  // the close may have come with the body (the reactor would not wake).
  void WatchForHangUp() {
    char byte = 0;
    ssize_t n = ::recv(Tcp().socket().native_handle(), &byte, 1,
                       MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) return;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      std::function<void()> abandon = std::move(abandon_);
      abandon_ = nullptr;
      if (abandon) abandon();
      return;
    }
    uint64_t generation = ++watch_generation_;
    Tcp().socket().async_wait(
        tcp::socket::wait_read,
        Bind([generation](StreamConnection* c, beast::error_code ec) {
          if (ec || generation != c->watch_generation_ ||
              c->phase_ != Phase::kHandler) {
            return;
          }
          c->WatchForHangUp();
        }));
  }

  void OnReadError(beast::error_code ec) {
    if (timed_out_) {
      (phase_ == Phase::kHead ? stats_.header_timeouts : stats_.body_timeouts)
          .fetch_add(1);
      log::Debug(Component(), "request_timeout",
                 {{"peer", peer_ip_}, {"head", phase_ == Phase::kHead}});
      return SendAndClose(JsonErrorResponse(408, "request timeout"));
    }
    int status = 0;
    std::string message;
    switch (ClassifyParseError(ec)) {
      case ParseFailure::kBodyTooLarge:
        stats_.too_large.fetch_add(1);
        status = 413;
        message = "request body too large";
        break;
      case ParseFailure::kHeadTooLarge:
        stats_.malformed.fetch_add(1);
        status = 431;
        message = "request header fields too large";
        break;
      case ParseFailure::kMalformed:
        stats_.malformed.fetch_add(1);
        status = 400;
        message = "malformed HTTP request";
        break;
      case ParseFailure::kOther:
        return Close();  // EOF, reset, TLS error: nobody to answer
    }
    log::Debug(
        Component(), "bad_request",
        {{"peer", peer_ip_}, {"status", status}, {"error", ec.message()}});
    SendAndClose(JsonErrorResponse(status, message));
  }

  void SendAndClose(Response response) {
    keep_alive_ = false;
    version_ =
        (parser_ && parser_->is_header_done() && parser_->get().version() == 10)
            ? 10
            : 11;
    WriteResponse(std::move(response), true);
  }

  void WriteResponse(Response response, bool force_close) {
    if (closed_) return;
    hold_.reset();  // the caller (Bind) keeps this alive
    abandon_ = nullptr;
    if (phase_ == Phase::kHandler) {  // only the hang-up watch is pending
      ++watch_generation_;
      beast::error_code ignored;
      Tcp().socket().cancel(ignored);
    }
    response_ = {};
    response_.version(version_);
    int status = response.status;
    if (status < 100 || status > 999) status = 500;
    response_.result(static_cast<unsigned>(status));
    response_.set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) {
      response_.set(name, value);
    }
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive_ && !force_close &&
                         !context_->stopping.load());
    response_.prepare_payload();
    phase_ = Phase::kWrite;
    Tcp().expires_after(ToChrono(options_.write_timeout));
    bhttp::async_write(stream_, response_,
                      Bind([](StreamConnection* c, beast::error_code ec, size_t) {
                        c->Tcp().expires_never();
                        if (ec) return c->Close();
                        if (!c->response_.keep_alive()) {
                          return c->GracefulClose();
                        }
                        c->response_ = {};
                        c->ReadRequest();
                      }));
  }

  // Half-closes, then drains what the client still sends for a bounded
  // time, then closes.
  void GracefulClose() {
    if (closed_) return;
    phase_ = Phase::kClosing;
    context_->registry->SetBusy(id_, false, absl::Now());
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || context_->stopping.load()) return Close();
    Tcp().expires_after(
        ToChrono(std::min(options_.write_timeout, kLingerTime)));
    Linger();
  }
  void Linger() {
    Tcp().async_read_some(
        net::buffer(linger_buffer_),
        Bind([](StreamConnection* c, beast::error_code ec, size_t n) {
          c->lingered_ += n;
          if (ec || c->lingered_ > kLingerBytes) return c->Close();
          c->Linger();
        }));
  }

  void Close() {
    if (closed_) return;
    // May be the last reference: released when Close returns.
    std::shared_ptr<StreamConnection> hold = std::move(hold_);
    closed_ = true;
    phase_ = Phase::kClosed;
    ++timer_generation_;
    timer_.cancel();
    Tcp().close();
    if (id_ != 0) context_->registry->Remove(id_);
  }

  ConnectionContext* const context_;
  std::shared_ptr<StreamConnection> hold_;  // while the handler answers
  const ListenerOptions& options_;
  ListenerStats& stats_;
  Stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  Request request_;
  bhttp::response<bhttp::string_body> response_;
  std::string peer_ip_;
  std::array<char, 4096> linger_buffer_{};
  size_t lingered_ = 0;
  int served_ = 0;  // requests handed to the handler
  uint64_t id_ = 0;
  uint64_t timer_generation_ = 0;
  uint64_t watch_generation_ = 0;
  std::function<void()> abandon_;  // marks the pending answer abandoned
  Phase phase_ = Phase::kStarting;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool timed_out_ = false;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<Connection> MakePlainConnection(
    ConnectionContext* context, tcp::socket socket) {
  return std::make_shared<StreamConnection<beast::tcp_stream>>(context,
                                                         std::move(socket));
}

std::shared_ptr<Connection> MakeTlsConnection(ConnectionContext* context,
                                                    tcp::socket socket,
                                                    net::ssl::context& tls) {
  return std::make_shared<StreamConnection<beast::ssl_stream<beast::tcp_stream>>>(
      context, std::move(socket), tls);
}

}  // namespace telegate::http
