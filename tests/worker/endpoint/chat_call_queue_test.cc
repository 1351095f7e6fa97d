// ChatCallQueue: one running call per chat, arrival order, removal.
#include "worker/endpoint/chat_call_queue.h"

#include "gtest/gtest.h"

namespace telegate::worker {
namespace {

TEST(ChatCallQueueTest, OneChatRunsInArrivalOrder) {
  ChatCallQueue queue;
  EXPECT_TRUE(queue.Arrive("1", 10));
  EXPECT_FALSE(queue.Arrive("1", 11));
  EXPECT_FALSE(queue.Arrive("1", 12));
  EXPECT_EQ(queue.waiting(), 2u);
  EXPECT_EQ(queue.Finish("1"), 11u);
  EXPECT_EQ(queue.Finish("1"), 12u);
  EXPECT_EQ(queue.Finish("1"), std::nullopt);
  EXPECT_EQ(queue.waiting(), 0u);
  EXPECT_EQ(queue.chats(), 0u);
  EXPECT_TRUE(queue.Arrive("1", 13));  // idle again
}

TEST(ChatCallQueueTest, ChatsAreIndependent) {
  ChatCallQueue queue;
  EXPECT_TRUE(queue.Arrive("1", 1));
  EXPECT_TRUE(queue.Arrive("@chan", 2));
  EXPECT_FALSE(queue.Arrive("1", 3));
  EXPECT_EQ(queue.chats(), 2u);
  EXPECT_EQ(queue.Finish("@chan"), std::nullopt);
  EXPECT_EQ(queue.Finish("1"), 3u);
}

TEST(ChatCallQueueTest, RemoveTakesOnlyWaitingCalls) {
  ChatCallQueue queue;
  EXPECT_TRUE(queue.Arrive("1", 1));
  EXPECT_FALSE(queue.Arrive("1", 2));
  EXPECT_FALSE(queue.Arrive("1", 3));
  EXPECT_FALSE(queue.Remove("1", 1));  // running
  EXPECT_FALSE(queue.Remove("2", 2));  // other chat
  EXPECT_TRUE(queue.Remove("1", 2));
  EXPECT_FALSE(queue.Remove("1", 2));
  EXPECT_EQ(queue.waiting(), 1u);
  EXPECT_EQ(queue.Finish("1"), 3u);
  EXPECT_EQ(queue.Finish("1"), std::nullopt);
}

}  // namespace
}  // namespace telegate::worker
