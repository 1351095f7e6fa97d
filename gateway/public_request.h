// The request and response values exchanged between the public webhook
// listener (PublicListener) and the code that answers it. Plain values: no
// I/O, no Beast types, copyable, safe to move between threads.
#ifndef TELEGATE_GATEWAY_PUBLIC_REQUEST_H_
#define TELEGATE_GATEWAY_PUBLIC_REQUEST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace telegate::gateway {

struct PublicRequest {
  std::string method;  // "POST"
  std::string path;    // target without the query string
  // Names lower-cased; repeated fields are joined with ", ".
  absl::flat_hash_map<std::string, std::string> headers;
  std::string body;     // empty in HeadCheck
  std::string peer_ip;  // TCP peer address, textual ("127.0.0.1", "::1")

  // nullptr if absent. `lower_name` must be lower-case.
  const std::string* Header(std::string_view lower_name) const;
};

struct PublicResponse {
  int status = 200;
  std::string body;  // JSON in practice
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
};

// {"ok":false,"error":"<message>"} with `status`; the message is one line.
PublicResponse JsonErrorResponse(int status, std::string_view message);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_PUBLIC_REQUEST_H_
