#include "worker/endpoint/chat_call_queue.h"

#include <algorithm>

#include "common/check.h"

namespace telegate::worker {

bool ChatCallQueue::Arrive(const std::string& chat, CallId id) {
  std::deque<CallId>& calls = chats_[chat];
  calls.push_back(id);
  if (calls.size() == 1) return true;
  ++waiting_;
  return false;
}

std::optional<ChatCallQueue::CallId> ChatCallQueue::Finish(
    const std::string& chat) {
  auto it = chats_.find(chat);
  TELEGATE_CHECK(it != chats_.end());
  it->second.pop_front();
  if (it->second.empty()) {
    chats_.erase(it);
    return std::nullopt;
  }
  --waiting_;
  return it->second.front();
}

bool ChatCallQueue::Remove(const std::string& chat, CallId id) {
  auto it = chats_.find(chat);
  if (it == chats_.end()) return false;
  std::deque<CallId>& calls = it->second;
  auto found = std::find(calls.begin() + 1, calls.end(), id);
  if (found == calls.end()) return false;
  calls.erase(found);
  --waiting_;
  return true;
}

}  // namespace telegate::worker
