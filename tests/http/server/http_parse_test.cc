// ParseRequestBytes (the listener's Beast parser configuration as a pure
// function) and ConnectionRegistry (cap and eviction bookkeeping).
#include "http/server/http_parse.h"

#include <memory>
#include <random>
#include <string>

#include "http/server/connection_registry.h"
#include "gtest/gtest.h"

namespace telegate::http {
namespace {

constexpr size_t kHead = 1024;
constexpr size_t kBody = 64;

TEST(HttpParseTest, ParsesARequest) {
  auto request = ParseRequestBytes(
      "POST /hook?x=1 HTTP/1.1\r\nHost: a\r\nX-Telegram-Bot-Api-Secret-Token: "
      "s\r\nX-Dup: 1\r\nx-dup: 2\r\nContent-Length: 4\r\n\r\nbody",
      kHead, kBody);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->path, "/hook");
  EXPECT_EQ(request->query, "x=1");
  EXPECT_EQ(request->body, "body");
  ASSERT_NE(request->Header("x-telegram-bot-api-secret-token"), nullptr);
  EXPECT_EQ(*request->Header("x-telegram-bot-api-secret-token"), "s");
  EXPECT_EQ(*request->Header("x-dup"), "1, 2");
  EXPECT_EQ(request->Header("absent"), nullptr);
}

TEST(HttpParseTest, KeepsTheRawQueryString) {
  auto query = [](std::string_view target) {
    auto request = ParseRequestBytes(
        std::string("GET ") + std::string(target) + " HTTP/1.1\r\n\r\n", kHead,
        kBody);
    EXPECT_TRUE(request.ok()) << request.status();
    return request.ok() ? request->path + "|" + request->query : "";
  };
  EXPECT_EQ(query("/bot1:a/getUpdates?offset=5&timeout=0"),
            "/bot1:a/getUpdates|offset=5&timeout=0");
  EXPECT_EQ(query("/a?t=hi%20there+x&b=%2F"), "/a|t=hi%20there+x&b=%2F");
  EXPECT_EQ(query("/a"), "/a|");
  EXPECT_EQ(query("/a?"), "/a|");
  EXPECT_EQ(query("/a?x=1?y"), "/a|x=1?y");  // only the first '?' splits
}

TEST(HttpParseTest, ParsesChunkedBodies) {
  auto request = ParseRequestBytes(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
      kHead, kBody);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->body, "abcde");
}

TEST(HttpParseTest, ClassifiesErrors) {
  auto code = [](std::string_view raw) {
    return ParseRequestBytes(raw, kHead, kBody).status().code();
  };
  EXPECT_EQ(code("GARBAGE\r\n\r\n"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("POST / HTTP/1.1\r\nBad Header\r\n\r\n"),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n"),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(code("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "41\r\n" +
                 std::string(65, 'a') + "\r\n0\r\n\r\n"),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(
      code("POST / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n"),
      absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(code("POST / HTTP/1.1\r\nX: " + std::string(2000, 'a')),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(code("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab"),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(code("POST / HTTP/1.1\r\nHost: a\r\n"),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(code(""), absl::StatusCode::kOutOfRange);
  auto malformed = ParseRequestBytes("\x01\x02\r\n\r\n", kHead, kBody);
  EXPECT_EQ(malformed.status().message(), "malformed HTTP request");
}

TEST(HttpParseTest, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  const std::string seed =
      "POST /hook HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
      "Content-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  for (int i = 0; i < 5000; ++i) {
    std::string input = seed;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % input.size();
      switch (rng() % 3) {
        case 0:
          input[at] = static_cast<char>(rng());
          break;
        case 1:
          input.erase(at, 1 + rng() % 4);
          break;
        default:
          input.insert(at, 1, static_cast<char>(rng()));
          break;
      }
      if (input.empty()) input = "x";
    }
    (void)ParseRequestBytes(input, kHead, kBody);
  }
}

class FakeClosable : public Closable {
 public:
  void CloseSoon() override { ++closes; }
  void StopSoon() override {}
  int closes = 0;
};

TEST(ConnectionRegistryTest, EvictsTheLongestIdleAndRefusesWhenAllBusy) {
  std::atomic<int64_t> open{0};
  ConnectionRegistry registry(2, &open);
  auto a = std::make_shared<FakeClosable>();
  auto b = std::make_shared<FakeClosable>();
  auto c = std::make_shared<FakeClosable>();
  absl::Time t0 = absl::FromUnixSeconds(1000);
  auto ra = registry.Admit(a, t0);
  auto rb = registry.Admit(b, t0 + absl::Seconds(1));
  ASSERT_TRUE(ra.admitted && rb.admitted);
  registry.SetBusy(ra.id, true, t0);
  registry.SetBusy(ra.id, false, t0 + absl::Seconds(5));  // a: recent
  auto rc = registry.Admit(c, t0 + absl::Seconds(6));
  ASSERT_TRUE(rc.admitted);
  EXPECT_EQ(rc.evicted, b);
  EXPECT_EQ(open, 2);
  registry.SetBusy(ra.id, true, t0);
  registry.SetBusy(rc.id, true, t0);
  auto rd = registry.Admit(std::make_shared<FakeClosable>(), t0);
  EXPECT_FALSE(rd.admitted);
  EXPECT_TRUE(registry.Remove(ra.id));
  EXPECT_FALSE(registry.Remove(ra.id));
  EXPECT_FALSE(registry.Remove(rb.id));
  EXPECT_EQ(open, 1);
  EXPECT_FALSE(registry.AwaitEmpty(absl::Now()));
  registry.Remove(rc.id);
  EXPECT_TRUE(registry.AwaitEmpty(absl::Now() + absl::Seconds(1)));
}

}  // namespace
}  // namespace telegate::http
