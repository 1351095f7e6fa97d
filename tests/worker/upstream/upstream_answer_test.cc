#include "worker/upstream/upstream_answer.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

http::HttpResponse Answered(int code, std::string body = "",
                            http::Headers headers = {}) {
  http::HttpResponse r;
  r.code = code;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(UpstreamAnswerTest, Table) {
  struct Row {
    std::string name;
    http::HttpResponse response;
    UpstreamVerdict verdict;
    size_t actions = 0;
    absl::Duration retry_after = absl::ZeroDuration();
    std::string reason_has;
  };
  http::HttpResponse refused;
  refused.status =
      absl::UnavailableError("connection refused to 127.0.0.1:9");
  std::vector<Row> rows = {
      {"200 empty: handled, no call", Answered(200), UpstreamVerdict::kHandled},
      {"204: handled", Answered(204), UpstreamVerdict::kHandled},
      {"200 not JSON: handled, no call", Answered(200, "ok"),
       UpstreamVerdict::kHandled},
      {"200 JSON without method: no call", Answered(200, R"({"ok":true})"),
       UpstreamVerdict::kHandled},
      {"200 webhook reply: one call",
       Answered(200, R"({"method":"sendMessage","chat_id":5,"text":"hi"})"),
       UpstreamVerdict::kHandled, 1},
      {"200 with an empty method: no call", Answered(200, R"({"method":""})"),
       UpstreamVerdict::kHandled},
      {"500: retry", Answered(500, "boom"), UpstreamVerdict::kRetry, 0,
       absl::ZeroDuration(), "HTTP 500: boom"},
      {"503 with Retry-After", Answered(503, "", {{"retry-after", "12"}}),
       UpstreamVerdict::kRetry, 0, absl::Seconds(12), "HTTP 503"},
      {"429 with an HTTP-date Retry-After: our backoff",
       Answered(429, "", {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}}),
       UpstreamVerdict::kRetry, 0, absl::ZeroDuration(), "HTTP 429"},
      {"408: retry", Answered(408), UpstreamVerdict::kRetry, 0,
       absl::ZeroDuration(), "HTTP 408"},
      {"no answer: retry, the failure named", refused, UpstreamVerdict::kRetry,
       0, absl::ZeroDuration(), "connection refused to 127.0.0.1:9"},
      {"400: refused", Answered(400, "bad update\nmore"),
       UpstreamVerdict::kRefused, 0, absl::ZeroDuration(),
       "HTTP 400: bad update"},
      {"422: refused", Answered(422), UpstreamVerdict::kRefused},
      {"401: misconfigured", Answered(401), UpstreamVerdict::kMisconfigured, 0,
       absl::ZeroDuration(), "TELEGATE_UPSTREAM_SECRET"},
      {"403: misconfigured", Answered(403), UpstreamVerdict::kMisconfigured},
      {"404: misconfigured", Answered(404), UpstreamVerdict::kMisconfigured, 0,
       absl::ZeroDuration(), "path"},
      {"302: misconfigured", Answered(302), UpstreamVerdict::kMisconfigured},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    UpstreamAnswer a = ReadUpstreamAnswer(row.response);
    EXPECT_EQ(a.verdict, row.verdict);
    EXPECT_EQ(a.actions.size(), row.actions);
    EXPECT_EQ(a.retry_after, row.retry_after);
    EXPECT_NE(a.reason.find(row.reason_has), std::string::npos) << a.reason;
    EXPECT_EQ(a.reason.find('\n'), std::string::npos);
  }
}

TEST(UpstreamAnswerTest, WebhookReplyKeepsEveryParameterButMethod) {
  UpstreamAnswer a = ReadUpstreamAnswer(Answered(
      200,
      R"({"method":"sendPhoto","chat_id":-100,"photo":"x","caption":"c"})"));
  ASSERT_EQ(a.actions.size(), 1u);
  EXPECT_EQ(a.actions[0].method, "sendPhoto");
  EXPECT_EQ(a.actions[0].params,
            (nlohmann::json{{"chat_id", -100}, {"photo", "x"}, {"caption", "c"}}));
}

}  // namespace
}  // namespace telegate::worker
