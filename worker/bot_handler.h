// The plug-in point for bot logic. A handler looks at one update and decides
// which Bot API calls to make; the worker performs them — in order, per chat,
// with retries, flood-control waits and failure records. Deciding is pure (no
// I/O), so it is trivially testable and safe to re-run after a crash.
// Implementations must be thread-safe: Decide runs concurrently for
// different chats.
#ifndef TELEGATE_WORKER_BOT_HANDLER_H_
#define TELEGATE_WORKER_BOT_HANDLER_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace telegate::worker {

// One Bot API call: method and JSON params (e.g. sendMessage with chat_id).
struct BotAction {
  std::string method;
  nlohmann::json params;
};

class BotHandler {
 public:
  virtual ~BotHandler() = default;
  // The calls to make for `update`, in order; empty: accept, no reply.
  virtual std::vector<BotAction> Decide(const nlohmann::json& update) = 0;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_BOT_HANDLER_H_
