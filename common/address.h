// Listen/connect address parsing ("host:port", "[::1]:port") and the
// loopback test used to refuse unsafe binds.
#ifndef TELEGATE_COMMON_ADDRESS_H_
#define TELEGATE_COMMON_ADDRESS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace telegate {

struct HostPort {
  std::string host;  // without brackets
  int port = 0;      // 0..65535; 0 asks the OS for a free port
};

absl::StatusOr<HostPort> ParseHostPort(std::string_view text);

// OK, or kInvalidArgument "NAME: bad address '...': why" for setting NAME.
absl::Status CheckAddress(std::string_view setting, std::string_view text);

// "127.0.0.1", "::1", "localhost" and any 127.0.0.0/8 address.
bool IsLoopbackHost(std::string_view host);

// Formats back to "host:port" ("[::1]:port" for IPv6).
std::string FormatHostPort(std::string_view host, int port);

}  // namespace telegate

#endif  // TELEGATE_COMMON_ADDRESS_H_
