// Where a request to the worker's Bot API endpoint goes, as pure functions:
// the route (/bot<token>/<method>, /file/bot<token>/<path>) and which
// methods the endpoint answers itself instead of forwarding them. No I/O;
// thread-safe.
#ifndef TELEGATE_WORKER_ENDPOINT_ROUTING_H_
#define TELEGATE_WORKER_ENDPOINT_ROUTING_H_

#include <string>
#include <string_view>

namespace telegate::worker {

struct Route {
  enum class Kind { kUnknown, kMethod, kFile };
  Kind kind = Kind::kUnknown;
  std::string token;   // as given: compare it in constant time
  std::string target;  // the method (as given) or the file path
};

// `method` is the HTTP method; `path` has no query string. Methods take
// GET or POST; files take GET. Anything else is kUnknown.
Route ParseRoute(std::string_view method, std::string_view path);

// What the endpoint does with a Bot API method (case-insensitive, as
// Telegram treats method names).
enum class Interception {
  kForward,             // to the Bot API through the worker
  kWebhookNoop,         // setWebhook, deleteWebhook: telegate owns the webhook
  kWebhookInfo,         // getWebhookInfo: telegate's own view
  kGetUpdatesConflict,  // getUpdates: 409 as with an active webhook
  kRefused,             // logOut, close: would take the bot from telegate
};

Interception InterceptMethod(std::string_view method);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ENDPOINT_ROUTING_H_
