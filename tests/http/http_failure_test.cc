// Each transport failure gets its name, and no name ever carries the URL's
// path or query (where the Bot API token travels).
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "http/http_client.h"
#include "testing/tls_cert.h"
#include "tests/http/client_fixture.h"
#include "testing/loopback_servers.h"

namespace telegate::http {
namespace {

using telegate::testing::LoopbackServer;
using telegate::testing::ResettingServer;
using telegate::testing::SilentListener;
using telegate::testing::UnusedPort;

constexpr char kToken[] = "123456:SECRET-token_value";

std::string BotPath() {
  return absl::StrCat("/bot", kToken, "/getMe?secret=", kToken);
}

class HttpFailureTest : public ClientTest {
 protected:
  // Sends one request and returns its response.
  HttpResponse SendOne(HttpRequest request) {
    client_->Send(std::move(request), responses_.Callback());
    EXPECT_TRUE(responses_.WaitFor(1));
    std::vector<HttpResponse> got = responses_.Take();
    return got.empty() ? HttpResponse() : std::move(got[0]);
  }
  static void ExpectNamed(const HttpResponse& r, absl::StatusCode code,
                          const std::string& expected) {
    EXPECT_EQ(r.status.code(), code) << r.status;
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(std::string(r.status.message()), expected);
    EXPECT_FALSE(absl::StrContains(r.status.ToString(), "SECRET"))
        << r.status;
    EXPECT_FALSE(absl::StrContains(r.status.ToString(), "/bot")) << r.status;
  }
};

TEST_F(HttpFailureTest, ConnectionRefusedNamesHostAndPort) {
  MakeClient();
  int port = UnusedPort();
  HttpResponse r =
      SendOne(Get(absl::StrCat("http://127.0.0.1:", port, BotPath())));
  ExpectNamed(r, absl::StatusCode::kUnavailable,
              absl::StrCat("connection refused to 127.0.0.1:", port));
}

TEST_F(HttpFailureTest, NoAnswerIsATimeoutAfterTheRequestLimit) {
  SilentListener silent;
  MakeClient();
  HttpRequest req =
      Get(absl::StrCat("http://127.0.0.1:", silent.port(), BotPath()));
  req.timeout = absl::Milliseconds(300);
  HttpResponse r = SendOne(req);
  ExpectNamed(r, absl::StatusCode::kDeadlineExceeded,
              absl::StrCat("timeout after 0.3 s (127.0.0.1:", silent.port(),
                           ")"));
}

TEST_F(HttpFailureTest, UntrustedCertificateIsATlsError) {
  std::string dir = ::testing::TempDir() + "/tls_" +
                    std::to_string(::testing::UnitTest::GetInstance()->random_seed());
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  std::string cert = dir + "/cert.pem", key = dir + "/key.pem";
  ASSERT_TRUE(telegate::testing::WriteSelfSignedCert(cert, key).ok());
  LoopbackServer server(
      4, std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str()));
  server.server().Get("/.*", [](const httplib::Request&,
                                httplib::Response& res) {
    res.set_content("{\"ok\":true}", "application/json");
  });
  server.Start();
  std::string url = absl::StrCat("https://127.0.0.1:", server.port(), BotPath());

  MakeClient();  // trusts only the system's CAs
  HttpResponse r = SendOne(Get(url));
  EXPECT_TRUE(absl::StartsWith(
      r.status.message(),
      absl::StrCat("TLS error with 127.0.0.1:", server.port(), ": ")))
      << r.status;
  EXPECT_TRUE(absl::StrContains(r.status.message(), "certificate"))
      << r.status;
  EXPECT_FALSE(absl::StrContains(r.status.ToString(), "SECRET"));

  // Trusting the certificate, the same request succeeds.
  DestroyClientOnLoop();
  HttpClientOptions trusting;
  trusting.ca_file = cert;
  MakeClient(trusting);
  HttpResponse ok = SendOne(Get(url));
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_EQ(ok.code, 200);
  EXPECT_EQ(ok.body, "{\"ok\":true}");
  DestroyClientOnLoop();  // before the server, which waits for its peers
}

TEST_F(HttpFailureTest, UnknownHostIsADnsFailure) {
  MakeClient();
  HttpRequest req = Get(absl::StrCat("http://no-such-host.invalid", BotPath()));
  req.connect_timeout = absl::Seconds(20);
  HttpResponse r = SendOne(req);
  ExpectNamed(r, absl::StatusCode::kUnavailable,
              "DNS lookup failed for no-such-host.invalid");
}

TEST_F(HttpFailureTest, ResetConnectionIsNamed) {
  ResettingServer server;
  MakeClient();
  HttpResponse r =
      SendOne(Get(absl::StrCat("http://127.0.0.1:", server.port(), BotPath())));
  ExpectNamed(r, absl::StatusCode::kUnavailable,
              absl::StrCat("connection reset by 127.0.0.1:", server.port()));
}

TEST_F(HttpFailureTest, MalformedUrlIsInvalidArgumentWithoutThePath) {
  MakeClient();
  HttpResponse r = SendOne(Get(absl::StrCat("ftp://host.example", BotPath())));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << r.status;
  EXPECT_FALSE(absl::StrContains(r.status.ToString(), "SECRET"));
  EXPECT_FALSE(responses_.any_off_loop());
}

}  // namespace
}  // namespace telegate::http
