// Parsing of webhook URLs ("http[s]://host[:port][/path][?query]") into the
// pieces httplib::Client needs. Pure function; safe from any thread.
#ifndef TELEGATE_EMULATOR_URL_H_
#define TELEGATE_EMULATOR_URL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace telegate::emulator {

struct WebhookUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without IPv6 brackets
  int port = 0;        // explicit, or 80/443
  std::string target;  // path plus query, at least "/"
};

// kInvalidArgument with a one-line reason for anything else (other schemes,
// user info, empty host, bad port).
absl::StatusOr<WebhookUrl> ParseWebhookUrl(std::string_view url);

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_URL_H_
