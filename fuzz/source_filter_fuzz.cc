// libFuzzer target for the source allow-list. Input: a network list, a
// newline, then an X-Forwarded-For value. Checks that parsed networks print
// and re-parse to themselves and contain their own base address, and that
// ClientIp only ever answers the peer or an address taken from the header.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/check.h"
#include "common/ip_network.h"
#include "gateway/source_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using telegate::IpNetwork;
  namespace gw = telegate::gateway;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view list = input.substr(0, newline);
  const std::string xff(newline == std::string_view::npos
                            ? std::string_view()
                            : input.substr(newline + 1));

  absl::StatusOr<std::vector<IpNetwork>> networks = gw::ParseNetworkList(list);
  if (networks.ok()) {
    for (const IpNetwork& network : *networks) {
      const std::string text = network.ToString();
      absl::StatusOr<IpNetwork> again = IpNetwork::Parse(text);
      TELEGATE_CHECK(again.ok());
      TELEGATE_CHECK(*again == network);
      TELEGATE_CHECK(network.Contains(text.substr(0, text.find('/'))));
    }
  } else {
    TELEGATE_CHECK(!networks.status().message().empty());
  }
  // The header against fuzzed trusted proxies (or fixed ones).
  gw::SourceFilterOptions options;
  if (networks.ok() && !networks->empty()) {
    options.trusted_proxies = *networks;
  } else {
    options.trusted_proxies = *gw::ParseNetworkList("10.0.0.0/8, ::/0");
  }
  options.allowed = *gw::ParseNetworkList("telegram");
  const gw::SourceFilter filter(std::move(options));
  for (const char* peer : {"10.0.0.1", "::1", "149.154.167.220"}) {
    const std::string client = filter.ClientIp(peer, &xff);
    TELEGATE_CHECK(client == peer || xff.find(client) != std::string::npos);
    TELEGATE_CHECK(telegate::ParseIpAddress(client).has_value());
    if (filter.Allowed(client)) {
      TELEGATE_CHECK(IpNetwork::Parse("149.154.160.0/20")->Contains(client) ||
                     IpNetwork::Parse("91.108.4.0/22")->Contains(client));
    }
  }
  (void)IpNetwork::Parse(input);
  (void)telegate::ParseIpAddress(xff);
  return 0;
}
