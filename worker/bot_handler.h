// The plug-in point for bot logic: the worker calls Handle() for each update,
// one chat's updates one at a time, on the thread that owns `api`.
// Implementations must be thread-safe across different chats (Handle runs
// concurrently on several threads) and must not keep `api` beyond the call.
#ifndef TELEGATE_WORKER_BOT_HANDLER_H_
#define TELEGATE_WORKER_BOT_HANDLER_H_

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "worker/bot_api_client.h"

namespace telegate::worker {

class BotHandler {
 public:
  virtual ~BotHandler() = default;
  // OK when the update was handled (including "nothing to do"); an error
  // when a Bot API call failed, which counts towards the error counter.
  virtual absl::Status Handle(const nlohmann::json& update,
                              BotApiClient& api) = 0;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_BOT_HANDLER_H_
