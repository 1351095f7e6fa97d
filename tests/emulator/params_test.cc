#include "emulator/params.h"

#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

TEST(ParamsTest, QueryStringValuesStayStrings) {
  HttpParams in;
  in.query = "chat_id=-100&text=hello+world%21";
  auto out = ParamsToJson(in);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, json({{"chat_id", "-100"}, {"text", "hello world!"}}));
}

TEST(ParamsTest, FormBodyParsesJsonFieldsOnly) {
  HttpParams in;
  in.content_type = "application/x-www-form-urlencoded";
  in.body =
      "text=%5B1%5D&allowed_updates=%5B%22message%22%5D"
      "&reply_markup=%7B%22inline_keyboard%22%3A%5B%5D%7D&url=x";
  auto out = ParamsToJson(in);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["text"], "[1]");
  EXPECT_EQ((*out)["allowed_updates"], json::array({"message"}));
  EXPECT_EQ((*out)["reply_markup"], json({{"inline_keyboard", json::array()}}));
  EXPECT_EQ((*out)["url"], "x");
}

TEST(ParamsTest, JsonBodyWinsOverQuery) {
  HttpParams in;
  in.query = "chat_id=1&text=from-query";
  in.content_type = "application/json; charset=utf-8";
  in.body = R"({"chat_id":2,"parse_mode":"HTML"})";
  auto out = ParamsToJson(in);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["chat_id"], 2);
  EXPECT_EQ((*out)["text"], "from-query");
  EXPECT_EQ((*out)["parse_mode"], "HTML");
}

TEST(ParamsTest, MultipartFieldsAndFiles) {
  HttpParams in;
  in.content_type = "multipart/form-data; boundary=x";
  in.multipart = {{"chat_id", "7", "", ""},
                  {"photo", "12345", "cat.jpg", "image/jpeg"}};
  auto out = ParamsToJson(in);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["chat_id"], "7");
  EXPECT_EQ((*out)["photo"]["filename"], "cat.jpg");
  EXPECT_EQ((*out)["photo"]["size"], 5);
}

TEST(ParamsTest, RejectsMalformedJson) {
  HttpParams in;
  in.content_type = "application/json";
  in.body = "{";
  EXPECT_FALSE(ParamsToJson(in).ok());
  in.body = "[1,2]";
  EXPECT_FALSE(ParamsToJson(in).ok());
  in.body = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(ParamsToJson(in).ok());
  in.body = "";  // an empty JSON body is just "no parameters"
  EXPECT_TRUE(ParamsToJson(in).ok());
}

TEST(ParamsTest, ParsesMultipartFormData) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"chat_id\"\r\n\r\n"
      "42\r\n"
      "--XyZ\r\n"
      "content-disposition: form-data; name=\"document\"; "
      "filename=\"a b.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "line1\r\nline2\r\n"
      "--XyZ--\r\n";
  auto parts = ParseMultipart("multipart/form-data; Boundary=\"XyZ\"", body);
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "chat_id");
  EXPECT_EQ((*parts)[0].content, "42");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[1].name, "document");
  EXPECT_EQ((*parts)[1].filename, "a b.txt");
  EXPECT_EQ((*parts)[1].content_type, "text/plain");
  EXPECT_EQ((*parts)[1].content, "line1\r\nline2");

  EXPECT_FALSE(ParseMultipart("multipart/form-data", body).ok());
  EXPECT_FALSE(ParseMultipart("multipart/form-data; boundary=xyz", body).ok());
  EXPECT_FALSE(
      ParseMultipart("multipart/form-data; boundary=XyZ", "--XyZ\r\nx").ok());
}

TEST(ParamsTest, RepeatedNamesKeepTheLastAndNamelessPairsAreIgnored) {
  HttpParams in;
  in.query = "offset=1&=x&offset=2&limit&bad=%zz";
  auto out = ParamsToJson(in);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, json({{"offset", "2"}, {"limit", ""}, {"bad", "%zz"}}));
}

}  // namespace
}  // namespace telegate::emulator
