#include "common/http_async_bot_api.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/check.h"
#include "common/http_bot_api_client.h"
#include "http/transport_error.h"

namespace telegate {
namespace {

http::HttpClientOptions ClientOptions(const HttpAsyncBotApiOptions& o) {
  http::HttpClientOptions c;
  c.max_connections = o.connections;
  c.max_connections_per_host = o.connections;
  c.max_in_flight = o.max_in_flight;
  c.ca_file = o.ca_file;
  return c;
}

// Seconds from a Retry-After header holding a number (dates are ignored).
int RetryAfterHeader(const http::HttpResponse& response) {
  const std::string* value = response.Header("retry-after");
  if (value == nullptr) return 0;
  int seconds = 0;
  auto [ptr, ec] =
      std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec != std::errc() || seconds < 0) return 0;
  return std::min(seconds, 86400);
}

}  // namespace

ApiResult ApiResultOf(const http::HttpResponse& response,
                      std::string_view token) {
  if (!response.status.ok()) {
    ApiResult out;
    out.description =
        http::Scrub(std::string(response.status.message()), token);
    return out;
  }
  ApiResult out = DecodeEnvelope(response.code, response.body);
  if (out.retry_after == 0 && response.code == 429) {
    out.retry_after = RetryAfterHeader(response);
  }
  out.description = http::Scrub(std::move(out.description), token);
  return out;
}

HttpAsyncBotApiClient::HttpAsyncBotApiClient(
    http::EventLoop* loop, const HttpAsyncBotApiOptions& options)
    : url_prefix_(absl::StrCat(options.base_url, "/bot", options.token, "/")),
      file_prefix_(
          absl::StrCat(options.base_url, "/file/bot", options.token, "/")),
      token_(std::make_shared<const std::string>(options.token)),
      connect_timeout_(options.connect_timeout),
      timeout_(options.timeout),
      http_(loop, ClientOptions(options)) {}

void HttpAsyncBotApiClient::Call(std::string_view method,
                                 const nlohmann::json& params, Callback done) {
  http::HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat(url_prefix_, absl::string_view(method.data(),
                                                            method.size()));
  request.headers = {{"Content-Type", "application/json"}};
  request.body = params.dump();
  request.timeout = timeout_;
  request.connect_timeout = connect_timeout_;
  http_.Send(std::move(request),
             [token = token_, done = std::move(done)](
                 http::HttpResponse response) {
               done(ApiResultOf(response, *token));
             });
}

void HttpAsyncBotApiClient::CallRaw(std::string_view method,
                                    std::string content_type,
                                    std::string body, Callback done) {
  http::HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat(url_prefix_, absl::string_view(method.data(),
                                                            method.size()));
  request.headers = {{"Content-Type", std::move(content_type)}};
  request.body = std::move(body);
  request.timeout = timeout_;
  request.connect_timeout = connect_timeout_;
  http_.Send(std::move(request),
             [token = token_, done = std::move(done)](
                 http::HttpResponse response) {
               done(ApiResultOf(response, *token));
             });
}

void HttpAsyncBotApiClient::FetchFile(
    std::string_view file_path, std::function<void(http::HttpResponse)> done) {
  http::HttpRequest request;
  request.method = "GET";
  request.url = absl::StrCat(file_prefix_, absl::string_view(file_path.data(),
                                                             file_path.size()));
  request.timeout = timeout_;
  request.connect_timeout = connect_timeout_;
  http_.Send(std::move(request),
             [token = token_, done = std::move(done)](
                 http::HttpResponse response) {
               // A transport failure's text never holds the URL; scrub anyway.
               if (!response.status.ok()) {
                 response.status = absl::Status(
                     response.status.code(),
                     http::Scrub(std::string(response.status.message()),
                                 *token));
               }
               done(std::move(response));
             });
}

std::unique_ptr<AsyncBotApiClient> HttpAsyncBotApiClientFactory::Create(
    http::EventLoop* loop) {
  return std::make_unique<HttpAsyncBotApiClient>(loop, options_);
}

ApiResult CallAndWait(AsyncBotApiClient& client, http::EventLoop& loop,
                      std::string_view method, const nlohmann::json& params) {
  TELEGATE_CHECK(!loop.InLoopThread());
  ApiResult result;
  absl::Notification done;
  std::string method_copy(method);
  loop.Post([&] {
    client.Call(method_copy, params, [&](ApiResult r) {
      result = std::move(r);
      done.Notify();
    });
  });
  // The loop may stop before the call completes (a dropped task, a fake
  // that never answers): wake up now and then to notice.
  while (!done.WaitForNotificationWithTimeout(absl::Milliseconds(50))) {
    if (loop.stopped() && !done.HasBeenNotified()) {
      result = ApiResult();  // the loop thread is gone: nothing writes it
      result.description = "call cancelled: event loop stopped";
      break;
    }
  }
  return result;
}

}  // namespace telegate
