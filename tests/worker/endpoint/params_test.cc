// ParseCallParams for JSON, form, query and multipart bodies; ChatKey;
// MultipartField; the url-encoded parser.
#include "worker/endpoint/params.h"

#include <string>

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

using nlohmann::json;

TEST(ParamsTest, JsonBody) {
  auto params = ParseCallParams("application/json; charset=utf-8",
                                R"({"chat_id":42,"text":"hi"})", "");
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_FALSE(params->raw);
  EXPECT_EQ(params->json, json({{"chat_id", 42}, {"text", "hi"}}));
  EXPECT_EQ(params->chat_key, "42");
}

TEST(ParamsTest, FormBodyAndQueryMerge) {
  auto params = ParseCallParams("application/x-www-form-urlencoded",
                                "chat_id=%40MyChannel&text=a+b%26c",
                                "text=from+query&parse_mode=HTML");
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_EQ(params->json, json({{"chat_id", "@MyChannel"},
                                {"text", "a b&c"},
                                {"parse_mode", "HTML"}}));
  EXPECT_EQ(params->chat_key, "@mychannel");
}

TEST(ParamsTest, QueryOnly) {
  auto params = ParseCallParams("", "", "chat_id=-100123&offset=5");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->json, json({{"chat_id", "-100123"}, {"offset", "5"}}));
  EXPECT_EQ(params->chat_key, "-100123");
}

TEST(ParamsTest, NoParamsHasNoChat) {
  auto params = ParseCallParams("", "", "");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->json, json::object());
  EXPECT_EQ(params->chat_key, "");
}

TEST(ParamsTest, UntypedBodyIsJsonWhenItLooksLikeJson) {
  auto as_json = ParseCallParams("", R"({"chat_id":"7"})", "");
  ASSERT_TRUE(as_json.ok());
  EXPECT_EQ(as_json->chat_key, "7");
  auto as_form = ParseCallParams("text/plain", "chat_id=8", "");
  ASSERT_TRUE(as_form.ok());
  EXPECT_EQ(as_form->chat_key, "8");
}

TEST(ParamsTest, BadJsonIsInvalidArgument) {
  auto malformed = ParseCallParams("application/json", "{\"chat_id\":", "");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(malformed.status().message(), "malformed JSON body");
  auto array = ParseCallParams("application/json", "[1,2]", "");
  EXPECT_EQ(array.status().message(), "JSON body is not an object");
}

TEST(ParamsTest, MultipartIsPassedThroughWithItsChat) {
  const std::string type = "multipart/form-data; boundary=XyZ";
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"document\"; "
      "filename=\"chat_id\"\r\nContent-Type: text/plain\r\n\r\nfile "
      "bytes\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n"
      "42\r\n--XyZ--\r\n";
  auto params = ParseCallParams(type, body, "ignored=1");
  ASSERT_TRUE(params.ok());
  EXPECT_TRUE(params->raw);
  EXPECT_EQ(params->content_type, type);
  EXPECT_EQ(params->body, body);
  EXPECT_EQ(params->chat_key, "42");
}

TEST(ParamsTest, MultipartField) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n"
      "x\r\n--b\r\ncontent-disposition: form-data; name=chat_id\r\n\r\n"
      "@Chan\r\n--b--\r\n";
  EXPECT_EQ(
      MultipartField("multipart/form-data; boundary=\"b\"", body, "chat_id"),
      "@Chan");
  EXPECT_EQ(MultipartField("multipart/form-data; boundary=b", body, "caption"),
            "x");
  EXPECT_EQ(MultipartField("multipart/form-data; boundary=b", body, "text"),
            "");
  EXPECT_EQ(MultipartField("multipart/form-data", body, "chat_id"), "");
  EXPECT_EQ(MultipartField("multipart/form-data; boundary=b", "--b\r\ntrunc",
                           "chat_id"),
            "");
  // A file part named chat_id is not a plain field.
  const std::string file =
      "--b\r\nContent-Disposition: form-data; name=\"chat_id\"; "
      "filename=\"a\"\r\n\r\n1\r\n--b--\r\n";
  EXPECT_EQ(MultipartField("multipart/form-data; boundary=b", file, "chat_id"),
            "");
}

TEST(ParamsTest, ChatKey) {
  EXPECT_EQ(ChatKey(json(42)), "42");
  EXPECT_EQ(ChatKey(json(-1001234567890)), "-1001234567890");
  EXPECT_EQ(ChatKey(json("42")), "42");
  EXPECT_EQ(ChatKey(json(" 42 ")), "42");
  EXPECT_EQ(ChatKey(json("@MyChannel")), "@mychannel");
  EXPECT_EQ(ChatKey(json("")), "");
  EXPECT_EQ(ChatKey(json(nullptr)), "");
  EXPECT_EQ(ChatKey(json::array()), "");
  EXPECT_EQ(ChatKey(json(1.5)), "");
}

}  // namespace
}  // namespace telegate::worker
