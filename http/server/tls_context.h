// The listener's server-side TLS settings: certificate chain and key
// from PEM files, TLS 1.2 minimum. Includes Asio's SSL header: only the
// listener's .cc files include this. The returned context is thread-safe for
// creating streams and must outlive every stream made from it.
#ifndef TELEGATE_HTTP_SERVER_TLS_CONTEXT_H_
#define TELEGATE_HTTP_SERVER_TLS_CONTEXT_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace telegate::http {

// kInvalidArgument naming the file when the certificate or key cannot be
// read or parsed, or when they do not match.
absl::StatusOr<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_SERVER_TLS_CONTEXT_H_
