// Parsing one complete raw HTTP/1.x request with exactly the Beast parser
// configuration the listener uses (see http_parser_setup.h). Pure
// function, no I/O, thread-safe; never throws, whatever the input (a fuzzer
// calls it).
#ifndef TELEGATE_HTTP_SERVER_HTTP_PARSE_H_
#define TELEGATE_HTTP_SERVER_HTTP_PARSE_H_

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "http/server/request.h"

namespace telegate::http {

// Parses the first request in `raw` (bytes after it are ignored).
// Errors: kInvalidArgument "malformed HTTP request";
// kResourceExhausted "request body too large" / "request head too large";
// kOutOfRange "incomplete HTTP request" when `raw` ends before the request.
// The result's peer_ip is empty.
absl::StatusOr<Request> ParseRequestBytes(std::string_view raw,
                                                size_t max_header_bytes,
                                                size_t max_body_bytes);

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_SERVER_HTTP_PARSE_H_
