// Per-chat order of the endpoint's calls: calls of one chat run one at a
// time in arrival order, calls of different chats independently. Holds call
// ids only; no I/O, no clock.
//
// Thread-safety: none; the endpoint uses it from its event loop only.
#ifndef TELEGATE_WORKER_ENDPOINT_CHAT_CALL_QUEUE_H_
#define TELEGATE_WORKER_ENDPOINT_CHAT_CALL_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"

namespace telegate::worker {

class ChatCallQueue {
 public:
  using CallId = uint64_t;

  // A call of `chat` arrived: true if it may run now (no call of that chat
  // is running), false if it waits behind the running one.
  bool Arrive(const std::string& chat, CallId id);
  // The running call of `chat` is done: the next one to run, if any.
  std::optional<CallId> Finish(const std::string& chat);
  // Takes a waiting (not running) call out; false if it is not waiting.
  bool Remove(const std::string& chat, CallId id);

  size_t waiting() const { return waiting_; }
  size_t chats() const { return chats_.size(); }  // with a running call

 private:
  // Front: the running call; the rest wait in arrival order.
  absl::flat_hash_map<std::string, std::deque<CallId>> chats_;
  size_t waiting_ = 0;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ENDPOINT_CHAT_CALL_QUEUE_H_
