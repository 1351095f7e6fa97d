#include "http/curl_error.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "http/transport_error.h"

namespace telegate::http {
namespace {

// curl's message without anything of the URL past its authority.
std::string CleanDetail(const CurlFailure& f) {
  std::string detail = f.detail.empty() ? curl_easy_strerror(f.code) : f.detail;
  size_t scheme = f.url.find("://");
  size_t path = f.url.find_first_of("/?#", scheme == std::string::npos
                                                ? 0
                                                : scheme + 3);
  if (path != std::string::npos) {
    detail = Scrub(std::move(detail), f.url);
    detail = Scrub(std::move(detail), std::string_view(f.url).substr(path));
  }
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) {
    detail.pop_back();
  }
  return detail;
}

bool IsTlsFailure(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return true;
    default:
      return false;
  }
}

absl::Status TimedOut(const CurlFailure& f, const Peer& peer,
                      const std::string& detail) {
  bool connect_limit =
      !f.connected && f.connect_timeout > absl::ZeroDuration() &&
      (f.timeout <= absl::ZeroDuration() || f.connect_timeout <= f.timeout);
  absl::Duration limit = connect_limit ? f.connect_timeout : f.timeout;
  if (limit <= absl::ZeroDuration()) limit = f.elapsed;
  if (absl::StartsWith(detail, "Resolving timed out")) {
    return absl::DeadlineExceededError(absl::StrCat(
        "DNS lookup for ", peer.host, " timed out after ",
        FormatSeconds(limit)));
  }
  return Timeout(peer, limit, !f.connected);
}

}  // namespace

absl::Status NameCurlFailure(const CurlFailure& f) {
  Peer peer = PeerOf(f.url);
  std::string detail = CleanDetail(f);
  if (IsTlsFailure(f.code)) return TlsError(peer, detail);
  switch (f.code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return DnsFailed(peer.host);
    case CURLE_COULDNT_RESOLVE_PROXY:
      return DnsFailed("the proxy");
    case CURLE_COULDNT_CONNECT:
      if (f.os_errno == ECONNREFUSED) return ConnectionRefused(peer);
      if (f.os_errno == EHOSTUNREACH || f.os_errno == ENETUNREACH) {
        return HostUnreachable(peer);
      }
      return ConnectFailed(
          peer, f.os_errno != 0 ? std::strerror(f.os_errno) : detail);
    case CURLE_OPERATION_TIMEDOUT:
      return TimedOut(f, peer, detail);
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      if (f.os_errno == ECONNRESET || f.os_errno == EPIPE ||
          absl::StrContains(detail, "reset by peer")) {
        return ConnectionReset(peer);
      }
      return absl::UnavailableError(
          absl::StrCat("connection to ", peer.ToString(), " broke: ", detail));
    case CURLE_GOT_NOTHING:
      return ConnectionClosed(peer);
    case CURLE_PARTIAL_FILE:
      return absl::UnavailableError(absl::StrCat(
          "connection closed by ", peer.ToString(),
          " before the whole answer arrived"));
    case CURLE_WRITE_ERROR:
      if (f.too_large) {
        return absl::ResourceExhaustedError(
            absl::StrCat("answer from ", peer.ToString(), " is larger than ",
                         f.max_response_bytes, " bytes"));
      }
      break;
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
      return ProtocolError(peer, detail);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(
          absl::StrCat("malformed or unsupported URL for ", peer.ToString()));
    case CURLE_PROXY:
      return absl::UnavailableError(absl::StrCat("proxy error: ", detail));
    case CURLE_READ_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
      return absl::UnavailableError(absl::StrCat(
          "request body for ", peer.ToString(), " could not be read"));
    default:
      break;
  }
  return absl::UnavailableError(
      absl::StrCat("transport error with ", peer.ToString(), ": ", detail));
}

}  // namespace telegate::http
