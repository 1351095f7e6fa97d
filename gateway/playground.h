// Playground: the panel's "send a test message" through the real path. It
// asks telegate-emulator (which plays Telegram) to post an update for a chat
// to the gateway's webhook, then polls the emulator's Bot API call log for
// the bot's sendMessage to that chat. Only enabled with
// TELEGATE_EMULATOR_URL. Thread-safe (a fresh HTTP client per call); Send
// blocks for up to `reply_timeout`.
#ifndef TELEGATE_GATEWAY_PLAYGROUND_H_
#define TELEGATE_GATEWAY_PLAYGROUND_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "gateway/admin_routes.h"

namespace telegate::gateway {

struct PlaygroundOptions {
  absl::Duration reply_timeout = absl::Seconds(10);
  absl::Duration poll_interval = absl::Milliseconds(50);
};

class Playground {
 public:
  // `emulator_url`: "http://host:port".
  explicit Playground(std::string emulator_url, PlaygroundOptions options = {})
      : url_(std::move(emulator_url)), options_(options) {}

  // `body` is {"chat_id":N,"text":"..."}. Answers
  // {"ok":true,"update_id":N,"reply":"..."}, or {"ok":false,"error":...}
  // with 400 (bad body), 502 (emulator or webhook failed), 504 (no reply).
  JsonAnswer Send(std::string_view body) const;

 private:
  const std::string url_;
  const PlaygroundOptions options_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_PLAYGROUND_H_
