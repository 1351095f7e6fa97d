// FakeBotApi: an in-memory Telegram Bot API for worker tests. It is a
// BotApiClientFactory whose clients all record into it: every call (method,
// params, which client) in order, getMe answered with a fixed identity, any
// other method with ok:true, unless a scripted failure applies ("the next N
// calls fail with this ApiResult"). Thread-safe; must outlive its clients.
#ifndef TELEGATE_TESTS_WORKER_FAKE_BOT_API_H_
#define TELEGATE_TESTS_WORKER_FAKE_BOT_API_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "common/bot_api_client.h"

namespace telegate::testing {

using telegate::ApiResult;
using telegate::BotApiClient;
using telegate::BotApiClientFactory;

struct RecordedCall {
  std::string method;
  nlohmann::json params;
  int client_id = 0;  // 1 for the first client created, 2 for the next...
};

class FakeBotApi : public BotApiClientFactory {
 public:
  // The next `n` calls whose method is `method` (any method when empty) get
  // `result` instead of success.
  void FailNext(int n, ApiResult result, std::string method = "") {
    absl::MutexLock lock(&mu_);
    fail_remaining_ = n;
    fail_result_ = std::move(result);
    fail_method_ = std::move(method);
  }

  std::unique_ptr<BotApiClient> Create() override {
    absl::MutexLock lock(&mu_);
    return std::make_unique<Client>(this, ++clients_created_);
  }

  // A factory that forwards to this fake, for owners that want a unique_ptr.
  std::unique_ptr<BotApiClientFactory> MakeFactory() {
    return std::make_unique<Forwarder>(this);
  }

  std::vector<RecordedCall> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::vector<RecordedCall> CallsTo(std::string_view method) const {
    absl::MutexLock lock(&mu_);
    std::vector<RecordedCall> out;
    for (const RecordedCall& c : calls_) {
      if (c.method == method) out.push_back(c);
    }
    return out;
  }
  int clients_created() const {
    absl::MutexLock lock(&mu_);
    return clients_created_;
  }

  // Waits until at least `n` calls to `method` were recorded.
  bool WaitForCalls(std::string_view method, size_t n,
                    absl::Duration timeout = absl::Seconds(10)) const {
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      size_t count = 0;
      for (const RecordedCall& c : calls_) count += c.method == method;
      return count >= n;
    };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }

  static ApiResult Failure(int http_status, std::string description,
                           int retry_after = 0) {
    ApiResult r;
    r.http_status = http_status;
    r.error_code = http_status;
    r.description = std::move(description);
    r.retry_after = retry_after;
    return r;
  }

 private:
  class Client : public BotApiClient {
   public:
    Client(FakeBotApi* api, int id) : api_(api), id_(id) {}
    ApiResult Call(std::string_view method,
                   const nlohmann::json& params) override {
      return api_->Record(id_, method, params);
    }

   private:
    FakeBotApi* const api_;
    const int id_;
  };

  class Forwarder : public BotApiClientFactory {
   public:
    explicit Forwarder(FakeBotApi* api) : api_(api) {}
    std::unique_ptr<BotApiClient> Create() override { return api_->Create(); }

   private:
    FakeBotApi* const api_;
  };

  ApiResult Record(int client_id, std::string_view method,
                   const nlohmann::json& params) {
    absl::MutexLock lock(&mu_);
    calls_.push_back({std::string(method), params, client_id});
    if (fail_remaining_ > 0 &&
        (fail_method_.empty() || fail_method_ == method)) {
      --fail_remaining_;
      return fail_result_;
    }
    ApiResult ok;
    ok.http_status = 200;
    ok.ok = true;
    if (method == "getMe") {
      ok.result = {{"id", 42}, {"is_bot", true}, {"username", "fake_bot"}};
    } else if (method == "sendMessage") {
      ok.result = {{"message_id", static_cast<int64_t>(calls_.size())},
                   {"chat", {{"id", params.value("chat_id", int64_t{0})}}},
                   {"text", params.value("text", "")}};
    } else if (method == "getWebhookInfo") {
      ok.result = {{"url", "https://example.test/hook"},
                   {"has_custom_certificate", false},
                   {"pending_update_count", 3},
                   {"max_connections", 40},
                   {"last_error_date", 1700000000},
                   {"last_error_message", "Connection refused"}};
    } else {
      ok.result = true;
    }
    return ok;
  }

  mutable absl::Mutex mu_;
  std::vector<RecordedCall> calls_ ABSL_GUARDED_BY(mu_);
  int clients_created_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_remaining_ ABSL_GUARDED_BY(mu_) = 0;
  ApiResult fail_result_ ABSL_GUARDED_BY(mu_);
  std::string fail_method_ ABSL_GUARDED_BY(mu_);
};

// A Telegram text-message update, as the webhook would carry it.
inline nlohmann::json TextUpdate(int64_t update_id, int64_t chat_id,
                                 const std::string& text,
                                 const std::string& first_name = "Ann") {
  return {{"update_id", update_id},
          {"message",
           {{"message_id", update_id},
            {"date", 1700000000},
            {"chat", {{"id", chat_id}, {"type", "private"}}},
            {"from", {{"id", 7}, {"is_bot", false}, {"first_name", first_name}}},
            {"text", text}}}};
}

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_WORKER_FAKE_BOT_API_H_
