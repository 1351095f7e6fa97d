// AsyncBotApiClient over http::HttpClient (libcurl multi): POST
// <base_url>/bot<token>/<method> with a JSON body, decoded by DecodeEnvelope.
// One client per EventLoop, with its own pool of keep-alive connections;
// the factory makes a fresh one (new connections) per loop and generation.
// Descriptions never contain the token or the URL's path.
//
// Thread-safety: Call may be called from any thread (done runs on the
// client's loop); destroy the client on its loop thread or after the loop
// stopped (calls in flight then complete with http_status 0, "cancelled").
#ifndef TELEGATE_COMMON_HTTP_ASYNC_BOT_API_H_
#define TELEGATE_COMMON_HTTP_ASYNC_BOT_API_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/async_bot_api.h"
#include "http/event_loop.h"
#include "http/http_client.h"

namespace telegate {

struct HttpAsyncBotApiOptions {
  std::string base_url;  // "https://api.telegram.org" or the emulator's
  std::string token;
  // Keep-alive connections per loop (TELEGATE_BOT_API_CONNECTIONS). Over
  // HTTP/2 (api.telegram.org offers it) calls share them as streams.
  int connections = 64;
  // Calls one client starts at once; more wait inside it.
  int max_in_flight = 4096;
  absl::Duration connect_timeout = absl::Seconds(5);
  // Whole call, connect included.
  absl::Duration timeout = absl::Seconds(30);
  std::string ca_file;  // empty: the system's CA bundle
};

class HttpAsyncBotApiClient : public AsyncBotApiClient {
 public:
  HttpAsyncBotApiClient(http::EventLoop* loop,
                        const HttpAsyncBotApiOptions& options);
  void Call(std::string_view method, const nlohmann::json& params,
            Callback done) override;
  void CallRaw(std::string_view method, std::string content_type,
               std::string body, Callback done) override;
  void FetchFile(std::string_view file_path,
                 std::function<void(http::HttpResponse)> done) override;
  int in_flight() const override { return http_.in_flight(); }

 private:
  const std::string url_prefix_;  // "<base>/bot<token>/"
  const std::string file_prefix_;  // "<base>/file/bot<token>/"
  // Shared with the calls in flight: their callbacks may run after a `done`
  // destroyed this client.
  const std::shared_ptr<const std::string> token_;
  const absl::Duration connect_timeout_;
  const absl::Duration timeout_;
  http::HttpClient http_;
};

class HttpAsyncBotApiClientFactory : public AsyncBotApiClientFactory {
 public:
  explicit HttpAsyncBotApiClientFactory(HttpAsyncBotApiOptions options)
      : options_(std::move(options)) {}
  std::unique_ptr<AsyncBotApiClient> Create(http::EventLoop* loop) override;

 private:
  const HttpAsyncBotApiOptions options_;
};

// Blocking helper for callers off the loop (start-up getMe): performs the
// call on `loop` and waits for its result. Aborts (CHECK) when called on the
// loop thread, where waiting would deadlock. With the loop stopped, the
// result is a network error ("cancelled").
ApiResult CallAndWait(AsyncBotApiClient& client, http::EventLoop& loop,
                      std::string_view method, const nlohmann::json& params);

// The ApiResult of an HttpClient response (exposed for tests).
ApiResult ApiResultOf(const http::HttpResponse& response,
                      std::string_view token);

}  // namespace telegate

#endif  // TELEGATE_COMMON_HTTP_ASYNC_BOT_API_H_
