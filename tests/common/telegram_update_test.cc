#include "common/telegram_update.h"

#include <string>

#include "gtest/gtest.h"

namespace telegate {
namespace {

TEST(ParseUpdateTest, MessageRoutesByChat) {
  absl::StatusOr<ParsedUpdate> u = ParseUpdate(
      R"({"update_id":7,"message":{"message_id":1,"chat":{"id":-100123},)"
      R"("from":{"id":5},"text":"hi"}})");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->update_id, 7);
  EXPECT_EQ(u->chat_key, "c:-100123");
}

TEST(ParseUpdateTest, CallbackAndInlineRouteByUser) {
  EXPECT_EQ(ParseUpdate(R"({"update_id":1,"callback_query":{"id":"q",)"
                        R"("from":{"id":42},"message":{"chat":{"id":9}}}})")
                ->chat_key,
            "u:42");
  EXPECT_EQ(ParseUpdate(R"({"update_id":2,"inline_query":{"id":"q",)"
                        R"("from":{"id":43},"query":""}})")
                ->chat_key,
            "u:43");
  EXPECT_EQ(ParseUpdate(R"({"update_id":3,"poll_answer":{"poll_id":"p",)"
                        R"("user":{"id":44}}})")
                ->chat_key,
            "u:44");
}

TEST(ParseUpdateTest, OtherUpdatesRouteByOwnId) {
  EXPECT_EQ(ParseUpdate(R"({"update_id":11,"poll":{"id":"p"}})")->chat_key,
            "x:11");
  EXPECT_EQ(ParseUpdate(R"({"update_id":12})")->chat_key, "x:12");
}

TEST(ParseUpdateTest, RejectsBadInputWithReason) {
  struct Case {
    const char* body;
    const char* reason;
  } cases[] = {
      {"", "body is not valid JSON"},
      {"{", "body is not valid JSON"},
      {"[1,2]", "update must be a JSON object"},
      {"\"x\"", "update must be a JSON object"},
      {"{}", "update_id is missing"},
      {R"({"update_id":"5"})", "update_id must be an integer"},
      {R"({"update_id":1.5})", "update_id must be an integer"},
      {R"({"update_id":-1})", "update_id must not be negative"},
      {R"({"update_id":9223372036854775808})", "update_id is out of range"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ParsedUpdate> u = ParseUpdate(c.body);
    ASSERT_FALSE(u.ok()) << c.body;
    EXPECT_EQ(u.status().message(), c.reason) << c.body;
  }
}

TEST(ParseUpdateTest, RejectsDeepNestingWithoutRecursing) {
  std::string deep = R"({"update_id":1,"a":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  absl::StatusOr<ParsedUpdate> u = ParseUpdate(deep);
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().message().find("nesting"), std::string::npos);
  // Brackets inside strings do not count.
  std::string quoted = R"({"update_id":1,"t":")" + std::string(1000, '[') +
                       R"("})";
  EXPECT_TRUE(ParseUpdate(quoted).ok());
}

TEST(ParseUpdateTest, LargestUpdateIdAccepted) {
  absl::StatusOr<ParsedUpdate> u =
      ParseUpdate(R"({"update_id":9223372036854775807})");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->update_id, INT64_MAX);
}

}  // namespace
}  // namespace telegate
