#include "http/server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <exception>

#include "absl/strings/str_cat.h"

namespace telegate::http {

namespace ssl = boost::asio::ssl;

absl::StatusOr<std::unique_ptr<ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file) {
  std::unique_ptr<ssl::context> tls;
  try {
    tls = std::make_unique<ssl::context>(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("TLS context: ", e.what()));
  }
  boost::system::error_code ec;
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  if (ec || SSL_CTX_set_min_proto_version(tls->native_handle(),
                                          TLS1_2_VERSION) != 1) {
    return absl::InternalError("TLS context: cannot require TLS 1.2");
  }
  tls->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("TLS certificate file ", cert_file, ": ", ec.message()));
  }
  tls->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key file ", key_file, ": ", ec.message()));
  }
  if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key file ", key_file,
                     " does not match certificate file ", cert_file));
  }
  return tls;
}

}  // namespace telegate::http
