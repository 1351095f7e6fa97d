#include "common/telegram_update.h"

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace telegate {
namespace {

// The reason ParseUpdate gives for `body`, or "ok".
std::string ReasonFor(std::string_view body) {
  absl::StatusOr<ParsedUpdate> u = ParseUpdate(body);
  if (u.ok()) return "ok";
  EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument) << body;
  EXPECT_EQ(u.status().message().find('\n'), std::string::npos) << body;
  return std::string(u.status().message());
}

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
      {R"({"update_id":-1})", "update_id must be positive"},
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
  std::string quoted =
      R"({"update_id":1,"t":")" + std::string(1000, '[') + R"("})";
  EXPECT_TRUE(ParseUpdate(quoted).ok());
}

TEST(ParseUpdateTest, LargestUpdateIdAccepted) {
  // 2^53-1: the Bot API's identifiers have at most 52 significant bits.
  absl::StatusOr<ParsedUpdate> u =
      ParseUpdate(R"({"update_id":9007199254740991})");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->update_id, kMaxUpdateId);
  EXPECT_EQ(u->update_id, 9007199254740991);
  EXPECT_EQ(u->chat_key, "x:9007199254740991");
}

TEST(ParseUpdateTest, UpdateIdBeyondTwoToThe53Refused) {
  // Not exact in most JSON consumers (doubles); Telegram never sends one.
  EXPECT_EQ(ReasonFor(R"({"update_id":9007199254740992})"),
            "update_id is out of range");
  EXPECT_EQ(ReasonFor(R"({"update_id":9007199254740993})"),
            "update_id is out of range");
  EXPECT_EQ(ReasonFor(R"({"update_id":9223372036854775807})"),
            "update_id is out of range");
}

TEST(ParseUpdateTest, RepeatedKeysCountWithTheirLastValue) {
  // As a DOM parser would keep them.
  EXPECT_EQ(ParseUpdate(R"({"update_id":"x","update_id":5})")->update_id, 5);
  EXPECT_EQ(ReasonFor(R"({"update_id":5,"update_id":"x"})"),
            "update_id must be an integer");
  EXPECT_EQ(ReasonFor(R"({"update_id":5,"update_id":{"a":1}})"),
            "update_id must be an integer");
  EXPECT_EQ(ParseUpdate(R"({"update_id":1,"message":{"chat":{"id":7}},)"
                        R"("message":{"text":"t"}})")
                ->chat_key,
            "x:1");
  EXPECT_EQ(ParseUpdate(R"({"update_id":1,"message":{"chat":{"id":7},)"
                        R"("chat":{"id":8}}})")
                ->chat_key,
            "c:8");
  EXPECT_EQ(ParseUpdate(R"({"update_id":1,"message":{"chat":{"id":7,)"
                        R"("id":"s"}}})")
                ->chat_key,
            "x:1");
  EXPECT_EQ(ParseUpdate(R"({"update_id":1,"message":[],)"
                        R"("message":{"chat":{"id":9}}})")
                ->chat_key,
            "c:9");
}

TEST(ParseUpdateTest, IdsOutsideTheirPlaceDoNotRoute) {
  // Only update.<field>.<holder>.id counts, not ids deeper or elsewhere.
  EXPECT_EQ(ParseUpdate(R"({"update_id":2,"chat":{"id":5}})")->chat_key,
            "x:2");
  EXPECT_EQ(ParseUpdate(R"({"update_id":2,"message":{"reply":)"
                        R"({"chat":{"id":5}}}})")
                ->chat_key,
            "x:2");
  EXPECT_EQ(ParseUpdate(R"({"update_id":2,"message":{"chat":{"x":)"
                        R"({"id":5}}}})")
                ->chat_key,
            "x:2");
  EXPECT_EQ(ParseUpdate(R"({"update_id":2,"x":{"message":{"chat":)"
                        R"({"id":5}}}})")
                ->chat_key,
            "x:2");
  EXPECT_EQ(ParseUpdate(R"({"update_id":2,"message":{"from":{"id":5}}})")
                ->chat_key,
            "x:2");
}

TEST(ParseUpdateTest, MalformedJson) {
  EXPECT_EQ(ReasonFor(""), "body is not valid JSON");
  EXPECT_EQ(ReasonFor("   "), "body is not valid JSON");
  EXPECT_EQ(ReasonFor(R"({"update_id":1)"), "body is not valid JSON");
  EXPECT_EQ(ReasonFor(R"({"update_id":1}})"), "body is not valid JSON");
  EXPECT_EQ(ReasonFor(R"({"update_id":1} x)"), "body is not valid JSON");
  EXPECT_EQ(ReasonFor(R"({update_id:1})"), "body is not valid JSON");
  EXPECT_EQ(ReasonFor(R"({"update_id":1,})"), "body is not valid JSON");
  EXPECT_EQ(ReasonFor(R"({"update_id":01})"), "body is not valid JSON");
  EXPECT_EQ(ReasonFor("{\"update_id\":1 /* c */}"), "body is not valid JSON");
  EXPECT_EQ(ReasonFor("]]]]"), "body is not valid JSON");
  // A raw control character inside a string.
  EXPECT_EQ(ReasonFor("{\"update_id\":1,\"t\":\"a\x01\"}"),
            "body is not valid JSON");
}

TEST(ParseUpdateTest, NulByteRefused) {
  // nlohmann stops reading at a NUL byte and would accept what precedes it,
  // letting arbitrary bytes ride along after a valid update.
  using std::string_literals::operator""s;
  EXPECT_EQ(ReasonFor("{\"update_id\":1}\0"s), "body is not valid JSON");
  EXPECT_EQ(ReasonFor("{\"update_id\":1}\0[[[{\xff"s),
            "body is not valid JSON");
  EXPECT_EQ(ReasonFor("{\"update_id\":1,\"t\":\"\0\"}"s),
            "body is not valid JSON");
}

TEST(ParseUpdateTest, NonObjectJson) {
  for (const char* body : {"[]", "[1,2]", R"("x")", "5", "-1.5", "null", "true",
                           "false", R"([{"update_id":1}])"}) {
    EXPECT_EQ(ReasonFor(body), "update must be a JSON object") << body;
  }
}

TEST(ParseUpdateTest, MissingUpdateId) {
  EXPECT_EQ(ReasonFor("{}"), "update_id is missing");
  EXPECT_EQ(ReasonFor(R"({"Update_id":1})"), "update_id is missing");
  EXPECT_EQ(ReasonFor(R"({"message":{"update_id":1}})"),
            "update_id is missing");
}

TEST(ParseUpdateTest, NonIntegerUpdateId) {
  for (const char* body : {R"({"update_id":"5"})", R"({"update_id":1.5})",
                           R"({"update_id":1e3})", R"({"update_id":1.0})",
                           R"({"update_id":true})", R"({"update_id":null})",
                           R"({"update_id":[1]})", R"({"update_id":{"v":1}})",
                           R"({"update_id":1e30})", R"({"update_id":-0.0})"}) {
    EXPECT_EQ(ReasonFor(body), "update_id must be an integer") << body;
  }
}

TEST(ParseUpdateTest, NegativeUpdateId) {
  EXPECT_EQ(ReasonFor(R"({"update_id":-1})"), "update_id must be positive");
  EXPECT_EQ(ReasonFor(R"({"update_id":-9223372036854775808})"),
            "update_id must be positive");
}

TEST(ParseUpdateTest, ZeroUpdateIdRefused) {
  // Telegram's update identifiers are positive; 0 is our "unset" value.
  EXPECT_EQ(ReasonFor(R"({"update_id":0})"), "update_id must be positive");
  EXPECT_EQ(ReasonFor(R"({"update_id":-0})"), "update_id must be positive");
  EXPECT_EQ(ReasonFor(R"({"update_id":1})"), "ok");
}

TEST(ParseUpdateTest, UpdateIdAboveInt64Max) {
  // nlohmann keeps 2^63 .. 2^64-1 as unsigned, larger ones as doubles.
  EXPECT_EQ(ReasonFor(R"({"update_id":9223372036854775808})"),
            "update_id is out of range");
  EXPECT_EQ(ReasonFor(R"({"update_id":18446744073709551615})"),
            "update_id is out of range");
  EXPECT_EQ(ReasonFor(R"({"update_id":18446744073709551616})"),
            "update_id must be an integer");
  EXPECT_EQ(ReasonFor(R"({"update_id":-9223372036854775809})"),
            "update_id must be an integer");
  EXPECT_EQ(ReasonFor(R"({"update_id":)" + std::string(30, '9') + "}"),
            "update_id must be an integer");
  // Beyond a double's range nlohmann refuses the number itself.
  EXPECT_EQ(ReasonFor(R"({"update_id":1e400})"), "JSON number out of range");
  EXPECT_EQ(ReasonFor(R"({"update_id":)" + std::string(400, '9') + "}"),
            "JSON number out of range");
  EXPECT_EQ(ReasonFor(R"({"update_id":)" + std::string(400, '9') + ".5e9999}"),
            "JSON number out of range");
}

TEST(ParseUpdateTest, NestingLimitIsExact) {
  auto nested = [](int depth) {
    return R"({"update_id":1,"a":)" + std::string(depth - 1, '[') +
           std::string(depth - 1, ']') + "}";
  };
  EXPECT_EQ(ReasonFor(nested(kMaxJsonDepth)), "ok");
  EXPECT_EQ(ReasonFor(nested(kMaxJsonDepth + 1)),
            "JSON nesting deeper than 64");
}

TEST(ParseUpdateTest, MegabyteOfOpenBracketsRefusedCheaply) {
  // Would overflow a recursive parser or destructor; refused by the pre-scan.
  EXPECT_EQ(ReasonFor(std::string(1 << 20, '[')),
            "JSON nesting deeper than 64");
  EXPECT_EQ(ReasonFor(std::string(1 << 20, '{')),
            "JSON nesting deeper than 64");
  std::string objects;
  for (int i = 0; i < 200000; ++i) objects += R"({"a":)";
  EXPECT_EQ(ReasonFor(objects), "JSON nesting deeper than 64");
}

TEST(ParseUpdateTest, EscapedQuotesDoNotHideNesting) {
  // \" inside a string does not end it; \\" does.
  std::string deep = std::string(100, '[');
  EXPECT_EQ(ReasonFor(R"({"update_id":1,"t":"\"[[",)" + deep),
            "JSON nesting deeper than 64");
  EXPECT_EQ(ReasonFor(R"({"update_id":1,"t":"\\",)" + deep),
            "JSON nesting deeper than 64");
  EXPECT_EQ(ReasonFor(R"({"update_id":1,"t":"\"[[\\"})"), "ok");
}

TEST(ParseUpdateTest, InvalidUtf8InStringRefused) {
  EXPECT_EQ(ReasonFor("{\"update_id\":1,\"t\":\"\xff\"}"),
            "invalid UTF-8 in JSON string");
  // Overlong "/", a lone continuation byte, a truncated sequence, an encoded
  // surrogate and a code point above U+10FFFF.
  for (const char* bad :
       {"\xc0\xaf", "\x80", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    EXPECT_EQ(ReasonFor(absl::StrCat(R"({"update_id":1,"message":{"text":")",
                                     bad, R"("}})")),
              "invalid UTF-8 in JSON string");
  }
  // In a key too.
  EXPECT_EQ(ReasonFor("{\"\xfe\":1,\"update_id\":1}"),
            "invalid UTF-8 in JSON string");
  // Well-formed multi-byte text is fine.
  EXPECT_EQ(ReasonFor("{\"update_id\":1,\"t\":\"\xd0\xbf\xf0\x9f\x98\x80\"}"),
            "ok");
}

TEST(ParseUpdateTest, UnpairedSurrogateEscapeRefused) {
  EXPECT_EQ(ReasonFor(R"({"update_id":1,"t":"\ud800"})"),
            "unpaired surrogate escape in JSON string");
  EXPECT_EQ(ReasonFor(R"({"update_id":1,"t":"\udc00"})"),
            "unpaired surrogate escape in JSON string");
  EXPECT_EQ(ReasonFor(R"({"update_id":1,"t":"\ud83d\ude00"})"), "ok");
}

TEST(ChatKeyOfTest, NonIntegerIdsFallBackToUpdateId) {
  for (const char* id :
       {R"("5")", "5.5", "1e3", "true", "null", "9223372036854775808",
        "18446744073709551616", "[5]", "{}"}) {
    std::string chat =
        absl::StrCat(R"({"update_id":9,"message":{"chat":{"id":)", id, "}}}");
    EXPECT_EQ(ParseUpdate(chat)->chat_key, "x:9") << chat;
    std::string from = absl::StrCat(
        R"({"update_id":9,"callback_query":{"from":{"id":)", id, "}}}");
    EXPECT_EQ(ParseUpdate(from)->chat_key, "x:9") << from;
    std::string user = absl::StrCat(
        R"({"update_id":9,"poll_answer":{"user":{"id":)", id, "}}}");
    EXPECT_EQ(ParseUpdate(user)->chat_key, "x:9") << user;
  }
}

TEST(ChatKeyOfTest, WrongShapesFallBackToUpdateId) {
  for (const char* body :
       {R"({"update_id":9,"message":5})", R"({"update_id":9,"message":[]})",
        R"({"update_id":9,"message":{"chat":"c"}})",
        R"({"update_id":9,"message":{"chat":[{"id":1}]}})",
        R"({"update_id":9,"callback_query":{"from":null}})"}) {
    EXPECT_EQ(ParseUpdate(body)->chat_key, "x:9") << body;
  }
}

TEST(ChatKeyOfTest, AnyJsonValueIsSafe) {
  for (const char* text : {"null", "[]", "[1]", "5", R"("s")", "{}", "",
                           "{", "[[[", R"([{"message":{"chat":{"id":1}}}])"}) {
    EXPECT_EQ(ChatKeyOf(text, 3), "x:3") << text;
  }
  EXPECT_EQ(ChatKeyOf(R"({"message":{"chat":{"id":1}}})", 3), "c:1");
}

TEST(ChatKeyOfTest, ExtremeIntegerIds) {
  EXPECT_EQ(ParseUpdate(R"({"update_id":1,"message":{"chat":{"id":)"
                        R"(-9223372036854775808}}})")
                ->chat_key,
            "c:-9223372036854775808");
  EXPECT_EQ(ParseUpdate(R"({"update_id":1,"message":{"chat":{"id":)"
                        R"(9223372036854775807}}})")
                ->chat_key,
            "c:9223372036854775807");
}

TEST(ChatKeyOfTest, AnonymousPollAnswerRoutesByVoterChat) {
  EXPECT_EQ(ParseUpdate(R"({"update_id":4,"poll_answer":{"poll_id":"p",)"
                        R"("voter_chat":{"id":-1001},"option_ids":[0]}})")
                ->chat_key,
            "c:-1001");
}

}  // namespace
}  // namespace telegate
