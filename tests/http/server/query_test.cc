// ParseUrlEncoded and UrlEncodedValue: query strings and form bodies.
#include "http/server/query.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace telegate::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseUrlEncodedTest, SplitsPairsInOrderKeepingRepeats) {
  EXPECT_EQ(ParseUrlEncoded("offset=5&timeout=0&offset=6"),
            (Pairs{{"offset", "5"}, {"timeout", "0"}, {"offset", "6"}}));
  EXPECT_EQ(ParseUrlEncoded(""), Pairs{});
}

TEST(ParseUrlEncodedTest, DecodesPlusAndPercentEscapes) {
  EXPECT_EQ(ParseUrlEncoded("text=hi+there%21&to=%2Fa%2fb"),
            (Pairs{{"text", "hi there!"}, {"to", "/a/b"}}));
  // An encoded '+' stays a plus; names are decoded too.
  EXPECT_EQ(ParseUrlEncoded("a%2Bb=1%2B1"), (Pairs{{"a+b", "1+1"}}));
  EXPECT_EQ(ParseUrlEncoded("u=%D0%BF%D1%80"),
            (Pairs{{"u", "\xD0\xBF\xD1\x80"}}));
  EXPECT_EQ(ParseUrlEncoded("z=%00"), (Pairs{{"z", std::string(1, '\0')}}));
}

TEST(ParseUrlEncodedTest, EdgeCasesFollowTheUrlStandard) {
  // Empty pieces are skipped; no '=' means an empty value; only the first
  // '=' splits.
  EXPECT_EQ(ParseUrlEncoded("&&a&b=&=c&d=e=f&"),
            (Pairs{{"a", ""}, {"b", ""}, {"", "c"}, {"d", "e=f"}}));
  // Malformed escapes are kept as received, never refused.
  EXPECT_EQ(
      ParseUrlEncoded("a=%&b=%4&c=%zz&d=100%25&e=%4g"),
      (Pairs{
          {"a", "%"}, {"b", "%4"}, {"c", "%zz"}, {"d", "100%"}, {"e", "%4g"}}));
  EXPECT_EQ(ParseUrlEncoded("x=%"), (Pairs{{"x", "%"}}));
  EXPECT_EQ(ParseUrlEncoded("x=%4"), (Pairs{{"x", "%4"}}));
}

TEST(UrlEncodedValueTest, FirstMatchOrEmpty) {
  EXPECT_EQ(UrlEncodedValue("method=sendMessage&since=3&since=4", "since"),
            "3");
  EXPECT_EQ(UrlEncodedValue("method=send+Message", "method"), "send Message");
  EXPECT_EQ(UrlEncodedValue("method=x", "since"), "");
  EXPECT_EQ(UrlEncodedValue("", "since"), "");
}

}  // namespace
}  // namespace telegate::http
