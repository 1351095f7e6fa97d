// The asynchronous worker with the real binaries and DEFAULT settings:
// against an emulator that answers every Bot API call after 200 ms, 500
// chats are all echoed exactly once and in order. With one blocking call
// per thread (the old worker: 4 threads) this would take over a minute;
// with many calls in flight per loop it is bound by the CPU.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"
#include "tests/integration/telegram_load.h"

namespace telegate::testing {
namespace {

TEST(AsyncDeliveryTest, FiveHundredChatsAtTwoHundredMillisecondsEchoOnceInOrder) {
  absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start();
  ASSERT_TRUE(stack.ok()) << stack.status();
  ASSERT_EQ((*stack)
                ->Emulator("POST", "/_emulator/faults",
                           R"({"method":"sendMessage","count":-1,)"
                           R"("delay_ms":200})")
                .status,
            200);
  constexpr int kChats = 500, kPerChat = 4;
  TelegramLoad load(stack->get(),
                    {.chats = kChats, .per_chat = kPerChat, .connections = 16});
  load.Start();
  load.Join();
  ASSERT_EQ(load.acked(), kChats * kPerChat);
  ASSERT_TRUE(load.WaitForAllEchoes()) << "lost: " << load.Check().lost;
  EchoCheck check = load.Check();
  EXPECT_EQ(check.lost, 0);
  EXPECT_EQ(check.duplicated, 0);
  EXPECT_EQ(check.out_of_order, 0);
  // No 503: the default queue limit holds 200 ms of this load.
  EXPECT_EQ(load.redeliveries(), 0);
}

}  // namespace
}  // namespace telegate::testing
