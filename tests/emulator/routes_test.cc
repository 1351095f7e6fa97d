#include "emulator/routes.h"

#include <memory>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr char kToken[] = "321:routes-test";

// Collects the one answer of a request; thread-safe.
class Answer {
 public:
  http::Respond Callback() {
    return http::Respond([this](http::Response a) {
      absl::MutexLock lock(&mu_);
      EXPECT_FALSE(answer_.has_value()) << "answered twice";
      answer_ = std::move(a);
    });
  }
  bool answered() {
    absl::MutexLock lock(&mu_);
    return answer_.has_value();
  }
  // Waits (generous deadline) for the answer.
  http::Response Get() {
    absl::MutexLock lock(&mu_);
    auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return answer_.has_value();
    };
    EXPECT_TRUE(mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(30)));
    return answer_.value_or(http::Response{0, ""});
  }
  json Body() { return json::parse(Get().body, nullptr, false); }

 private:
  absl::Mutex mu_;
  std::optional<http::Response> answer_ ABSL_GUARDED_BY(mu_);
};

class RoutesTest : public ::testing::Test {
 protected:
  RoutesTest() : api_(Options()), sender_(&api_), control_(&api_, &sender_, &stats_) {}
  static BotApiOptions Options() {
    BotApiOptions options;
    options.token = kToken;
    return options;
  }
  // As the listener hands it over: path and raw query apart.
  static http::Request Request(std::string method, std::string target,
                               std::string body = "") {
    http::Request r;
    r.method = std::move(method);
    const size_t question = target.find('?');
    if (question != std::string::npos) r.query = target.substr(question + 1);
    r.path = target.substr(0, question);
    r.body = std::move(body);
    if (!r.body.empty()) r.headers["content-type"] = "application/json";
    return r;
  }
  static std::string Bot(const std::string& method) {
    return std::string("/bot") + kToken + "/" + method;
  }
  void Handle(http::Request request, Answer* answer) {
    routes_.Handle(std::move(request), answer->Callback());
  }

  BotApi api_;
  WebhookSender sender_;
  CallStats stats_;
  ControlApi control_;
  EmulatorRoutes routes_{&api_, &control_, &stats_, 2};
};

TEST_F(RoutesTest, UndelayedAnswersComeAtOnce) {
  Answer me;
  Handle(Request("GET", Bot("getMe")), &me);
  ASSERT_TRUE(me.answered());  // no delay: answered inside Handle
  EXPECT_EQ(me.Get().status, 200);
  EXPECT_EQ(me.Body()["result"]["id"], 321);

  Answer query;
  Handle(Request("GET", Bot("sendMessage?chat_id=5&text=hi%20there")), &query);
  EXPECT_EQ(query.Body()["result"]["text"], "hi there");

  Answer unknown, no_method, other, wrong_verb;
  Handle(Request("GET", Bot("fly")), &unknown);
  Handle(Request("GET", std::string("/bot") + kToken + "/"), &no_method);
  Handle(Request("GET", "/nowhere"), &other);
  Handle(Request("PUT", "/_emulator/faults"), &wrong_verb);
  EXPECT_EQ(unknown.Get().status, 404);
  EXPECT_EQ(unknown.Body()["error_code"], 404);
  EXPECT_EQ(no_method.Get().status, 404);
  EXPECT_EQ(no_method.Body()["ok"], false);
  EXPECT_EQ(other.Body(), json({{"error", "HTTP 404"}}));
  EXPECT_EQ(wrong_verb.Get().status, 404);

  Answer stats;
  Handle(Request("GET", "/_emulator/stats"), &stats);
  EXPECT_EQ(stats.Body()["received"], 3);  // getMe, sendMessage, fly
  EXPECT_EQ(stats.Body()["waiting"], 0);
}

TEST_F(RoutesTest, LatencyHoldsTheAnswerUntilDueOrStop) {
  Answer set, get;
  Handle(Request("POST", "/_emulator/latency", R"({"ms":3600000})"), &set);
  EXPECT_EQ(set.Get().status, 400);  // above the maximum
  Answer set_ok;
  Handle(Request("POST", "/_emulator/latency", R"({"ms":120000})"), &set_ok);
  EXPECT_EQ(set_ok.Body(), json({{"ok", true}}));
  Handle(Request("GET", "/_emulator/latency"), &get);
  EXPECT_EQ(get.Body(), json({{"ms", 120000}, {"jitter_ms", 0}}));

  Answer slow[3];
  for (Answer& a : slow) Handle(Request("GET", Bot("getMe")), &a);
  for (Answer& a : slow) EXPECT_FALSE(a.answered());
  EXPECT_EQ(stats_.waiting.load(), 3);
  EXPECT_EQ(stats_.peak_waiting.load(), 3);
  // The call is recorded before it waits.
  EXPECT_EQ(api_.Calls("getMe", 0).size(), 3u);

  routes_.Stop();
  for (Answer& a : slow) EXPECT_EQ(a.Get().status, 200);
  EXPECT_EQ(stats_.waiting.load(), 0);
  EXPECT_EQ(stats_.answered.load(), 3);
  // After Stop nothing waits.
  Answer late;
  Handle(Request("GET", Bot("getMe")), &late);
  EXPECT_TRUE(late.answered());
}

TEST_F(RoutesTest, LongPollWaitsOffTheCallerUntilAnUpdateArrives) {
  Answer poll;
  Handle(Request("GET", Bot("getUpdates?timeout=50")), &poll);
  EXPECT_FALSE(poll.answered());  // Handle returned; the pool waits
  Answer queued;
  Handle(Request("POST", "/_emulator/updates",
                 R"({"chat_id":1,"text":"wake"})"),
         &queued);
  EXPECT_EQ(queued.Body()["queued"], true);
  json got = poll.Body();
  ASSERT_EQ(got["result"].size(), 1u);
  EXPECT_EQ(got["result"][0]["message"]["text"], "wake");
}

TEST_F(RoutesTest, StopEndsLongPollsAndRefusesWebhookPosts) {
  Answer poll;
  Handle(Request("POST", Bot("getUpdates"), R"({"timeout":50})"), &poll);
  routes_.Stop();
  EXPECT_EQ(poll.Get().status, 200);
  Answer after_poll, after_update;
  Handle(Request("GET", Bot("getUpdates?timeout=50")), &after_poll);
  EXPECT_TRUE(after_poll.answered());
  Handle(Request("POST", "/_emulator/updates", R"({"chat_id":1,"text":"x"})"),
         &after_update);
  EXPECT_EQ(after_update.Get().status, 503);
}

}  // namespace
}  // namespace telegate::emulator
