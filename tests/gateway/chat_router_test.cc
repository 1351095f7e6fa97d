// Rendezvous hashing: stable across processes, balanced, and moving only the
// chats of a worker that leaves.
#include "gateway/chat_router.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace telegate::gateway {
namespace {

const std::vector<std::string> kThree = {"10.0.0.1:50051", "10.0.0.2:50051",
                                         "10.0.0.3:50051"};

TEST(ChatRouterTest, HashIsTheSameEverywhere) {
  // Values computed independently (FNV-1a 64 then SplitMix64, in Python):
  // two gateways, or two releases, must route a chat to the same worker.
  EXPECT_EQ(StableHash64(""), 0xc3817c016ba4ff30ULL);
  EXPECT_EQ(StableHash64("c:42"), 0xf198273293469945ULL);
}

TEST(ChatRouterTest, RankIsAPermutationAndDeterministic) {
  std::vector<size_t> a = RankWorkers("c:7", kThree);
  std::vector<size_t> b = RankWorkers("c:7", kThree);
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::set<size_t>(a.begin(), a.end()),
            (std::set<size_t>{0, 1, 2}));
  EXPECT_TRUE(RankWorkers("c:7", {}).empty());
}

TEST(ChatRouterTest, ChatsSpreadEvenly) {
  std::map<size_t, int> count;
  for (int i = 0; i < 30000; ++i) {
    ++count[RankWorkers(absl::StrCat("c:", i), kThree)[0]];
  }
  for (size_t w = 0; w < 3; ++w) {
    EXPECT_GT(count[w], 9000) << w;
    EXPECT_LT(count[w], 11000) << w;
  }
}

TEST(ChatRouterTest, OnlyTheLeavingWorkersChatsMove) {
  const std::vector<std::string> two = {kThree[0], kThree[2]};
  int moved = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string key = absl::StrCat("u:", i);
    std::vector<size_t> before = RankWorkers(key, kThree);
    const std::string& after = two[RankWorkers(key, two)[0]];
    if (kThree[before[0]] != kThree[1]) {
      EXPECT_EQ(after, kThree[before[0]]) << key;  // stayed
    } else {
      EXPECT_EQ(after, kThree[before[1]]) << key;  // to its second choice
      ++moved;
    }
  }
  EXPECT_GT(moved, 1000);  // about a third moved, not none
}

TEST(ChatRouterTest, ListOrderDoesNotMatter) {
  const std::vector<std::string> reversed = {kThree[2], kThree[1], kThree[0]};
  for (int i = 0; i < 1000; ++i) {
    std::string key = absl::StrCat("c:-100", i);
    EXPECT_EQ(kThree[RankWorkers(key, kThree)[0]],
              reversed[RankWorkers(key, reversed)[0]]);
  }
}

}  // namespace
}  // namespace telegate::gateway
