#include "common/log.h"

#include "gtest/gtest.h"

namespace telegate::log {
namespace {

TEST(LogTest, RedactsRegisteredSecrets) {
  RegisterSecret("123:SECRET-token");
  EXPECT_EQ(Redact("GET /bot123:SECRET-token/getMe failed"),
            "GET /bot[redacted]/getMe failed");
  EXPECT_EQ(Redact("nothing here"), "nothing here");
}

TEST(LogTest, WritesOneJsonLineWithoutSecrets) {
  RegisterSecret("hunter2-secret");
  testing::internal::CaptureStderr();
  Info("test", "event_name", {{"value", 3}, {"url", "x/hunter2-secret/y"}});
  std::string out = testing::internal::GetCapturedStderr();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  nlohmann::json line = nlohmann::json::parse(out);
  EXPECT_EQ(line["event"], "event_name");
  EXPECT_EQ(line["component"], "test");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["value"], 3);
  EXPECT_EQ(out.find("hunter2-secret"), std::string::npos);
}

TEST(LogTest, LevelFilters) {
  SetLevel(Level::kWarn);
  testing::internal::CaptureStderr();
  Info("test", "dropped");
  std::string out = testing::internal::GetCapturedStderr();
  SetLevel(Level::kInfo);
  EXPECT_TRUE(out.empty());
  Level level;
  EXPECT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_FALSE(ParseLevel("loud", &level));
}

}  // namespace
}  // namespace telegate::log
