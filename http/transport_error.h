// Names for transport failures ("connection refused to host:port", "timeout
// after 5 s (host:port)", ...), shared by the asynchronous HttpClient and the
// blocking cpp-httplib Bot API client so that both say the same thing. The
// texts carry the peer's host and port only, never a URL's path or query
// (the Bot API token travels in the path). Pure functions, thread-safe.
#ifndef TELEGATE_HTTP_TRANSPORT_ERROR_H_
#define TELEGATE_HTTP_TRANSPORT_ERROR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace telegate::http {

// Where a request goes: host (brackets kept for IPv6) and port (the
// scheme's default when the URL names none).
struct Peer {
  std::string host;
  int port = 0;
  std::string ToString() const;  // "host:port"
};

// Host and port of "scheme://[user@]host[:port][/path...]"; never looks past
// the authority. An unparsable URL gives host "?".
Peer PeerOf(std::string_view url);

// "5 s", "0.25 s".
std::string FormatSeconds(absl::Duration d);

// kUnavailable unless said otherwise.
absl::Status ConnectionRefused(const Peer& peer);
absl::Status HostUnreachable(const Peer& peer);
absl::Status ConnectFailed(const Peer& peer, std::string_view detail);
absl::Status ConnectionReset(const Peer& peer);
absl::Status ConnectionClosed(const Peer& peer);  // closed without an answer
absl::Status DnsFailed(std::string_view host);
absl::Status TlsError(const Peer& peer, std::string_view detail);
absl::Status ProtocolError(const Peer& peer, std::string_view detail);
// kDeadlineExceeded: "timeout after 5 s (host:port)"; `connecting` says
// "timeout after 5 s connecting to host:port".
absl::Status Timeout(const Peer& peer, absl::Duration after, bool connecting);

// `text` with every occurrence of `secret` (if non-empty) replaced by
// "[redacted]": a last guard for library messages that might echo a URL.
std::string Scrub(std::string text, std::string_view secret);

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_TRANSPORT_ERROR_H_
