// Turns a failed libcurl transfer into a named absl::Status (see
// transport_error.h): "connection refused to host:port", "timeout after 5 s
// (host:port)", "TLS error with host:port: ...", "DNS lookup failed for
// host", "connection reset by host:port". Never contains the URL's path or
// query. Pure function; internal to the http library.
#ifndef TELEGATE_HTTP_CURL_ERROR_H_
#define TELEGATE_HTTP_CURL_ERROR_H_

#include <curl/curl.h>

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace telegate::http {

struct CurlFailure {
  CURLcode code = CURLE_OK;
  int os_errno = 0;     // CURLINFO_OS_ERRNO
  std::string detail;   // curl's error buffer
  std::string url;      // only host and port are ever shown
  absl::Duration elapsed;
  absl::Duration timeout;          // the request's whole-request limit
  absl::Duration connect_timeout;  // its connect limit
  bool connected = false;          // a connection was established
  bool too_large = false;          // the body went over max_response_bytes
  size_t max_response_bytes = 0;
};

absl::Status NameCurlFailure(const CurlFailure& failure);

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_CURL_ERROR_H_
