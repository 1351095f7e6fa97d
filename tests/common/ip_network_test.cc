#include "common/ip_network.h"

#include <string>

#include "gtest/gtest.h"

namespace telegate {
namespace {

IpNetwork Net(std::string_view cidr) {
  absl::StatusOr<IpNetwork> network = IpNetwork::Parse(cidr);
  EXPECT_TRUE(network.ok()) << network.status();
  return *network;
}

std::string ErrorOf(std::string_view cidr) {
  absl::StatusOr<IpNetwork> network = IpNetwork::Parse(cidr);
  if (network.ok()) return "ok: " + network->ToString();
  EXPECT_EQ(network.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(network.status().message());
}

TEST(IpNetworkTest, Ipv4Cidr) {
  IpNetwork telegram = Net("149.154.160.0/20");
  EXPECT_EQ(telegram.ToString(), "149.154.160.0/20");
  EXPECT_TRUE(telegram.Contains("149.154.160.0"));
  EXPECT_TRUE(telegram.Contains("149.154.167.99"));
  EXPECT_TRUE(telegram.Contains("149.154.175.255"));
  EXPECT_FALSE(telegram.Contains("149.154.176.0"));
  EXPECT_FALSE(telegram.Contains("149.154.159.255"));
  EXPECT_FALSE(telegram.Contains("91.108.4.1"));
}

TEST(IpNetworkTest, Ipv6Cidr) {
  IpNetwork network = Net("2001:b28:f23d::/48");
  EXPECT_EQ(network.ToString(), "2001:b28:f23d::/48");
  EXPECT_TRUE(network.Contains("2001:b28:f23d::1"));
  EXPECT_TRUE(network.Contains("2001:0b28:f23d:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(network.Contains("2001:b28:f23e::1"));
  EXPECT_FALSE(network.Contains("149.154.160.1"));
  EXPECT_EQ(Net("2001:DB8:0:0::/64").ToString(), "2001:db8::/64");
}

TEST(IpNetworkTest, SingleAddressesWithoutLength) {
  IpNetwork v4 = Net("10.1.2.3");
  EXPECT_EQ(v4.ToString(), "10.1.2.3/32");
  EXPECT_TRUE(v4.Contains("10.1.2.3"));
  EXPECT_FALSE(v4.Contains("10.1.2.4"));
  IpNetwork v6 = Net("::1");
  EXPECT_EQ(v6.ToString(), "::1/128");
  EXPECT_TRUE(v6.Contains("::1"));
  EXPECT_TRUE(v6.Contains("0:0:0:0:0:0:0:1"));
  EXPECT_FALSE(v6.Contains("::2"));
}

TEST(IpNetworkTest, Ipv4MappedIpv6MatchesIpv4Range) {
  IpNetwork telegram = Net("149.154.160.0/20");
  EXPECT_TRUE(telegram.Contains("::ffff:149.154.160.1"));
  EXPECT_TRUE(telegram.Contains("::FFFF:959A:a001"));  // same, in hex
  EXPECT_FALSE(telegram.Contains("::ffff:149.154.176.1"));
  // IPv4-compatible (deprecated) and NAT64 forms are different addresses.
  EXPECT_FALSE(telegram.Contains("::149.154.160.1"));
  EXPECT_FALSE(telegram.Contains("64:ff9b::149.154.160.1"));
  // A mapped network written in IPv6 contains the plain IPv4 address.
  EXPECT_TRUE(Net("::ffff:149.154.160.0/116").Contains("149.154.160.1"));
}

TEST(IpNetworkTest, ZeroPrefixes) {
  EXPECT_TRUE(Net("0.0.0.0/0").Contains("255.255.255.255"));
  EXPECT_TRUE(Net("0.0.0.0/0").Contains("::ffff:1.2.3.4"));
  EXPECT_FALSE(Net("0.0.0.0/0").Contains("::1"));
  EXPECT_TRUE(Net("::/0").Contains("::1"));
  EXPECT_TRUE(Net("::/0").Contains("1.2.3.4"));  // ::/0 covers ::ffff:0:0/96
}

TEST(IpNetworkTest, OddPrefixLengths) {
  EXPECT_TRUE(Net("10.0.0.0/9").Contains("10.127.255.255"));
  EXPECT_FALSE(Net("10.0.0.0/9").Contains("10.128.0.0"));
  EXPECT_TRUE(Net("1.2.3.4/32").Contains("1.2.3.4"));
  EXPECT_TRUE(Net("2001:db8::/33").Contains("2001:db8:7fff::1"));
  EXPECT_FALSE(Net("2001:db8::/33").Contains("2001:db8:8000::1"));
  EXPECT_TRUE(Net("2001:db8::1/128").Contains("2001:db8::1"));
}

TEST(IpNetworkTest, BadEntriesAreNamed) {
  EXPECT_EQ(ErrorOf(""), "bad network '': not an IPv4 or IPv6 address");
  EXPECT_EQ(ErrorOf("telegram.org"),
            "bad network 'telegram.org': not an IPv4 or IPv6 address");
  EXPECT_EQ(ErrorOf("1.2.3.4/33"),
            "bad network '1.2.3.4/33': prefix length must be 0..32");
  EXPECT_EQ(ErrorOf("::/129"),
            "bad network '::/129': prefix length must be 0..128");
  EXPECT_EQ(ErrorOf("149.154.160.1/20"),
            "bad network '149.154.160.1/20': host bits set (did you mean "
            "149.154.160.0/20?)");
  EXPECT_EQ(ErrorOf("2001:b28:f23d::1/48"),
            "bad network '2001:b28:f23d::1/48': host bits set (did you mean "
            "2001:b28:f23d::/48?)");
  for (const char* bad :
       {"1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/+8", "1.2.3.4/08", "1.2.3.4/ 8",
        "1.2.3.4/8/8", "1.2.3.4/0x8", "1.2.3.4/1000"}) {
    EXPECT_NE(ErrorOf(bad).find("prefix length"), std::string::npos) << bad;
  }
  for (const char* bad :
       {"1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "0x7f.0.0.1", " 1.2.3.4",
        "1.2.3.4 ", "[::1]", "::1%lo", "fe80::1%eth0/64", "1.2.3.4:80",
        ":::", "1::2::3", "/8", "localhost"}) {
    EXPECT_NE(ErrorOf(bad).find("not an IPv4 or IPv6 address"),
              std::string::npos)
        << bad;
  }
}

TEST(IpNetworkTest, GarbageIsNeverContained) {
  IpNetwork all = Net("::/0");
  for (const char* bad : {"", " ", "1.2.3.4 ", "[::1]", "1.2.3.4:80", "unknown",
                          "::1%lo", "1.2.3.4/32"}) {
    EXPECT_FALSE(all.Contains(bad)) << bad;
  }
  EXPECT_FALSE(all.Contains(std::string("::1\0", 4)));
  EXPECT_FALSE(all.Contains(std::string(1000, '1')));
}

TEST(ParseIpAddressTest, MapsIpv4) {
  std::optional<IpBytes> v4 = ParseIpAddress("1.2.3.4");
  std::optional<IpBytes> mapped = ParseIpAddress("::ffff:1.2.3.4");
  ASSERT_TRUE(v4.has_value());
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(*v4, *mapped);
  EXPECT_FALSE(ParseIpAddress("1.2.3.4.").has_value());
}

}  // namespace
}  // namespace telegate
