#include "gateway/source_filter.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/absl_strings.h"

namespace telegate::gateway {
namespace {

bool AnyContains(const std::vector<IpNetwork>& networks, const IpBytes& ip) {
  for (const IpNetwork& network : networks) {
    if (network.Contains(ip)) return true;
  }
  return false;
}

}  // namespace

bool SourceFilter::Trusted(std::string_view ip) const {
  std::optional<IpBytes> bytes = ParseIpAddress(ip);
  return bytes.has_value() && AnyContains(options_.trusted_proxies, *bytes);
}

std::string SourceFilter::ClientIp(std::string_view peer_ip,
                                   const std::string* x_forwarded_for) const {
  if (x_forwarded_for == nullptr || !Trusted(peer_ip)) {
    return std::string(peer_ip);
  }
  // Walk from the right; `client` is the furthest hop vouched for so far.
  std::string_view client = peer_ip;
  std::string_view rest = *x_forwarded_for;
  while (true) {
    const size_t comma = rest.rfind(',');
    const std::string_view hop = StripAsciiWhitespace(
        comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    if (!ParseIpAddress(hop).has_value()) break;  // garbage: stop here
    client = hop;
    if (!Trusted(hop)) break;  // the first untrusted hop is the client
    if (comma == std::string_view::npos) break;
    rest = rest.substr(0, comma);
  }
  return std::string(client);
}

bool SourceFilter::Allowed(std::string_view client_ip) const {
  if (options_.allowed.empty()) return true;
  std::optional<IpBytes> bytes = ParseIpAddress(client_ip);
  return bytes.has_value() && AnyContains(options_.allowed, *bytes);
}

absl::StatusOr<std::vector<IpNetwork>> ParseNetworkList(std::string_view list) {
  std::vector<IpNetwork> out;
  if (StripAsciiWhitespace(list).empty()) return out;
  for (absl::string_view piece : absl::StrSplit(ToAbsl(list), ',')) {
    const std::string_view item =
        StripAsciiWhitespace(std::string_view(piece.data(), piece.size()));
    if (item.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "empty entry in network list '", std::string(list), "'"));
    }
    if (EqualsIgnoreCase(item, "telegram")) {
      for (std::string_view cidr : kTelegramNetworks) {
        absl::StatusOr<IpNetwork> network = IpNetwork::Parse(cidr);
        if (!network.ok()) return network.status();
        out.push_back(*network);
      }
      continue;
    }
    absl::StatusOr<IpNetwork> network = IpNetwork::Parse(item);
    if (!network.ok()) return network.status();
    out.push_back(*network);
  }
  return out;
}

}  // namespace telegate::gateway
