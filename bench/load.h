// The load loop: plays Telegram's webhook sender against the gateway.
// `chats` private chats send `messages` text messages each over
// `connections` keep-alive HTTP connections, one thread per connection and
// the chats dealt round-robin over them. Like Telegram, a chat's next update
// is posted only after the previous one got a 2xx; a failed one (non-2xx or
// no answer) is redelivered after `Retry-After` (default 1 s) while the
// connection keeps serving its other chats. With `duration` set, chats send
// until it has passed (each connection finishes the POST it is making), and
// `messages` is ignored; otherwise RunLoad blocks until every update was
// answered 2xx. It owns its threads and joins them.
#ifndef TELEGATE_BENCH_LOAD_H_
#define TELEGATE_BENCH_LOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/records.h"

namespace telegate::bench {

struct LoadOptions {
  int port = 0;  // the gateway's public port on 127.0.0.1
  std::string webhook_path = "/webhook";
  std::string secret;
  int chats = 1;
  int messages = 1;
  absl::Duration duration = absl::ZeroDuration();  // > 0: timed run
  int connections = 1;
  int64_t first_chat_id = 700000001;  // private chat id == user id
  int64_t first_update_id = 900000001;
  absl::Duration request_timeout = absl::Seconds(30);
  absl::Duration default_retry_after = absl::Seconds(1);
};

struct LoadResult {
  // Grouped by chat (chat counted from 0), in index order within it. A timed
  // run's last update of a chat may be undelivered (time ran out).
  std::vector<UpdateRecord> updates;
  int64_t non_2xx = 0;    // answers other than 2xx (each one redelivered)
  int64_t no_answer = 0;  // attempts that got no HTTP answer (redelivered)
  int64_t start_us = 0;   // Unix microseconds
  int64_t end_us = 0;
};

LoadResult RunLoad(const LoadOptions& options);

// The update body Telegram would post for message `index` of a private chat.
std::string MakeUpdateJson(int64_t update_id, int64_t chat_id, int index,
                           int64_t unix_seconds);
// The text of message `index` of `chat_id`: "c<chat_id> m<index>".
std::string MessageText(int64_t chat_id, int index);

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_LOAD_H_
