// ParseRoute and InterceptMethod as tables.
#include "worker/endpoint/routing.h"

#include <string>

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

TEST(RoutingTest, ParseRoute) {
  using Kind = Route::Kind;
  struct Case {
    std::string method, path;
    Kind kind;
    std::string token, target;
  };
  const Case cases[] = {
      {"POST", "/bot123:abc/sendMessage", Kind::kMethod, "123:abc",
       "sendMessage"},
      {"GET", "/bot123:abc/getMe", Kind::kMethod, "123:abc", "getMe"},
      {"GET", "/file/bot123:abc/photos/file_1.jpg", Kind::kFile, "123:abc",
       "photos/file_1.jpg"},
      {"POST", "/file/bot123:abc/photos/a.jpg", Kind::kUnknown, "", ""},
      {"PUT", "/bot123:abc/sendMessage", Kind::kUnknown, "", ""},
      {"POST", "/bot123:abc/", Kind::kUnknown, "", ""},
      {"POST", "/bot/sendMessage", Kind::kUnknown, "", ""},
      {"POST", "/bot123:abc", Kind::kUnknown, "", ""},
      {"POST", "/bot123:abc/send/Message", Kind::kUnknown, "", ""},
      {"GET", "/metrics", Kind::kUnknown, "", ""},
      {"GET", "/", Kind::kUnknown, "", ""},
  };
  for (const Case& c : cases) {
    Route route = ParseRoute(c.method, c.path);
    EXPECT_EQ(route.kind, c.kind) << c.method << " " << c.path;
    EXPECT_EQ(route.token, c.token) << c.path;
    EXPECT_EQ(route.target, c.target) << c.path;
  }
}

TEST(RoutingTest, InterceptMethodIgnoresCase) {
  struct Case {
    std::string method;
    Interception expected;
  };
  const Case cases[] = {
      {"sendMessage", Interception::kForward},
      {"getMe", Interception::kForward},
      {"setWebhook", Interception::kWebhookNoop},
      {"SETWEBHOOK", Interception::kWebhookNoop},
      {"deletewebhook", Interception::kWebhookNoop},
      {"getWebhookInfo", Interception::kWebhookInfo},
      {"getupdates", Interception::kGetUpdatesConflict},
      {"logOut", Interception::kRefused},
      {"close", Interception::kRefused},
      {"closeForumTopic", Interception::kForward},
      {"setWebhookX", Interception::kForward},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(InterceptMethod(c.method), c.expected) << c.method;
  }
}

}  // namespace
}  // namespace telegate::worker
