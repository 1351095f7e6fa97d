// getUpdates in BotApi: the queue used while no webhook is set, offset
// confirmation, limit, long polling, allowed_updates, the conflict with an
// active webhook and drop_pending_updates.
#include <future>
#include <vector>

#include "absl/time/clock.h"
#include "emulator/bot_api.h"
#include "gtest/gtest.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr char kToken[] = "4242:test-token";

BotApiOptions Options() {
  BotApiOptions options;
  options.token = kToken;
  options.clock = [] { return absl::FromUnixSeconds(1700000000); };
  return options;
}

// Queues `n` text messages from chat 7; returns their update_ids.
std::vector<int64_t> Queue(BotApi& api, int n) {
  std::vector<int64_t> ids;
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<json> u = api.MakeUpdate({{"chat_id", 7}, {"text", "hi"}});
    EXPECT_TRUE(u.ok());
    ids.push_back((*u)["update_id"].get<int64_t>());
    EXPECT_TRUE(api.QueueUpdate(*u));
  }
  return ids;
}

std::vector<int64_t> Ids(const Response& r) {
  std::vector<int64_t> ids;
  for (const json& u : r.body["result"]) ids.push_back(u["update_id"]);
  return ids;
}

json Info(BotApi& api) {
  return api.Call(kToken, "getWebhookInfo", json::object()).body["result"];
}

TEST(GetUpdatesTest, OffsetConfirmsEarlierUpdates) {
  BotApi api(Options());
  std::vector<int64_t> ids = Queue(api, 3);
  Response all = api.Call(kToken, "getUpdates", json::object());
  EXPECT_EQ(all.http_status, 200);
  EXPECT_EQ(Ids(all), ids);
  // Not confirmed yet: served again.
  EXPECT_EQ(Ids(api.Call(kToken, "getUpdates", json::object())), ids);
  EXPECT_EQ(Info(api)["pending_update_count"], 3);
  Response rest = api.Call(kToken, "getUpdates", {{"offset", ids[1]}});
  EXPECT_EQ(Ids(rest), (std::vector<int64_t>{ids[1], ids[2]}));
  EXPECT_EQ(Info(api)["pending_update_count"], 2);
  // Form values arrive as strings.
  Response none =
      api.Call(kToken, "getUpdates", {{"offset", std::to_string(ids[2] + 1)}});
  EXPECT_TRUE(none.body["result"].empty());
  EXPECT_EQ(api.PendingUpdateCount(), 0u);
}

TEST(GetUpdatesTest, LimitIsClampedAndNegativeOffsetCountsFromTheEnd) {
  BotApi api(Options());
  std::vector<int64_t> ids = Queue(api, 5);
  EXPECT_EQ(Ids(api.Call(kToken, "getUpdates", {{"limit", 2}})).size(), 2u);
  EXPECT_EQ(Ids(api.Call(kToken, "getUpdates", {{"limit", 0}})).size(), 1u);
  EXPECT_EQ(Ids(api.Call(kToken, "getUpdates", {{"limit", 500}})).size(), 5u);
  Response last = api.Call(kToken, "getUpdates", {{"offset", -2}});
  EXPECT_EQ(Ids(last), (std::vector<int64_t>{ids[3], ids[4]}));
  EXPECT_EQ(api.PendingUpdateCount(), 2u);  // the others are forgotten
}

TEST(GetUpdatesTest, ConflictWhileAWebhookIsSet) {
  BotApi api(Options());
  ASSERT_EQ(api.Call(kToken, "setWebhook", {{"url", "https://example.org/h"}})
                .http_status,
            200);
  Response r = api.Call(kToken, "getUpdates", json::object());
  EXPECT_EQ(r.http_status, 409);
  EXPECT_EQ(r.body, json::parse(R"({"ok":false,"error_code":409,
      "description":"Conflict: can't use getUpdates method while webhook is )"
                                R"(active; use deleteWebhook to delete the )"
                                R"(webhook first"})"));
  api.Call(kToken, "deleteWebhook", json::object());
  EXPECT_EQ(api.Call(kToken, "getUpdates", json::object()).http_status, 200);
}

TEST(GetUpdatesTest, AllowedUpdatesFilterNewUpdates) {
  BotApi api(Options());
  json member = {{"update_id", 50}, {"chat_member", json::object()}};
  EXPECT_FALSE(api.IsAllowed(member));  // off by default, as in Telegram
  EXPECT_TRUE(api.IsAllowed({{"update_id", 51}, {"message", json::object()}}));
  Response r = api.Call(kToken, "getUpdates",
                        {{"allowed_updates", json::array({"chat_member"})}});
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(api.QueueUpdate(member));
  EXPECT_FALSE(
      api.QueueUpdate({{"update_id", 52}, {"message", json::object()}}));
  EXPECT_EQ(api.PendingUpdateCount(), 1u);
  EXPECT_EQ(
      api.Call(kToken, "getUpdates", {{"allowed_updates", "x"}}).http_status,
      400);
}

TEST(GetUpdatesTest, DropPendingUpdates) {
  BotApi api(Options());
  Queue(api, 2);
  api.Call(kToken, "deleteWebhook", {{"drop_pending_updates", false}});
  EXPECT_EQ(api.PendingUpdateCount(), 2u);
  api.Call(kToken, "deleteWebhook", {{"drop_pending_updates", "true"}});
  EXPECT_EQ(api.PendingUpdateCount(), 0u);
  Queue(api, 2);
  api.Call(kToken, "setWebhook",
           {{"url", "https://example.org/h"}, {"max_connections", 3}});
  json info = Info(api);
  EXPECT_EQ(info["pending_update_count"], 2);
  EXPECT_EQ(info["max_connections"], 3);
  EXPECT_EQ(info["has_custom_certificate"], false);
  api.Call(kToken, "setWebhook",
           {{"url", "https://example.org/h"}, {"drop_pending_updates", true}});
  EXPECT_EQ(Info(api)["pending_update_count"], 0);
}

TEST(GetUpdatesTest, LongPollAnswersWhenAnUpdateArrives) {
  BotApi api(Options());
  auto poll = std::async(std::launch::async, [&] {
    return api.Call(kToken, "getUpdates", {{"timeout", 50}});
  });
  std::vector<int64_t> ids = Queue(api, 1);
  ASSERT_EQ(poll.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(Ids(poll.get()), ids);
}

TEST(GetUpdatesTest, LongPollTimesOutEmptyAndWakeLongPollsEndsIt) {
  BotApi api(Options());
  absl::Time start = absl::Now();
  Response empty = api.Call(kToken, "getUpdates", {{"timeout", 1}});
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(900));
  EXPECT_TRUE(empty.body["result"].empty());

  auto poll = std::async(std::launch::async, [&] {
    return api.Call(kToken, "getUpdates", {{"timeout", 50}});
  });
  start = absl::Now();
  do {
    api.WakeLongPolls();
  } while (poll.wait_for(std::chrono::milliseconds(20)) !=
           std::future_status::ready);
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
  EXPECT_EQ(poll.get().http_status, 200);
}

}  // namespace
}  // namespace telegate::emulator
