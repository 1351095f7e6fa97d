// TelegramLoad: posts webhooks to a Stack the way Telegram does — a chat's
// next update only after the previous one got a 2xx, redelivery of anything
// else — from several connections at once, and checks the echoes.
// Start() runs in background threads; Join() waits for every update to be
// acknowledged. Thread-safe counters.
#ifndef TELEGATE_TESTS_INTEGRATION_TELEGRAM_LOAD_H_
#define TELEGATE_TESTS_INTEGRATION_TELEGRAM_LOAD_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"

namespace telegate::testing {

struct LoadShape {
  int chats = 40;
  int per_chat = 50;
  int connections = 8;
  int64_t first_update_id = 1;
};

// What the echoes showed, compared with what was acknowledged.
struct EchoCheck {
  int64_t acked = 0;       // updates that got a 2xx
  int64_t lost = 0;        // acked but never echoed
  int64_t duplicated = 0;  // echoes beyond the first of a text
  int64_t out_of_order = 0;  // first echoes of a chat not in send order
  std::set<int> chats_out_of_order;  // chat indexes with such echoes
};

class TelegramLoad {
 public:
  TelegramLoad(Stack* stack, LoadShape shape) : stack_(stack), shape_(shape) {}
  ~TelegramLoad() { Join(); }

  void Start();
  void Join();

  int64_t acked() const { return acked_.load(); }
  int64_t redeliveries() const { return redeliveries_.load(); }

  // Text of message `i` to chat index `c`.
  static std::string Text(int c, int i);
  static int64_t ChatId(int c) { return 5000 + c; }

  // Reads the emulator's sendMessage calls and compares.
  EchoCheck Check() const;
  // Waits (up to 60 s) until every acked text was echoed at least once.
  bool WaitForAllEchoes() const;
  // Start, then JoinToAllEchoedInOrder(expected, 0).
  ::testing::AssertionResult RunToAllEchoedOnceInOrder(int64_t expected);
  // Join, then: `expected` acked, every one echoed, first echoes in order
  // per chat, at most `max_duplicated` echoes beyond the first (the
  // assertion names what broke).
  ::testing::AssertionResult JoinToAllEchoedInOrder(int64_t expected,
                                                    int64_t max_duplicated);

 private:
  void Run(int connection);

  Stack* const stack_;
  const LoadShape shape_;
  std::vector<std::thread> threads_;
  std::atomic<int64_t> acked_{0};
  std::atomic<int64_t> redeliveries_{0};
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_INTEGRATION_TELEGRAM_LOAD_H_
