#include "emulator/fault.h"

#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

TEST(FaultTest, FillsDefaults) {
  auto faults = ParseFaults({{"method", "sendMessage"}, {"error_code", 429}});
  ASSERT_TRUE(faults.ok()) << faults.status();
  ASSERT_EQ(faults->size(), 1u);
  const Fault& f = (*faults)[0];
  EXPECT_EQ(f.count, 1);
  EXPECT_EQ(f.retry_after, 1);
  EXPECT_EQ(f.description, "Too Many Requests: retry after 1");
  EXPECT_EQ(FaultErrorBody(f)["parameters"]["retry_after"], 1);
  auto internal = ParseFaults({{"method", "getMe"}, {"error_code", 500}});
  EXPECT_EQ((*internal)[0].description, "Internal Server Error");
  EXPECT_FALSE(FaultErrorBody((*internal)[0]).contains("parameters"));
}

TEST(FaultTest, RejectsBadFaults) {
  EXPECT_FALSE(ParseFaults({{"error_code", 500}}).ok());  // no method
  EXPECT_FALSE(ParseFaults({{"method", "getMe"}}).ok());  // does nothing
  EXPECT_FALSE(ParseFaults({{"method", "getMe"}, {"error_code", 200}}).ok());
  EXPECT_FALSE(
      ParseFaults({{"method", "getMe"}, {"error_code", 500}, {"count", 0}})
          .ok());
  EXPECT_FALSE(
      ParseFaults({{"method", "getMe"}, {"delay_ms", 10}, {"chat_id", "abc"}})
          .ok());
  // One bad entry rejects the whole list.
  EXPECT_FALSE(ParseFaults({{"faults",
                             {{{"method", "getMe"}, {"error_code", 500}},
                              {{"method", ""}, {"error_code", 500}}}}})
                   .ok());
}

TEST(FaultTest, MatchesMethodAndOptionalChat) {
  auto faults = ParseFaults(
      {{"method", "sendMessage"}, {"error_code", 403}, {"chat_id", -5}});
  ASSERT_TRUE(faults.ok());
  const Fault& f = (*faults)[0];
  EXPECT_TRUE(FaultMatches(f, "sendMessage", -5));
  EXPECT_TRUE(FaultMatches(f, "sendmessage", -5));
  EXPECT_FALSE(FaultMatches(f, "sendMessage", 5));
  EXPECT_FALSE(FaultMatches(f, "sendMessage", std::nullopt));
  EXPECT_FALSE(FaultMatches(f, "getMe", -5));
}

}  // namespace
}  // namespace telegate::emulator
