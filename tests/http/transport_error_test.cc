#include "http/transport_error.h"

#include "gtest/gtest.h"

namespace telegate::http {
namespace {

TEST(PeerOfTest, HostAndPortOnlyWithSchemeDefaults) {
  EXPECT_EQ(PeerOf("https://api.telegram.org/bot1:x/getMe").ToString(),
            "api.telegram.org:443");
  EXPECT_EQ(PeerOf("http://127.0.0.1:8090/bot1:x/getMe?a=b").ToString(),
            "127.0.0.1:8090");
  EXPECT_EQ(PeerOf("http://user:pw@example.com?q=1").ToString(),
            "example.com:80");
  EXPECT_EQ(PeerOf("https://[::1]:8443/x").ToString(), "[::1]:8443");
  EXPECT_EQ(PeerOf("https://[::1]/x").ToString(), "[::1]:443");
  EXPECT_EQ(PeerOf("not a url").host, "?");
}

TEST(TransportErrorTest, Texts) {
  Peer p{"h", 1};
  EXPECT_EQ(ConnectionRefused(p).message(), "connection refused to h:1");
  EXPECT_EQ(Timeout(p, absl::Seconds(5), false).message(),
            "timeout after 5 s (h:1)");
  EXPECT_EQ(Timeout(p, absl::Milliseconds(250), true).message(),
            "timeout after 0.25 s connecting to h:1");
  EXPECT_EQ(Timeout(p, absl::Seconds(5), false).code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(DnsFailed("h").message(), "DNS lookup failed for h");
  EXPECT_EQ(TlsError(p, "bad cert").message(), "TLS error with h:1: bad cert");
  EXPECT_EQ(ConnectionReset(p).message(), "connection reset by h:1");
}

TEST(TransportErrorTest, ScrubReplacesEveryOccurrence) {
  EXPECT_EQ(Scrub("a SEC b SEC", "SEC"), "a [redacted] b [redacted]");
  EXPECT_EQ(Scrub("abc", ""), "abc");
}

}  // namespace
}  // namespace telegate::http
