// Which worker serves a chat: rendezvous (highest-random-weight) hashing of
// the update's chat key over the workers' identities (their addresses). A
// chat keeps its worker while that worker is up; when a worker leaves, only
// its own chats move (each to its next-ranked worker), and every gateway
// computes the same ranking with no shared state because the hash is fixed
// (FNV-1a + SplitMix64), not seeded per process. Pure functions.
#ifndef TELEGATE_GATEWAY_CHAT_ROUTER_H_
#define TELEGATE_GATEWAY_CHAT_ROUTER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace telegate::gateway {

// A 64-bit hash that is the same in every process, build and machine.
uint64_t StableHash64(std::string_view data);

// Indexes into `worker_ids`, the preferred worker for `chat_key` first.
std::vector<size_t> RankWorkers(std::string_view chat_key,
                                const std::vector<std::string>& worker_ids);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_CHAT_ROUTER_H_
