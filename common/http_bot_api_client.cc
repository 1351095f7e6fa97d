#include "common/http_bot_api_client.h"

#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <regex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "http/transport_error.h"

namespace telegate {
namespace {

constexpr char kCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

void SetTimeout(httplib::Client& client, absl::Duration connect,
                absl::Duration read) {
  auto split = [](absl::Duration d, time_t* sec, time_t* usec) {
    int64_t us = absl::ToInt64Microseconds(d);
    *sec = us / 1000000;
    *usec = us % 1000000;
  };
  time_t s = 0, us = 0;
  split(connect, &s, &us);
  client.set_connection_timeout(s, us);
  split(read, &s, &us);
  client.set_read_timeout(s, us);
  client.set_write_timeout(s, us);
}

// A non-negative integer field clamped to a day (0 when absent or not an
// integer): enough for error codes and retry_after, safe to narrow to int.
int64_t SmallInt(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return 0;
  if (it->is_number_unsigned()) {
    return static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), 86400));
  }
  return std::clamp<int64_t>(it->get<int64_t>(), 0, 86400);
}

// httplib says only "Connection" for a refused connect, an unknown host or an
// unreachable network. To name it, look the host up and try one connect
// (bounded by `limit`) the way the call did: failure paths only.
absl::Status DiagnoseConnectFailure(const http::Peer& peer,
                                    absl::Duration limit) {
  std::string host = peer.host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(peer.port);
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return http::DnsFailed(peer.host);
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                  0);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int ms = static_cast<int>(absl::ToInt64Milliseconds(limit));
      if (poll(&p, 1, std::max(ms, 1)) == 0) {
        err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(found);
  switch (err) {
    case ECONNREFUSED:
      return http::ConnectionRefused(peer);
    case EHOSTUNREACH:
    case ENETUNREACH:
      return http::HostUnreachable(peer);
    case ETIMEDOUT:
      return http::Timeout(peer, limit, /*connecting=*/true);
    default:
      return http::ConnectFailed(peer, err != 0 ? std::strerror(err) : "");
  }
}

}  // namespace

absl::Status HttpBotApiClient::NameFailure(httplib::Error error,
                                           absl::Duration elapsed) const {
  using httplib::Error;
  switch (error) {
    case Error::Connection:
      return DiagnoseConnectFailure(peer_, connect_timeout_);
    case Error::ConnectionTimeout:
      return http::Timeout(peer_, connect_timeout_, /*connecting=*/true);
    case Error::Read:
      // httplib reports a read timeout as a read error: tell them apart.
      if (elapsed >= read_timeout_ - absl::Milliseconds(50)) {
        return http::Timeout(peer_, read_timeout_, /*connecting=*/false);
      }
      return absl::UnavailableError(absl::StrCat(
          "connection to ", peer_.ToString(),
          " closed or reset before the whole answer arrived"));
    case Error::Write:
      return absl::UnavailableError(absl::StrCat(
          "connection to ", peer_.ToString(), " broke while sending"));
    case Error::SSLConnection:
      return http::TlsError(peer_, "handshake failed");
    case Error::SSLServerVerification:
      return http::TlsError(peer_, "certificate verification failed");
    case Error::SSLLoadingCerts:
      return http::TlsError(peer_, "could not load the CA certificates");
    case Error::Canceled:
      return absl::CancelledError("call cancelled");
    default:
      return absl::UnavailableError(
          absl::StrCat("transport error with ", peer_.ToString(), ": ",
                       httplib::to_string(error)));
  }
}

absl::Status ValidateBaseUrl(const std::string& base_url,
                             std::string_view setting) {
  static const std::regex kPattern(R"(^https?://[A-Za-z0-9.\-\[\]:]+$)");
  if (!std::regex_match(base_url, kPattern)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(setting),
                     " must look like https://host[:port] "
                     "(no path, no trailing slash), got '",
                     base_url, "'"));
  }
  return absl::OkStatus();
}

ApiResult DecodeEnvelope(int http_status, const std::string& body) {
  ApiResult out;
  out.http_status = http_status;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    out.error_code = http_status;
    out.description = "answer is not a JSON object";
    return out;
  }
  auto ok = doc.find("ok");
  out.ok = ok != doc.end() && ok->is_boolean() && ok->get<bool>();
  if (auto it = doc.find("result"); it != doc.end()) {
    out.result = std::move(*it);  // no copy of a large result
  }
  out.error_code = static_cast<int>(SmallInt(doc, "error_code"));
  if (auto it = doc.find("description"); it != doc.end() && it->is_string()) {
    out.description = it->get<std::string>();
  }
  if (auto p = doc.find("parameters"); p != doc.end() && p->is_object()) {
    out.retry_after = static_cast<int>(SmallInt(*p, "retry_after"));
    if (auto m = p->find("migrate_to_chat_id");
        m != p->end() && m->is_number_integer()) {
      out.migrate_to_chat_id = m->get<int64_t>();
    }
  }
  return out;
}

HttpBotApiClient::HttpBotApiClient(const HttpBotApiOptions& options)
    : token_(options.token),
      peer_(http::PeerOf(options.base_url)),
      connect_timeout_(options.connect_timeout),
      read_timeout_(options.read_timeout),
      client_(std::make_unique<httplib::Client>(options.base_url)) {
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  if (options.base_url.rfind("https://", 0) == 0) {
    client_->set_ca_cert_path(kCaBundle);
    client_->enable_server_certificate_verification(true);
  }
  SetTimeout(*client_, options.connect_timeout, options.read_timeout);
}

HttpBotApiClient::~HttpBotApiClient() = default;

ApiResult HttpBotApiClient::Call(std::string_view method,
                                 const nlohmann::json& params) {
  std::string path = absl::StrCat("/bot", token_, "/", std::string(method));
  absl::Time start = absl::Now();
  httplib::Result res = client_->Post(path, params.dump(), "application/json");
  if (!res) {
    ApiResult out;
    out.description = http::Scrub(
        std::string(NameFailure(res.error(), absl::Now() - start).message()),
        token_);
    return out;
  }
  return DecodeEnvelope(res->status, res->body);
}

void HttpBotApiClient::Cancel() { client_->stop(); }

std::unique_ptr<BotApiClient> HttpBotApiClientFactory::Create() {
  return std::make_unique<HttpBotApiClient>(options_);
}

}  // namespace telegate
