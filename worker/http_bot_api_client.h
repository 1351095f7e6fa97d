// BotApiClient over HTTP(S) with cpp-httplib: POST <base>/bot<token>/<method>
// with a JSON body on one keep-alive connection. One instance per thread.
// Error descriptions never include the token or the request URL.
#ifndef TELEGATE_WORKER_HTTP_BOT_API_CLIENT_H_
#define TELEGATE_WORKER_HTTP_BOT_API_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "worker/bot_api_client.h"

namespace httplib {
class Client;
}

namespace telegate::worker {

struct HttpBotApiOptions {
  std::string base_url;  // "https://api.telegram.org" or the emulator's
  std::string token;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration read_timeout = absl::Seconds(30);
};

class HttpBotApiClient : public BotApiClient {
 public:
  explicit HttpBotApiClient(const HttpBotApiOptions& options);
  ~HttpBotApiClient() override;
  ApiResult Call(std::string_view method,
                 const nlohmann::json& params) override;

 private:
  std::string token_;
  std::unique_ptr<httplib::Client> client_;
};

class HttpBotApiClientFactory : public BotApiClientFactory {
 public:
  explicit HttpBotApiClientFactory(HttpBotApiOptions options)
      : options_(std::move(options)) {}
  std::unique_ptr<BotApiClient> Create() override;

 private:
  const HttpBotApiOptions options_;
};

// Checks that `base_url` is "http://host[:port]" or "https://host[:port]"
// without a path.
absl::Status ValidateBaseUrl(const std::string& base_url);

// Decodes Telegram's {"ok":..,"result":..,"error_code":..,...} envelope.
ApiResult DecodeEnvelope(int http_status, const std::string& body);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_HTTP_BOT_API_CLIENT_H_
