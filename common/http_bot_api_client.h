// BotApiClient over HTTP(S) with cpp-httplib: POST <base>/bot<token>/<method>
// with a JSON body on one keep-alive connection. One instance per thread
// (Cancel excepted). Error descriptions never include the token or the URL;
// transport failures are named as the asynchronous client names them
// (http/transport_error.h): "connection refused to host:port", "timeout
// after 30 s (host:port)", "DNS lookup failed for host", "TLS error with
// host:port: ...".
// Shared by the worker (sending) and the gateway (polling, setWebhook); kept
// in its own library (telegate_bot_api) so telegate_common needs no httplib.
#ifndef TELEGATE_COMMON_HTTP_BOT_API_CLIENT_H_
#define TELEGATE_COMMON_HTTP_BOT_API_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/bot_api_client.h"
#include "http/transport_error.h"

namespace httplib {
class Client;
enum class Error;
}

namespace telegate {

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
  void Cancel() override;

 private:
  absl::Status NameFailure(httplib::Error error, absl::Duration elapsed) const;

  std::string token_;
  http::Peer peer_;
  absl::Duration connect_timeout_;
  absl::Duration read_timeout_;
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
// without a path; the error names `setting` (e.g. "TELEGRAM_API_BASE_URL").
absl::Status ValidateBaseUrl(const std::string& base_url,
                             std::string_view setting);

// Decodes Telegram's {"ok":..,"result":..,"error_code":..,...} envelope.
ApiResult DecodeEnvelope(int http_status, const std::string& body);

}  // namespace telegate

#endif  // TELEGATE_COMMON_HTTP_BOT_API_CLIENT_H_
