// Parsing one complete raw HTTP/1.x request with exactly the Beast parser
// configuration the public listener uses (see http_parser_setup.h). Pure
// function, no I/O, thread-safe; never throws, whatever the input (a fuzzer
// calls it).
#ifndef TELEGATE_GATEWAY_HTTP_PARSE_H_
#define TELEGATE_GATEWAY_HTTP_PARSE_H_

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "gateway/public_request.h"

namespace telegate::gateway {

// Parses the first request in `raw` (bytes after it are ignored).
// Errors: kInvalidArgument "malformed HTTP request";
// kResourceExhausted "request body too large" / "request head too large";
// kOutOfRange "incomplete HTTP request" when `raw` ends before the request.
// The result's peer_ip is empty.
absl::StatusOr<PublicRequest> ParseRequestBytes(std::string_view raw,
                                                size_t max_header_bytes,
                                                size_t max_body_bytes);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_HTTP_PARSE_H_
