// The outbound Telegram Bot API seam: one call = one method with JSON params,
// plus the one rule (Classify) for permanent vs. transient failures. Used by
// the worker (sendMessage...) and the gateway (getUpdates, setWebhook).
// Each thread owns its own client (clients are NOT thread-safe, except
// Cancel); a factory makes fresh ones when the bot is re-initialised.
#ifndef TELEGATE_COMMON_BOT_API_CLIENT_H_
#define TELEGATE_COMMON_BOT_API_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace telegate {

// What one Bot API call produced, already decoded from Telegram's envelope.
struct ApiResult {
  int http_status = 0;  // 0: no HTTP answer (connect/read failure, timeout)
  bool ok = false;
  nlohmann::json result;
  int error_code = 0;
  std::string description;  // never contains the token or the URL
  int retry_after = 0;      // parameters.retry_after, seconds
  int64_t migrate_to_chat_id = 0;
};

// How a failed call should be treated. See Classify.
enum class Outcome {
  kOk,          // success
  kRetryAfter,  // 429: wait retry_after, then retry (flood control)
  kTransient,   // 5xx, network error, timeout: retry with backoff
  kMigrated,    // group moved: resend to migrate_to_chat_id
  kPermanent,   // 400/401/403/404 and anything else: do not retry
};

// The one place that decides permanence vs. transience of a Bot API result.
Outcome Classify(const ApiResult& result);

// "sendMessage: 403 Forbidden: bot was blocked by the user".
std::string DescribeFailure(std::string_view method, const ApiResult& result);

class BotApiClient {
 public:
  virtual ~BotApiClient() = default;
  // Performs `method` with `params` (a JSON object). Never throws.
  virtual ApiResult Call(std::string_view method,
                         const nlohmann::json& params) = 0;
  // Makes a Call in progress on another thread return promptly with a
  // network error (http_status 0). May be called from any thread; a Call
  // started after it may still run to completion, so callers that stop a
  // loop repeat Cancel until the loop has left. Default: no-op.
  virtual void Cancel() {}
};

class BotApiClientFactory {
 public:
  virtual ~BotApiClientFactory() = default;
  // A fresh client with its own connections. Thread-safe.
  virtual std::unique_ptr<BotApiClient> Create() = 0;
};

// Calls `method` and turns a failure into an error status carrying
// DescribeFailure(); kUnavailable for transient failures and flood waits,
// kFailedPrecondition for permanent ones.
absl::StatusOr<nlohmann::json> CallOrError(BotApiClient& client,
                                           std::string_view method,
                                           const nlohmann::json& params);

}  // namespace telegate

#endif  // TELEGATE_COMMON_BOT_API_CLIENT_H_
