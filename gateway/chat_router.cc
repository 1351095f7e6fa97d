#include "gateway/chat_router.h"

#include <algorithm>
#include <numeric>

namespace telegate::gateway {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t StableHash64(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;  // FNV prime
  }
  return SplitMix64(h);
}

std::vector<size_t> RankWorkers(std::string_view chat_key,
                                const std::vector<std::string>& worker_ids) {
  const uint64_t key_hash = StableHash64(chat_key);
  std::vector<uint64_t> score(worker_ids.size());
  for (size_t i = 0; i < worker_ids.size(); ++i) {
    score[i] = SplitMix64(StableHash64(worker_ids[i]) ^ key_hash);
  }
  std::vector<size_t> order(worker_ids.size());
  std::iota(order.begin(), order.end(), 0);
  // Ties (practically impossible) break by id so the order stays total.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (score[a] != score[b]) return score[a] > score[b];
    return worker_ids[a] < worker_ids[b];
  });
  return order;
}

}  // namespace telegate::gateway
