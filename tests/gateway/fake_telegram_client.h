// FakeTelegramClient: a BotApiClient for Poller and registration tests.
// getUpdates answers the scripted results in order; with the script empty it
// blocks like a long poll until more is scripted or Cancel() is called (then
// it answers a network error). Other methods answer ok:true. Every call is
// recorded. Thread-safe.
#ifndef TELEGATE_TESTS_GATEWAY_FAKE_TELEGRAM_CLIENT_H_
#define TELEGATE_TESTS_GATEWAY_FAKE_TELEGRAM_CLIENT_H_

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/bot_api_client.h"

namespace telegate::testing {

struct ApiCall {
  std::string method;
  nlohmann::json params;
};

class FakeTelegramClient : public BotApiClient {
 public:
  static ApiResult Ok(nlohmann::json result) {
    ApiResult r;
    r.http_status = 200;
    r.ok = true;
    r.result = std::move(result);
    return r;
  }
  static ApiResult Failure(int status, int retry_after = 0) {
    ApiResult r;
    r.http_status = status;
    r.error_code = status;
    r.description = "scripted failure";
    r.retry_after = retry_after;
    return r;
  }

  void Then(ApiResult result) {
    absl::MutexLock lock(&mu_);
    script_.push_back(std::move(result));
  }
  void ThenUpdates(nlohmann::json updates) { Then(Ok(std::move(updates))); }

  ApiResult Call(std::string_view method,
                 const nlohmann::json& params) override {
    absl::MutexLock lock(&mu_);
    calls_.push_back({std::string(method), params});
    if (method != "getUpdates") return Ok(true);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !script_.empty() || cancelled_;
    };
    mu_.Await(absl::Condition(&ready));
    if (script_.empty()) {
      cancelled_ = false;
      ApiResult r;
      r.description = "network error: cancelled";
      return r;
    }
    ApiResult r = std::move(script_.front());
    script_.pop_front();
    return r;
  }
  void Cancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }

  // Waits until `n` calls of `method` were made; false after `timeout`.
  bool WaitForCalls(const std::string& method, size_t n,
                    absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return CountLocked(method) >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  std::vector<ApiCall> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  size_t CountLocked(const std::string& method) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    size_t n = 0;
    for (const ApiCall& c : calls_) n += c.method == method ? 1 : 0;
    return n;
  }

  mutable absl::Mutex mu_;
  std::deque<ApiResult> script_ ABSL_GUARDED_BY(mu_);
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<ApiCall> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_GATEWAY_FAKE_TELEGRAM_CLIENT_H_
