#include "emulator/url.h"

#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

TEST(UrlTest, ParsesHostPortAndTarget) {
  auto u = ParseWebhookUrl("http://127.0.0.1:8080/webhook?x=1#frag");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/webhook?x=1");
  auto s = ParseWebhookUrl("HTTPS://Example.org");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->scheme, "https");
  EXPECT_EQ(s->host, "example.org");
  EXPECT_EQ(s->port, 443);
  EXPECT_EQ(s->target, "/");
  auto v6 = ParseWebhookUrl("http://[::1]:9/h");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9);
}

TEST(UrlTest, RejectsOthers) {
  EXPECT_FALSE(ParseWebhookUrl("ftp://x/").ok());
  EXPECT_FALSE(ParseWebhookUrl("http://").ok());
  EXPECT_FALSE(ParseWebhookUrl("http://u:p@host/").ok());
  EXPECT_FALSE(ParseWebhookUrl("http://host:99999/").ok());
  EXPECT_FALSE(ParseWebhookUrl("http://host:0/").ok());
  EXPECT_FALSE(ParseWebhookUrl("localhost:80").ok());
}

}  // namespace
}  // namespace telegate::emulator
