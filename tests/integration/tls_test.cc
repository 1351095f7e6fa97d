// The real gateway with TLS on its public listener: a certificate made for
// the test, updates posted over HTTPS (verified against that certificate)
// are echoed; plain HTTP on the TLS port gets no answer and costs nothing.
#include <httplib.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/tls_cert.h"
#include "tests/integration/stack.h"

namespace telegate::testing {
namespace {

TEST(TlsIntegrationTest, WebhookOverHttpsIsEchoed) {
  const std::string dir = ::testing::TempDir();
  const std::string cert = dir + "telegate-tls-cert.pem";
  const std::string key = dir + "telegate-tls-key.pem";
  ASSERT_TRUE(WriteSelfSignedCert(cert, key).ok());
  auto stack = Stack::Start({}, {{"TELEGATE_TLS_CERT_FILE", cert},
                                 {"TELEGATE_TLS_KEY_FILE", key}});
  ASSERT_TRUE(stack.ok()) << stack.status();
  Stack& s = **stack;

  httplib::SSLClient client("127.0.0.1", s.public_port());
  client.set_ca_cert_path(cert.c_str());
  client.enable_server_certificate_verification(true);
  client.set_read_timeout(30, 0);
  httplib::Headers secret = {{"X-Telegram-Bot-Api-Secret-Token", kSecret}};
  for (int i = 0; i < 5; ++i) {  // one keep-alive TLS connection
    nlohmann::json update = {
        {"update_id", 7000000 + i},
        {"message",
         {{"message_id", i + 1},
          {"date", 1},
          {"chat", {{"id", 321}, {"type", "private"}}},
          {"text", absl::StrCat("over tls ", i)}}}};
    httplib::Result r =
        client.Post("/webhook", secret, update.dump(), "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200) << r->body;
  }
  ASSERT_TRUE(s.WaitForSentMessages(5));
  std::vector<nlohmann::json> sent = s.SentMessages();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(sent[i]["text"], absl::StrCat("over tls ", i));
  }
  httplib::Result wrong = client.Post("/webhook", "{}", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);

  // Plain HTTP on the TLS port: no HTTP answer, the handshake is counted.
  EXPECT_NE(s.Public("GET", "/healthz").status, 200);
  EXPECT_GE(s.GatewayMetric("telegate_gateway_http_tls_handshake_failures_total"),
            1);
  httplib::Result health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(TlsIntegrationTest, UntrustedCertificateIsRefusedByTheClient) {
  const std::string dir = ::testing::TempDir();
  const std::string cert = dir + "telegate-tls-a.pem";
  const std::string key = dir + "telegate-tls-a-key.pem";
  const std::string other = dir + "telegate-tls-b.pem";
  const std::string other_key = dir + "telegate-tls-b-key.pem";
  ASSERT_TRUE(WriteSelfSignedCert(cert, key).ok());
  ASSERT_TRUE(WriteSelfSignedCert(other, other_key).ok());
  auto stack = Stack::Start({}, {{"TELEGATE_TLS_CERT_FILE", cert},
                                 {"TELEGATE_TLS_KEY_FILE", key}});
  ASSERT_TRUE(stack.ok()) << stack.status();
  httplib::SSLClient client("127.0.0.1", (*stack)->public_port());
  client.set_ca_cert_path(other.c_str());  // trusts a different key
  client.enable_server_certificate_verification(true);
  EXPECT_FALSE(client.Get("/healthz"));  // the certificate really is checked
}

}  // namespace
}  // namespace telegate::testing
