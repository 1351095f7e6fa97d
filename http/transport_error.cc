#include "http/transport_error.h"

#include <charconv>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace telegate::http {
namespace {

absl::string_view Av(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

std::string Peer::ToString() const { return absl::StrCat(host, ":", port); }

Peer PeerOf(std::string_view url) {
  Peer peer;
  peer.host = "?";
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return peer;
  std::string scheme =
      absl::AsciiStrToLower(absl::string_view(url.data(), scheme_end));
  peer.port = scheme == "https" ? 443 : 80;
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);  // user:password never shown
  }
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return peer;
    if (close + 1 < rest.size() && rest[close + 1] == ':') {
      port_text = rest.substr(close + 2);
    }
    rest = rest.substr(0, close + 1);
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    port_text = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return peer;
  peer.host = std::string(rest);
  if (!port_text.empty()) {
    int port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(),
                                     port_text.data() + port_text.size(), port);
    if (ec == std::errc() && ptr == port_text.data() + port_text.size()) {
      peer.port = port;
    }
  }
  return peer;
}

std::string FormatSeconds(absl::Duration d) {
  return absl::StrFormat("%g s", absl::ToDoubleSeconds(d));
}

absl::Status ConnectionRefused(const Peer& peer) {
  return absl::UnavailableError(
      absl::StrCat("connection refused to ", peer.ToString()));
}

absl::Status HostUnreachable(const Peer& peer) {
  return absl::UnavailableError(
      absl::StrCat("host unreachable: ", peer.ToString()));
}

absl::Status ConnectFailed(const Peer& peer, std::string_view detail) {
  return absl::UnavailableError(
      absl::StrCat("could not connect to ", peer.ToString(),
                   detail.empty() ? "" : ": ", Av(detail)));
}

absl::Status ConnectionReset(const Peer& peer) {
  return absl::UnavailableError(
      absl::StrCat("connection reset by ", peer.ToString()));
}

absl::Status ConnectionClosed(const Peer& peer) {
  return absl::UnavailableError(absl::StrCat(
      "connection closed by ", peer.ToString(), " without an answer"));
}

absl::Status DnsFailed(std::string_view host) {
  return absl::UnavailableError(absl::StrCat("DNS lookup failed for ", Av(host)));
}

absl::Status TlsError(const Peer& peer, std::string_view detail) {
  return absl::UnavailableError(absl::StrCat(
      "TLS error with ", peer.ToString(), detail.empty() ? "" : ": ", Av(detail)));
}

absl::Status ProtocolError(const Peer& peer, std::string_view detail) {
  return absl::UnavailableError(absl::StrCat(
      "bad answer from ", peer.ToString(), detail.empty() ? "" : ": ", Av(detail)));
}

absl::Status Timeout(const Peer& peer, absl::Duration after, bool connecting) {
  if (connecting) {
    return absl::DeadlineExceededError(absl::StrCat(
        "timeout after ", FormatSeconds(after), " connecting to ",
        peer.ToString()));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "timeout after ", FormatSeconds(after), " (", peer.ToString(), ")"));
}

std::string Scrub(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (size_t pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "[redacted]");
    pos += 10;
  }
  return text;
}

}  // namespace telegate::http
