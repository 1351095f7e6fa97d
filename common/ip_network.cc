#include "common/ip_network.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace telegate {
namespace {

constexpr int kIpv4MappedPrefixBits = 96;  // ::ffff:0:0/96

absl::Status Bad(std::string_view entry, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "bad network '", std::string(entry), "': ", std::string(why)));
}

// Whether `text` is an IPv4 dotted quad (as opposed to IPv6); only
// meaningful once ParseIpAddress accepted it.
bool LooksIpv4(std::string_view text) {
  return text.find(':') == std::string_view::npos;
}

// "0".."max" without sign, spaces or leading zeros.
std::optional<int> ParsePrefixLength(std::string_view text, int max) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > max) return std::nullopt;
  return value;
}

// True when the first `bits` bits of a and b agree.
bool SamePrefix(const IpBytes& a, const IpBytes& b, int bits) {
  const int whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), whole) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// `ip` with every bit after the first `bits` cleared.
IpBytes Masked(const IpBytes& ip, int bits) {
  IpBytes out{};
  const int whole = bits / 8;
  std::memcpy(out.data(), ip.data(), whole);
  if (const int rest = bits % 8; rest != 0) {
    out[whole] = ip[whole] & static_cast<uint8_t>(0xff << (8 - rest));
  }
  return out;
}

}  // namespace

std::optional<IpBytes> ParseIpAddress(std::string_view text) {
  // inet_pton wants a NUL-terminated string; the longest IPv6 text
  // ("ffff:...:255.255.255.255") is 45 characters.
  char buf[64];
  if (text.empty() || text.size() >= sizeof(buf) ||
      text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpBytes out{};
  if (LooksIpv4(text)) {
    out[10] = 0xff;
    out[11] = 0xff;
    if (inet_pton(AF_INET, buf, out.data() + 12) != 1) return std::nullopt;
    return out;
  }
  if (inet_pton(AF_INET6, buf, out.data()) != 1) return std::nullopt;
  return out;
}

absl::StatusOr<IpNetwork> IpNetwork::Parse(std::string_view cidr) {
  const size_t slash = cidr.find('/');
  const std::string_view address = cidr.substr(0, slash);
  std::optional<IpBytes> base = ParseIpAddress(address);
  if (!base.has_value()) {
    return Bad(cidr, "not an IPv4 or IPv6 address");
  }
  const bool ipv4 = LooksIpv4(address);
  const int max = ipv4 ? 32 : 128;
  int bits = max;
  if (slash != std::string_view::npos) {
    std::optional<int> length = ParsePrefixLength(cidr.substr(slash + 1), max);
    if (!length.has_value()) {
      return Bad(cidr, absl::StrCat("prefix length must be 0..", max));
    }
    bits = *length;
  }
  if (ipv4) bits += kIpv4MappedPrefixBits;
  if (Masked(*base, bits) != *base) {
    IpNetwork meant(Masked(*base, bits), bits, ipv4);
    return Bad(cidr, absl::StrCat("host bits set (did you mean ",
                                  meant.ToString(), "?)"));
  }
  return IpNetwork(*base, bits, ipv4);
}

bool IpNetwork::Contains(std::string_view ip) const {
  std::optional<IpBytes> bytes = ParseIpAddress(ip);
  return bytes.has_value() && Contains(*bytes);
}

bool IpNetwork::Contains(const IpBytes& ip) const {
  return SamePrefix(base_, ip, prefix_bits_);
}

std::string IpNetwork::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (ipv4_) {
    inet_ntop(AF_INET, base_.data() + 12, buf, sizeof(buf));
    return absl::StrCat(buf, "/", prefix_bits_ - kIpv4MappedPrefixBits);
  }
  inet_ntop(AF_INET6, base_.data(), buf, sizeof(buf));
  return absl::StrCat(buf, "/", prefix_bits_);
}

}  // namespace telegate
