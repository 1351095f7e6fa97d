#include "gateway/secret.h"

#include <string>

#include "gtest/gtest.h"

namespace telegate::gateway {
namespace {

TEST(ValidateSecretTokenTest, LengthLimits) {
  EXPECT_FALSE(ValidateSecretToken("").ok());
  EXPECT_TRUE(ValidateSecretToken("a").ok());
  EXPECT_TRUE(ValidateSecretToken(std::string(256, 'x')).ok());
  absl::Status too_long = ValidateSecretToken(std::string(257, 'x'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.message().find("TELEGATE_WEBHOOK_SECRET"),
            absl::string_view::npos);
}

TEST(ValidateSecretTokenTest, AllowedCharacters) {
  EXPECT_TRUE(ValidateSecretToken("AZaz09_-").ok());
  for (const char* bad : {"has space", "semi;colon", "slash/", "dot.",
                          "plus+", "ünï", "tab\t", "eq="}) {
    absl::Status status = ValidateSecretToken(bad);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_NE(status.message().find("TELEGATE_WEBHOOK_SECRET"),
              absl::string_view::npos);
    // The message must not echo the (almost) secret value.
    EXPECT_EQ(status.message().find(bad), absl::string_view::npos);
  }
  EXPECT_FALSE(ValidateSecretToken(std::string("nul\0byte", 8)).ok());
}

TEST(ConstantTimeEqualsTest, Equal) {
  EXPECT_TRUE(ConstantTimeEquals("s3cr3t-Token_1", "s3cr3t-Token_1"));
  EXPECT_TRUE(ConstantTimeEquals(std::string(256, 'q'), std::string(256, 'q')));
}

TEST(ConstantTimeEqualsTest, PrefixAndLongerAreNotEqual) {
  EXPECT_FALSE(ConstantTimeEquals("s3cr3t", "s3cr3t-Token"));
  EXPECT_FALSE(ConstantTimeEquals("s3cr3t-Token-and-more", "s3cr3t-Token"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("s3cr3t-Token\0", 13),
                                  "s3cr3t-Token"));
}

TEST(ConstantTimeEqualsTest, Empty) {
  EXPECT_FALSE(ConstantTimeEquals("", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", ""));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(ConstantTimeEqualsTest, AnyDifferingByte) {
  std::string expected = "abcdefgh";
  for (size_t i = 0; i < expected.size(); ++i) {
    std::string given = expected;
    given[i] ^= 0x20;
    EXPECT_FALSE(ConstantTimeEquals(given, expected)) << i;
  }
}

}  // namespace
}  // namespace telegate::gateway
