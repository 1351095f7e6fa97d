// IPv4/IPv6 networks in CIDR form ("149.154.160.0/20", "2001:b28:f23d::/48",
// or a single address) and membership tests on textual addresses, for
// source allow-lists. Addresses are parsed with inet_pton only: no names,
// ports, brackets, zone ids or shorthand IPv4 ("1.2.3", "0x7f.1").
//
// IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d), so "::ffff:149.154.160.1"
// is inside 149.154.160.0/20, and an IPv6 network that covers ::ffff:0:0/96
// (such as ::/0) also covers IPv4. Immutable value type; thread-compatible.
#ifndef TELEGATE_COMMON_IP_NETWORK_H_
#define TELEGATE_COMMON_IP_NETWORK_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace telegate {

// 16 bytes in network order; IPv4 as ::ffff:a.b.c.d.
using IpBytes = std::array<uint8_t, 16>;

// The address in `text` (IPv4 dotted quad or IPv6), or nullopt.
std::optional<IpBytes> ParseIpAddress(std::string_view text);

class IpNetwork {
 public:
  // "ADDR/LEN" or "ADDR" (a /32 or /128). kInvalidArgument naming the entry
  // for anything else, including host bits set beyond the prefix
  // ("149.154.160.1/20"), which is more often a typo than intended.
  static absl::StatusOr<IpNetwork> Parse(std::string_view cidr);

  // False for text that is not an address.
  bool Contains(std::string_view ip) const;
  bool Contains(const IpBytes& ip) const;

  // Canonical form, e.g. "149.154.160.0/20", "2001:b28:f23d::/48".
  std::string ToString() const;

  friend bool operator==(const IpNetwork&, const IpNetwork&) = default;

 private:
  IpNetwork(const IpBytes& base, int prefix_bits, bool ipv4)
      : base_(base), prefix_bits_(prefix_bits), ipv4_(ipv4) {}

  IpBytes base_{};
  int prefix_bits_ = 128;  // over all 128 bits (IPv4 /20 is 116)
  bool ipv4_ = false;      // written as IPv4: printed as such
};

}  // namespace telegate

#endif  // TELEGATE_COMMON_IP_NETWORK_H_
