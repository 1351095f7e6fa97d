// Listener with TLS: an HTTPS client verifying the self-signed
// certificate is served; plain HTTP, a TLS 1.1-only client and a silent
// client all fail the handshake (counted, bounded by header_timeout); bad
// certificate/key files fail Start with the file named.
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "testing/tls_cert.h"
#include "tests/http/server/listener_fixture.h"

namespace telegate::http {
namespace {

using testing::RawClient;

class ListenerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir();
    std::string name =
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    cert_ = dir + "/" + name + "_cert.pem";
    key_ = dir + "/" + name + "_key.pem";
    ASSERT_TRUE(telegate::testing::WriteSelfSignedCert(cert_, key_).ok());
  }
  void TearDown() override {
    std::remove(cert_.c_str());
    std::remove(key_.c_str());
  }
  ListenerOptions TlsOptions() const {
    ListenerOptions options = TestOptions();
    options.tls_cert_file = cert_;
    options.tls_key_file = key_;
    return options;
  }
  std::string cert_;
  std::string key_;
};

TEST_F(ListenerTlsTest, ServesHttpsClientVerifyingTheCertificate) {
  TestListener server(TlsOptions());
  httplib::SSLClient client("127.0.0.1", server.port);
  client.set_ca_cert_path(cert_.c_str());
  client.enable_server_certificate_verification(true);
  for (int i = 0; i < 3; ++i) {
    auto res = client.Post("/hook", R"({"update_id":7})", "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, R"({"update_id":7})");
  }
  EXPECT_EQ(server.stats.tls_handshake_failures, 0);
}

TEST_F(ListenerTlsTest, PlainHttpFailsTheHandshake) {
  TestListener server(TlsOptions());
  auto client = server.Connect();
  client->Send(PostRequest("{}"));
  std::string rest;
  EXPECT_TRUE(client->WaitClosed(absl::Seconds(5), &rest));
  EXPECT_FALSE(absl::StartsWith(rest, "HTTP/1.1 200"));
  EXPECT_EQ(server.stats.tls_handshake_failures, 1);
  // Still serving.
  httplib::SSLClient https("127.0.0.1", server.port);
  https.enable_server_certificate_verification(false);
  auto res = https.Post("/hook", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(ListenerTlsTest, Tls11OnlyClientIsRefused) {
  TestListener server(TlsOptions());
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ASSERT_NE(ctx, nullptr);
  SSL_CTX_set_security_level(ctx, 0);  // let OpenSSL 3 offer TLS 1.1 at all
  SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  auto client = server.Connect();
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, client->fd());
  int result = SSL_connect(ssl);
  EXPECT_LE(result, 0);
  ERR_clear_error();
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  EXPECT_TRUE(client->WaitClosed(absl::Seconds(5)));
  EXPECT_EQ(server.stats.tls_handshake_failures, 1);
}

TEST_F(ListenerTlsTest, SilentClientIsCutByHeaderTimeout) {
  ListenerOptions options = TlsOptions();
  options.header_timeout = absl::Milliseconds(500);
  TestListener server(options);
  absl::Time start = absl::Now();
  auto client = server.Connect();
  EXPECT_TRUE(client->WaitClosed(absl::Seconds(5)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(400));
  EXPECT_EQ(server.stats.tls_handshake_failures, 1);
}

TEST_F(ListenerTlsTest, StartNamesTheBadFile) {
  {
    ListenerOptions options = TlsOptions();
    options.tls_cert_file = ::testing::TempDir() + "/missing_cert.pem";
    Listener listener(options, nullptr, EchoHandler);
    auto port = listener.Start();
    ASSERT_FALSE(port.ok());
    EXPECT_TRUE(absl::StrContains(port.status().message(), "missing_cert.pem"))
        << port.status();
  }
  {
    ListenerOptions options = TlsOptions();
    options.tls_key_file = cert_;  // a certificate is not a key
    Listener listener(options, nullptr, EchoHandler);
    auto port = listener.Start();
    ASSERT_FALSE(port.ok());
    EXPECT_TRUE(absl::StrContains(port.status().message(), cert_))
        << port.status();
  }
  {
    std::string other_cert = cert_ + ".other";
    std::string other_key = key_ + ".other";
    ASSERT_TRUE(
        telegate::testing::WriteSelfSignedCert(other_cert, other_key).ok());
    ListenerOptions options = TlsOptions();
    options.tls_key_file = other_key;  // does not match the certificate
    Listener listener(options, nullptr, EchoHandler);
    auto port = listener.Start();
    EXPECT_FALSE(port.ok());
    EXPECT_TRUE(absl::StrContains(port.status().message(), other_key))
        << port.status();
    std::remove(other_cert.c_str());
    std::remove(other_key.c_str());
  }
}

}  // namespace
}  // namespace telegate::http
