#include "common/secret_token.h"

#include <string>

#include "gtest/gtest.h"

namespace telegate {
namespace {

TEST(SecretTokenTest, LengthLimits) {
  EXPECT_FALSE(IsValidSecretToken(""));
  EXPECT_TRUE(IsValidSecretToken("a"));
  EXPECT_TRUE(IsValidSecretToken(std::string(256, 'x')));
  EXPECT_FALSE(IsValidSecretToken(std::string(257, 'x')));
}

TEST(SecretTokenTest, CharactersAndMessageNamesTheSetting) {
  EXPECT_TRUE(IsValidSecretToken("AZaz09_-"));
  for (const char* bad : {"has space", "dot.", "plus+", "eq="}) {
    absl::Status status = ValidateSecretToken(bad, "--secret");
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_NE(status.message().find("--secret"), absl::string_view::npos);
    EXPECT_EQ(status.message().find(bad), absl::string_view::npos);
  }
  EXPECT_FALSE(IsValidSecretToken(std::string("nul\0byte", 8)));
}

TEST(BotTokenShapeTest, DigitsColonSecretCharacters) {
  EXPECT_TRUE(LooksLikeBotToken("123456789:AAE-x_9"));
  for (const char* bad : {"", "123456789", ":abc", "12a:abc", "123:",
                          "123:ab cd", "123:ab/cd", "123:a:b"}) {
    EXPECT_FALSE(LooksLikeBotToken(bad)) << bad;
  }
}

}  // namespace
}  // namespace telegate
