// The built-in demo bot: /start greets, /help lists commands, any other text
// message is echoed back verbatim to the same chat, callback queries are
// answered; every other update is accepted without a reply. Stateless and
// thread-safe.
#ifndef TELEGATE_WORKER_ECHO_BOT_H_
#define TELEGATE_WORKER_ECHO_BOT_H_

#include <optional>
#include <string>
#include <string_view>

#include "worker/bot_handler.h"

namespace telegate::worker {

// Pure decision, no I/O: what to send for `update` (nullopt: nothing).
std::optional<BotAction> DecideEchoReply(const nlohmann::json& update);

class EchoBot : public BotHandler {
 public:
  std::vector<BotAction> Decide(const nlohmann::json& update) override;
};

inline constexpr std::string_view kHelpText =
    "I echo every text message you send me.\n"
    "/start - greeting\n"
    "/help - this list";

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ECHO_BOT_H_
