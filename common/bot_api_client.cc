#include "common/bot_api_client.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace telegate {

Outcome Classify(const ApiResult& result) {
  if (result.http_status >= 200 && result.http_status < 300 && result.ok) {
    return Outcome::kOk;
  }
  if (result.http_status == 0 || result.http_status >= 500) {
    return Outcome::kTransient;
  }
  if (result.http_status == 429 || result.error_code == 429) {
    return Outcome::kRetryAfter;
  }
  if (result.migrate_to_chat_id != 0) return Outcome::kMigrated;
  // A 2xx without ok:true is a malformed answer: treat as transient.
  if (result.http_status < 300) return Outcome::kTransient;
  return Outcome::kPermanent;
}

std::string DescribeFailure(std::string_view method, const ApiResult& result) {
  if (result.http_status == 0) {
    return absl::StrCat(std::string(method), ": ", result.description);
  }
  return absl::StrCat(std::string(method), ": ", result.http_status, " ",
                      result.description);
}

absl::StatusOr<nlohmann::json> CallOrError(BotApiClient& client,
                                           std::string_view method,
                                           const nlohmann::json& params) {
  ApiResult result = client.Call(method, params);
  switch (Classify(result)) {
    case Outcome::kOk:
      return std::move(result.result);
    case Outcome::kRetryAfter:
    case Outcome::kTransient:
      return absl::UnavailableError(DescribeFailure(method, result));
    case Outcome::kMigrated:
    case Outcome::kPermanent:
      return absl::FailedPreconditionError(DescribeFailure(method, result));
  }
  return absl::InternalError("unreachable");
}

}  // namespace telegate
