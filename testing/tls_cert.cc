#include "testing/tls_cert.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace telegate::testing {
namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Deleter>;

absl::Status OpenSslError(const char* what) {
  unsigned long code = ERR_get_error();
  char text[256] = {0};
  if (code != 0) ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return absl::InternalError(absl::StrCat("tls_cert: ", what, ": ", text));
}

absl::Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError("extension");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteSelfSignedCert(const std::string& cert_path,
                                 const std::string& key_path,
                                 const std::string& common_name) {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("key generation");
  Owned<X509> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) {
    return OpenSslError("certificate");
  }
  Owned<BIGNUM> serial(BN_new());
  if (!serial ||
      BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ==
          nullptr) {
    return OpenSslError("serial");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600) ==
          nullptr ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return OpenSslError("validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
          0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    return OpenSslError("name");
  }
  for (auto [nid, value] :
       {std::pair<int, std::string>{NID_basic_constraints, "critical,CA:TRUE"},
        {NID_key_usage, "critical,digitalSignature,keyCertSign"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_subject_key_identifier, "hash"},
        {NID_subject_alt_name,
         absl::StrCat("DNS:", common_name, ",DNS:localhost,IP:127.0.0.1")}}) {
    absl::Status status = AddExtension(cert.get(), nid, value);
    if (!status.ok()) return status;
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return OpenSslError("sign");
  }
  Owned<BIO> cert_out(BIO_new_file(cert_path.c_str(), "w"));
  if (!cert_out || PEM_write_bio_X509(cert_out.get(), cert.get()) != 1) {
    return OpenSslError(absl::StrCat("write ", cert_path).c_str());
  }
  Owned<BIO> key_out(BIO_new_file(key_path.c_str(), "w"));
  if (!key_out || PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr,
                                           nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError(absl::StrCat("write ", key_path).c_str());
  }
  return absl::OkStatus();
}

}  // namespace telegate::testing
