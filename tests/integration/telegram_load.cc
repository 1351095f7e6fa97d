#include "tests/integration/telegram_load.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace telegate::testing {

std::string TelegramLoad::Text(int c, int i) {
  return absl::StrCat("chat ", c, " message ", i);
}

void TelegramLoad::Start() {
  for (int k = 0; k < shape_.connections; ++k) {
    threads_.emplace_back([this, k] { Run(k); });
  }
}

void TelegramLoad::Join() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void TelegramLoad::Run(int connection) {
  for (int i = 0; i < shape_.per_chat; ++i) {
    for (int c = connection; c < shape_.chats; c += shape_.connections) {
      int64_t update_id = shape_.first_update_id + int64_t{i} * shape_.chats + c;
      nlohmann::json update = {
          {"update_id", update_id},
          {"message",
           {{"message_id", i + 1},
            {"date", 1700000000 + i},
            {"chat", {{"id", ChatId(c)}, {"type", "private"}}},
            {"from", {{"id", ChatId(c)}, {"is_bot", false},
                      {"first_name", "Load"}}},
            {"text", Text(c, i)}}}};
      std::string body = update.dump();
      // Redeliver until a 2xx, as Telegram does (without its long waits).
      while (stack_->PostWebhook(body).status / 100 != 2) {
        redeliveries_.fetch_add(1);
        absl::SleepFor(absl::Milliseconds(20));
      }
      acked_.fetch_add(1);
    }
  }
}

EchoCheck TelegramLoad::Check() const {
  EchoCheck check;
  check.acked = acked_.load();
  std::map<int64_t, std::vector<std::string>> by_chat;
  for (const nlohmann::json& m : stack_->SentMessages()) {
    by_chat[m["chat_id"].get<int64_t>()].push_back(m["text"]);
  }
  for (int c = 0; c < shape_.chats; ++c) {
    std::set<std::string> seen;
    int last_index = -1;
    for (const std::string& text : by_chat[ChatId(c)]) {
      if (!seen.insert(text).second) {
        ++check.duplicated;
        continue;
      }
      int index = -1;
      for (int i = 0; i < shape_.per_chat; ++i) {
        if (text == Text(c, i)) index = i;
      }
      if (index < last_index) {
        ++check.out_of_order;
        check.chats_out_of_order.insert(c);
      }
      last_index = std::max(last_index, index);
    }
    for (int i = 0; i < shape_.per_chat; ++i) {
      if (!seen.count(Text(c, i))) ++check.lost;
    }
  }
  // Only acked updates count as lost: the load is complete when checked.
  return check;
}

::testing::AssertionResult TelegramLoad::RunToAllEchoedOnceInOrder(
    int64_t expected) {
  Start();
  return JoinToAllEchoedInOrder(expected, 0);
}

::testing::AssertionResult TelegramLoad::JoinToAllEchoedInOrder(
    int64_t expected, int64_t max_duplicated) {
  Join();
  if (acked() != expected) {
    return ::testing::AssertionFailure()
           << "acked " << acked() << " of " << expected;
  }
  if (!WaitForAllEchoes()) {
    return ::testing::AssertionFailure() << "lost: " << Check().lost;
  }
  EchoCheck check = Check();
  if (check.lost != 0 || check.duplicated > max_duplicated ||
      check.out_of_order != 0) {
    return ::testing::AssertionFailure()
           << "lost " << check.lost << ", duplicated " << check.duplicated
           << ", out of order " << check.out_of_order;
  }
  return ::testing::AssertionSuccess();
}

bool TelegramLoad::WaitForAllEchoes() const {
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    if (Check().lost == 0) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

}  // namespace telegate::testing
