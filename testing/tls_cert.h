// Test support: writes a fresh self-signed certificate (EC P-256, SHA-256,
// valid from an hour ago for a year, SAN DNS:localhost and IP:127.0.0.1,
// CA:TRUE so that it can serve as its own trust anchor) and its private key
// as PEM files. Thread-safe; no state.
#ifndef TELEGATE_TESTING_TLS_CERT_H_
#define TELEGATE_TESTING_TLS_CERT_H_

#include <string>

#include "absl/status/status.h"

namespace telegate::testing {

absl::Status WriteSelfSignedCert(const std::string& cert_path,
                                 const std::string& key_path,
                                 const std::string& common_name = "localhost");

}  // namespace telegate::testing

#endif  // TELEGATE_TESTING_TLS_CERT_H_
