// AdminAuth and the cross-site rule: pure functions, no HTTP.
#include "gateway/admin_auth.h"

#include <string>

#include "gtest/gtest.h"

namespace telegate::gateway {
namespace {

constexpr char kToken[] = "admin-token-0123456789";

TEST(Sha256HexTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AdminAuthTest, WithoutATokenEverythingIsAllowed) {
  AdminAuth auth("");
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.Allows("", ""));
  EXPECT_FALSE(auth.TokenMatches(""));  // nothing to sign in to
}

TEST(AdminAuthTest, BearerHeader) {
  AdminAuth auth(kToken);
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.Allows(std::string("Bearer ") + kToken, ""));
  EXPECT_FALSE(auth.Allows("", ""));
  EXPECT_FALSE(auth.Allows(kToken, ""));
  EXPECT_FALSE(auth.Allows(std::string("Basic ") + kToken, ""));
  EXPECT_FALSE(auth.Allows(std::string("Bearer ") + kToken + "x", ""));
  EXPECT_FALSE(auth.Allows("Bearer ", ""));
}

TEST(AdminAuthTest, SessionCookieCarriesTheDigestNotTheToken) {
  AdminAuth auth(kToken);
  std::string cookie = auth.SessionCookie();
  EXPECT_EQ(cookie, "telegate_admin=" + Sha256Hex(kToken) +
                        "; HttpOnly; SameSite=Strict; Path=/");
  EXPECT_EQ(cookie.find(kToken), std::string::npos);
  std::string digest = Sha256Hex(kToken);
  EXPECT_TRUE(auth.Allows("", "telegate_admin=" + digest));
  EXPECT_TRUE(auth.Allows("", "a=1; telegate_admin=" + digest + "; b=2"));
  EXPECT_FALSE(auth.Allows("", std::string("telegate_admin=") + kToken));
  EXPECT_FALSE(auth.Allows("", "other_telegate_admin=" + digest));
  EXPECT_FALSE(auth.Allows("", "telegate_admin="));
  EXPECT_NE(AdminAuth::ClearedCookie().find("Max-Age=0"), std::string::npos);
}

TEST(AdminAuthTest, SignInFormTokenComparison) {
  AdminAuth auth(kToken);
  EXPECT_TRUE(auth.TokenMatches(kToken));
  EXPECT_FALSE(auth.TokenMatches(""));
  EXPECT_FALSE(auth.TokenMatches("admin-token-012345678"));
}

TEST(AdminAuthTest, PublicPathsAreThePanelFilesAndSignInOut) {
  AdminAuth auth(kToken);
  for (const char* path : {"/", "/index.html", "/app.js", "/style.css"}) {
    EXPECT_TRUE(auth.IsPublic("GET", path)) << path;
    EXPECT_FALSE(auth.IsPublic("POST", path)) << path;
  }
  EXPECT_TRUE(auth.IsPublic("POST", "/login"));
  EXPECT_TRUE(auth.IsPublic("POST", "/logout"));
  for (const char* path : {"/health", "/api/stats", "/api/events", "/metrics",
                           "/restart_bot", "/nope.js"}) {
    EXPECT_FALSE(auth.IsPublic("GET", path)) << path;
  }
}

TEST(SameSiteTest, OriginMustMatchTheHost) {
  const std::string same = "http://127.0.0.1:8081";
  const std::string same_tls = "https://admin.example.org";
  const std::string other = "http://evil.example";
  const std::string null_origin = "null";
  EXPECT_TRUE(IsSameSiteRequest(nullptr, nullptr, "127.0.0.1:8081"));
  EXPECT_TRUE(IsSameSiteRequest(&same, nullptr, "127.0.0.1:8081"));
  EXPECT_TRUE(IsSameSiteRequest(&same_tls, nullptr, "admin.example.org"));
  EXPECT_FALSE(IsSameSiteRequest(&other, nullptr, "127.0.0.1:8081"));
  EXPECT_FALSE(IsSameSiteRequest(&null_origin, nullptr, "127.0.0.1:8081"));
  EXPECT_FALSE(IsSameSiteRequest(&same, nullptr, "127.0.0.1:9999"));
  EXPECT_FALSE(IsSameSiteRequest(&same, nullptr, ""));
}

TEST(SameSiteTest, FetchMetadata) {
  for (const char* ok : {"same-origin", "none"}) {
    std::string site = ok;
    EXPECT_TRUE(IsSameSiteRequest(nullptr, &site, "h")) << ok;
  }
  for (const char* bad : {"cross-site", "same-site", ""}) {
    std::string site = bad;
    EXPECT_FALSE(IsSameSiteRequest(nullptr, &site, "h")) << bad;
  }
}

}  // namespace
}  // namespace telegate::gateway
