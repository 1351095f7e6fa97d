// The asynchronous Bot API seam: one call = one method with JSON params, its
// ApiResult (common/bot_api_client.h: Classify, DescribeFailure) delivered
// by callback on the client's EventLoop. The real implementation posts
// <base>/bot<token>/<method> through an http::HttpClient; tests use fakes.
// A client is bound to one loop; a factory makes a fresh one (new
// connections) per loop when the bot is re-initialised.
#ifndef TELEGATE_COMMON_ASYNC_BOT_API_H_
#define TELEGATE_COMMON_ASYNC_BOT_API_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/bot_api_client.h"
#include "http/event_loop.h"
#include "http/http_client.h"
#include "nlohmann/json.hpp"

namespace telegate {

class AsyncBotApiClient {
 public:
  using Callback = std::function<void(ApiResult)>;
  virtual ~AsyncBotApiClient() = default;
  // Performs `method` with `params` (a JSON object). `done` runs exactly
  // once on the client's loop thread; never throws. Network failures give
  // http_status 0 and a description naming the failure (connection refused
  // to host:port, timeout after N s, TLS error, DNS failure), never the
  // token or the URL.
  virtual void Call(std::string_view method, const nlohmann::json& params,
                    Callback done) = 0;
  // `method` with a body passed through as given (a multipart/form-data
  // upload), `content_type` included. Same contract as Call. The default
  // answers at once with a failure (clients that cannot do it).
  virtual void CallRaw(std::string_view /*method*/,
                       std::string /*content_type*/, std::string /*body*/,
                       Callback done) {
    ApiResult none;
    none.description = "raw calls are not supported by this client";
    done(std::move(none));
  }
  // GET <base>/file/bot<token>/<file_path>: the HTTP answer as is. The
  // default answers kUnimplemented.
  virtual void FetchFile(std::string_view /*file_path*/,
                         std::function<void(http::HttpResponse)> done) {
    http::HttpResponse none;
    none.status = absl::UnimplementedError(
        "file downloads are not supported by this client");
    done(std::move(none));
  }
  // Calls in flight (started, not yet completed).
  virtual int in_flight() const = 0;
};

class AsyncBotApiClientFactory {
 public:
  virtual ~AsyncBotApiClientFactory() = default;
  // A fresh client bound to `loop`, with its own connections. Thread-safe.
  virtual std::unique_ptr<AsyncBotApiClient> Create(http::EventLoop* loop) = 0;
};

}  // namespace telegate

#endif  // TELEGATE_COMMON_ASYNC_BOT_API_H_
