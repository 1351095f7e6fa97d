// Source allow-list for the webhook listener: which address a request came
// from (the TCP peer, or X-Forwarded-For behind trusted proxies) and whether
// that address may post updates. Pure logic, no I/O; immutable after
// construction, so one instance may be shared by all threads.
//
// X-Forwarded-For is read only when the TCP peer is a trusted proxy; from
// anyone else it is ignored (it is whatever the client chose to send). Behind
// trusted proxies the list is walked from the right, skipping trusted proxy
// addresses; the first untrusted entry is the client. When every entry is a
// trusted proxy, the left-most one is the client. An entry that is not a bare
// IP address (empty, "1.2.3.4:80", "[::1]", "unknown", garbage) stops the
// walk: the request counts as coming from the trusted hop that handed us the
// garbage, i.e. a proxy, which is refused unless proxies are themselves in
// the allow-list. Several X-Forwarded-For header lines must be joined with
// "," in arrival order before calling ClientIp.
#ifndef TELEGATE_GATEWAY_SOURCE_FILTER_H_
#define TELEGATE_GATEWAY_SOURCE_FILTER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ip_network.h"

namespace telegate::gateway {

struct SourceFilterOptions {
  std::vector<IpNetwork> allowed;  // empty = allow all
  std::vector<IpNetwork> trusted_proxies;
};

class SourceFilter {
 public:
  explicit SourceFilter(SourceFilterOptions options)
      : options_(std::move(options)) {}

  // The client address, as described above. `x_forwarded_for` may be null.
  std::string ClientIp(std::string_view peer_ip,
                       const std::string* x_forwarded_for) const;

  // True when the allow-list is empty or one of its networks contains
  // `client_ip`; false for text that is not an address.
  bool Allowed(std::string_view client_ip) const;

 private:
  bool Trusted(std::string_view ip) const;

  SourceFilterOptions options_;
};

// Telegram's published webhook source ranges, which the word "telegram"
// stands for in ParseNetworkList.
inline constexpr std::string_view kTelegramNetworks[] = {"149.154.160.0/20",
                                                         "91.108.4.0/22"};

// Parses a comma-separated list of CIDRs or addresses (spaces around items
// are ignored; "telegram", in any case, expands to kTelegramNetworks). An
// empty or all-blank list gives an empty vector; an empty item inside a list
// ("a,,b", "a,") is an error. Errors name the bad entry.
absl::StatusOr<std::vector<IpNetwork>> ParseNetworkList(std::string_view list);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_SOURCE_FILTER_H_
