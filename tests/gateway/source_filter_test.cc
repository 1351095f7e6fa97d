#include "gateway/source_filter.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace telegate::gateway {
namespace {

std::vector<IpNetwork> Networks(std::string_view list) {
  absl::StatusOr<std::vector<IpNetwork>> networks = ParseNetworkList(list);
  EXPECT_TRUE(networks.ok()) << networks.status();
  return networks.ok() ? *networks : std::vector<IpNetwork>{};
}

SourceFilter Filter(std::string_view allowed, std::string_view proxies) {
  return SourceFilter({Networks(allowed), Networks(proxies)});
}

TEST(ParseNetworkListTest, TelegramExpandsToPublishedRanges) {
  std::vector<IpNetwork> networks = Networks("telegram");
  ASSERT_EQ(networks.size(), 2u);
  EXPECT_EQ(networks[0].ToString(), "149.154.160.0/20");
  EXPECT_EQ(networks[1].ToString(), "91.108.4.0/22");
  EXPECT_EQ(Networks(" Telegram , 10.0.0.0/8").size(), 3u);
}

TEST(ParseNetworkListTest, MixedFamiliesAndSpaces) {
  std::vector<IpNetwork> networks =
      Networks("149.154.160.0/20, 2001:b28:f23d::/48 ,\t127.0.0.1");
  ASSERT_EQ(networks.size(), 3u);
  EXPECT_EQ(networks[1].ToString(), "2001:b28:f23d::/48");
  EXPECT_EQ(networks[2].ToString(), "127.0.0.1/32");
}

TEST(ParseNetworkListTest, EmptyListIsEmpty) {
  EXPECT_TRUE(Networks("").empty());
  EXPECT_TRUE(Networks("  ").empty());
}

TEST(ParseNetworkListTest, ErrorsNameTheBadEntry) {
  absl::StatusOr<std::vector<IpNetwork>> bad =
      ParseNetworkList("telegram, 10.0.0.0/33");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "bad network '10.0.0.0/33': prefix length must be 0..32");
  bad = ParseNetworkList("10.0.0.0/8,,::1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "empty entry in network list '10.0.0.0/8,,::1'");
  EXPECT_FALSE(ParseNetworkList("10.0.0.0/8,").ok());
  EXPECT_FALSE(ParseNetworkList("telegrams").ok());
  EXPECT_FALSE(ParseNetworkList("10.0.0.0/8 192.168.0.0/16").ok());
}

TEST(SourceFilterTest, EmptyAllowListAllowsAll) {
  SourceFilter filter = Filter("", "");
  EXPECT_TRUE(filter.Allowed("1.2.3.4"));
  EXPECT_TRUE(filter.Allowed("::1"));
  EXPECT_TRUE(filter.Allowed("garbage"));
}

TEST(SourceFilterTest, AllowListChecksClient) {
  SourceFilter filter = Filter("telegram", "");
  EXPECT_TRUE(filter.Allowed("149.154.167.220"));
  EXPECT_TRUE(filter.Allowed("91.108.6.1"));
  EXPECT_TRUE(filter.Allowed("::ffff:91.108.6.1"));
  EXPECT_FALSE(filter.Allowed("91.108.8.1"));
  EXPECT_FALSE(filter.Allowed("127.0.0.1"));
  EXPECT_FALSE(filter.Allowed("::1"));
  EXPECT_FALSE(filter.Allowed(""));
  EXPECT_FALSE(filter.Allowed("149.154.167.220:443"));
}

TEST(SourceFilterTest, NoHeaderMeansPeer) {
  SourceFilter filter = Filter("telegram", "10.0.0.0/8");
  EXPECT_EQ(filter.ClientIp("10.0.0.5", nullptr), "10.0.0.5");
  EXPECT_EQ(filter.ClientIp("149.154.167.220", nullptr), "149.154.167.220");
}

TEST(SourceFilterTest, XffFromUntrustedPeerIsIgnored) {
  // The spoofing case: anybody can send X-Forwarded-For.
  SourceFilter filter = Filter("telegram", "10.0.0.0/8");
  std::string xff = "149.154.167.220";
  EXPECT_EQ(filter.ClientIp("203.0.113.9", &xff), "203.0.113.9");
  EXPECT_FALSE(filter.Allowed(filter.ClientIp("203.0.113.9", &xff)));
  // With no trusted proxies configured, never read.
  SourceFilter no_proxies = Filter("telegram", "");
  EXPECT_EQ(no_proxies.ClientIp("10.0.0.5", &xff), "10.0.0.5");
}

TEST(SourceFilterTest, XffFromTrustedPeer) {
  SourceFilter filter = Filter("telegram", "10.0.0.0/8");
  std::string xff = "149.154.167.220";
  EXPECT_EQ(filter.ClientIp("10.0.0.5", &xff), "149.154.167.220");
  EXPECT_TRUE(filter.Allowed(filter.ClientIp("10.0.0.5", &xff)));
}

TEST(SourceFilterTest, MultipleHopsWalkFromTheRight) {
  SourceFilter filter = Filter("telegram", "10.0.0.0/8, 192.168.0.1");
  // Client-supplied entries on the left are not believed.
  std::string xff = "149.154.167.1, 203.0.113.9, 10.1.1.1, 192.168.0.1";
  EXPECT_EQ(filter.ClientIp("10.0.0.5", &xff), "203.0.113.9");
  std::string tight = "1.1.1.1,149.154.167.220,10.1.1.1";
  EXPECT_EQ(filter.ClientIp("10.0.0.5", &tight), "149.154.167.220");
}

TEST(SourceFilterTest, AllHopsTrustedGivesLeftMost) {
  SourceFilter filter = Filter("", "10.0.0.0/8");
  std::string xff = "10.3.3.3, 10.2.2.2";
  EXPECT_EQ(filter.ClientIp("10.0.0.5", &xff), "10.3.3.3");
}

TEST(SourceFilterTest, GarbageHopStopsAtTheTrustedHop) {
  SourceFilter filter = Filter("telegram", "10.0.0.0/8");
  for (const char* xff :
       {"", " ", ",", "unknown", "149.154.167.220:443", "[::1]", "_hidden",
        "149.154.167.220, ", "149.154.167.220,,10.1.1.1", "1.2.3.4 5.6.7.8",
        "149.154.167.220;10.1.1.1"}) {
    std::string header = xff;
    std::string client = filter.ClientIp("10.0.0.5", &header);
    EXPECT_TRUE(client == "10.0.0.5" || client == "10.1.1.1")
        << xff << " -> " << client;
    EXPECT_FALSE(filter.Allowed(client)) << xff;
  }
  std::string after_proxy = "149.154.167.220, garbage, 10.1.1.1";
  EXPECT_EQ(filter.ClientIp("10.0.0.5", &after_proxy), "10.1.1.1");
}

TEST(SourceFilterTest, Ipv6ProxiesAndClients) {
  SourceFilter filter = Filter("2001:b28:f23d::/48, telegram", "fd00::/8, ::1");
  std::string xff = "2001:b28:f23d::42, fd00::7";
  EXPECT_EQ(filter.ClientIp("::1", &xff), "2001:b28:f23d::42");
  EXPECT_TRUE(filter.Allowed("2001:b28:f23d::42"));
  std::string mapped = "::ffff:149.154.167.220";
  EXPECT_EQ(filter.ClientIp("fd00::1", &mapped), "::ffff:149.154.167.220");
  EXPECT_TRUE(filter.Allowed("::ffff:149.154.167.220"));
  // A dual-stack listener reports IPv4 peers as mapped addresses.
  SourceFilter v4_proxy = Filter("telegram", "10.0.0.0/8");
  std::string client = "149.154.167.220";
  EXPECT_EQ(v4_proxy.ClientIp("::ffff:10.0.0.5", &client), "149.154.167.220");
}

TEST(SourceFilterTest, GarbagePeerIsNeverTrustedNorAllowed) {
  SourceFilter filter = Filter("telegram", "::/0");
  std::string xff = "149.154.167.220";
  EXPECT_EQ(filter.ClientIp("not-an-ip", &xff), "not-an-ip");
  EXPECT_FALSE(filter.Allowed("not-an-ip"));
}

TEST(SourceFilterTest, LongHeaderIsLinear) {
  SourceFilter filter = Filter("", "10.0.0.0/8");
  std::string xff;
  for (int i = 0; i < 20000; ++i) xff += "10.0.0.1, ";
  xff += "10.0.0.2";
  EXPECT_EQ(filter.ClientIp("10.0.0.5", &xff), "10.0.0.1");
  std::string clean = "10.0.0.9";
  for (int i = 0; i < 20000; ++i) clean += ",10.0.0.1";
  EXPECT_EQ(filter.ClientIp("10.0.0.5", &clean), "10.0.0.9");
}

}  // namespace
}  // namespace telegate::gateway
