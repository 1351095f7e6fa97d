#include "emulator/url.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/address.h"
#include "common/absl_strings.h"

namespace telegate::emulator {

absl::StatusOr<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad webhook URL '", ToAbsl(url), "': ", ToAbsl(why)));
  };
  WebhookUrl out;
  std::string_view rest = url;
  if (absl::StartsWithIgnoreCase(ToAbsl(rest), "http://")) {
    out.scheme = "http";
    out.port = 80;
    rest.remove_prefix(7);
  } else if (absl::StartsWithIgnoreCase(ToAbsl(rest), "https://")) {
    out.scheme = "https";
    out.port = 443;
    rest.remove_prefix(8);
  } else {
    return bad("must start with http:// or https://");
  }
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail =
      end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    return bad("user info is not allowed");
  }
  if (authority.empty()) return bad("empty host");
  // Reuse the common host:port parser by supplying the default port.
  bool has_port =
      authority.back() != ']' &&
      authority.find(':') != std::string_view::npos &&
      (authority.front() == '[' || authority.find(':') == authority.rfind(':'));
  std::string host_port = has_port ? std::string(authority)
                                   : absl::StrCat(ToAbsl(authority), ":", out.port);
  absl::StatusOr<HostPort> hp = ParseHostPort(host_port);
  if (!hp.ok()) return bad(std::string(hp.status().message()));
  if (hp->port == 0) return bad("port must be 1-65535");
  out.host = absl::AsciiStrToLower(hp->host);
  out.port = hp->port;
  size_t hash = tail.find('#');
  if (hash != std::string_view::npos) tail = tail.substr(0, hash);
  out.target = tail.empty() || tail.front() != '/' ? absl::StrCat("/", ToAbsl(tail))
                                                   : std::string(tail);
  return out;
}

}  // namespace telegate::emulator
