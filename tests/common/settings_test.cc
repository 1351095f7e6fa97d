#include "common/settings.h"

#include "gtest/gtest.h"

namespace telegate {
namespace {

const std::vector<SettingSpec> kSpecs = {
    {"APP_LISTEN", "listen", "127.0.0.1:1", "listen address"},
    {"APP_THREADS", "threads", "4", "threads"},
    {"APP_TOKEN", "token", "", "token", true},
    {"APP_ON", "on", "true", "switch"},
};

TEST(SettingsTest, FlagBeatsEnvironmentBeatsDefault) {
  const char* argv[] = {"prog", "--listen=0.0.0.0:9", "--threads", "8"};
  const char* envp[] = {"APP_LISTEN=1.2.3.4:5", "APP_TOKEN=abc",
                        "OTHER=1", nullptr};
  absl::StatusOr<Settings> s = Settings::Load(kSpecs, 4, argv, envp);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->Get("APP_LISTEN"), "0.0.0.0:9");
  EXPECT_EQ(*s->GetInt("APP_THREADS", 1, 10), 8);
  EXPECT_EQ(*s->GetRequired("APP_TOKEN"), "abc");
  EXPECT_TRUE(*s->GetBool("APP_ON"));
}

TEST(SettingsTest, UnknownFlagAndMissingValueAreErrors) {
  const char* argv1[] = {"prog", "--nope=1"};
  EXPECT_FALSE(Settings::Load(kSpecs, 2, argv1, nullptr).ok());
  const char* argv2[] = {"prog", "--threads"};
  EXPECT_FALSE(Settings::Load(kSpecs, 2, argv2, nullptr).ok());
  const char* argv3[] = {"prog", "positional"};
  EXPECT_FALSE(Settings::Load(kSpecs, 2, argv3, nullptr).ok());
}

TEST(SettingsTest, HelpIsCancelledWithText) {
  const char* argv[] = {"prog", "--help"};
  absl::StatusOr<Settings> s = Settings::Load(kSpecs, 2, argv, nullptr);
  ASSERT_TRUE(absl::IsCancelled(s.status()));
  EXPECT_NE(s.status().message().find("APP_THREADS"), std::string::npos);
}

TEST(SettingsTest, ValidationMessagesNameTheSetting) {
  Settings s = Settings::FromMap(kSpecs, {{"APP_THREADS", "99"},
                                          {"APP_ON", "maybe"}});
  absl::StatusOr<int64_t> threads = s.GetInt("APP_THREADS", 1, 10);
  ASSERT_FALSE(threads.ok());
  EXPECT_NE(threads.status().message().find("APP_THREADS"), std::string::npos);
  EXPECT_FALSE(s.GetBool("APP_ON").ok());
  absl::StatusOr<std::string> token = s.GetRequired("APP_TOKEN");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().message(), "APP_TOKEN is required");
}

TEST(SettingsTest, EmptyEnvironmentValueKeepsDefault) {
  const char* envp[] = {"APP_LISTEN=", nullptr};
  const char* argv[] = {"prog"};
  absl::StatusOr<Settings> s = Settings::Load(kSpecs, 1, argv, envp);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->Get("APP_LISTEN"), "127.0.0.1:1");
}

}  // namespace
}  // namespace telegate
