// FakeBotApi: an in-memory asynchronous Telegram Bot API for worker tests.
// It is an AsyncBotApiClientFactory whose clients all record into it: every
// call (method, params, which client) in order, getMe answered with a fixed
// identity, any other method with ok:true, unless a scripted failure applies
// ("the next N calls fail with this ApiResult", decided when the call is
// made). Each answer arrives on the client's loop through loop.RunAt after a
// configurable delay (zero by default), so many calls are in flight at
// once. A client destroyed with calls in flight completes them at once with
// a network error (as the real client does). Thread-safe; must outlive its
// clients.
#ifndef TELEGATE_TESTS_WORKER_FAKE_BOT_API_H_
#define TELEGATE_TESTS_WORKER_FAKE_BOT_API_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/async_bot_api.h"
#include "http/event_loop.h"
#include "nlohmann/json.hpp"

namespace telegate::testing {

using telegate::ApiResult;
using telegate::AsyncBotApiClient;
using telegate::AsyncBotApiClientFactory;

struct RecordedCall {
  std::string method;
  nlohmann::json params;
  int client_id = 0;  // 1 for the first client created, 2 for the next...
};

class FakeBotApi : public AsyncBotApiClientFactory {
 public:
  using DelayFn =
      std::function<absl::Duration(std::string_view method,
                                   const nlohmann::json& params)>;

  // The next `n` calls whose method is `method` (any method when empty) get
  // `result` instead of success.
  void FailNext(int n, ApiResult result, std::string method = "") {
    absl::MutexLock lock(&mu_);
    fail_remaining_ = n;
    fail_result_ = std::move(result);
    fail_method_ = std::move(method);
  }
  // Every answer is delivered this long after the call.
  void SetDelay(absl::Duration delay) {
    SetDelayFn([delay](std::string_view, const nlohmann::json&) {
      return delay;
    });
  }
  void SetDelayFn(DelayFn fn) {
    absl::MutexLock lock(&mu_);
    delay_ = std::move(fn);
  }
  // While held, no answer is delivered; Release() delivers every held one
  // (then as usual). For "all these calls are in flight at once".
  void Hold() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void Release() {
    std::vector<std::function<void()>> answers;
    {
      absl::MutexLock lock(&mu_);
      held_ = false;
      answers.swap(held_answers_);
    }
    for (auto& answer : answers) answer();
  }

  std::unique_ptr<AsyncBotApiClient> Create(http::EventLoop* loop) override {
    absl::MutexLock lock(&mu_);
    ++clients_alive_;
    return std::make_unique<Client>(this, loop, ++clients_created_);
  }

  // A factory that forwards to this fake, for owners that want a unique_ptr.
  std::unique_ptr<AsyncBotApiClientFactory> MakeFactory() {
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
  int clients_alive() const {
    absl::MutexLock lock(&mu_);
    return clients_alive_;
  }
  // Calls started and not answered yet, over every client.
  int in_flight() const {
    absl::MutexLock lock(&mu_);
    return in_flight_;
  }
  int max_in_flight_seen() const {
    absl::MutexLock lock(&mu_);
    return max_in_flight_;
  }

  // Waits until at least `n` calls to `method` were recorded.
  bool WaitForCalls(std::string_view method, size_t n,
                    absl::Duration timeout = absl::Seconds(20)) const {
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      size_t count = 0;
      for (const RecordedCall& c : calls_) count += c.method == method;
      return count >= n;
    };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }

  static ApiResult Failure(int http_status, std::string description,
                           int retry_after = 0, int64_t migrate_to = 0) {
    ApiResult r;
    r.http_status = http_status;
    r.error_code = http_status;
    r.description = std::move(description);
    r.retry_after = retry_after;
    r.migrate_to_chat_id = migrate_to;
    return r;
  }

 private:
  using Callback = AsyncBotApiClient::Callback;
  // A client's calls in flight; shared with the timers that answer them,
  // which may outlive the client.
  struct Pending {
    absl::Mutex mu;
    std::map<int64_t, std::pair<ApiResult, Callback>> calls ABSL_GUARDED_BY(mu);
    int64_t next_id ABSL_GUARDED_BY(mu) = 0;
  };

  class Client : public AsyncBotApiClient {
   public:
    Client(FakeBotApi* api, http::EventLoop* loop, int id)
        : api_(api), loop_(loop), id_(id) {}
    ~Client() override {
      std::map<int64_t, std::pair<ApiResult, Callback>> left;
      {
        absl::MutexLock lock(&pending_->mu);
        left.swap(pending_->calls);
      }
      for (auto& [id, call] : left) {
        api_->Answered();
        ApiResult cancelled;
        cancelled.description = "cancelled";
        call.second(cancelled);
      }
      absl::MutexLock lock(&api_->mu_);
      --api_->clients_alive_;
    }
    void Call(std::string_view method, const nlohmann::json& params,
              Callback done) override {
      absl::Duration delay;
      ApiResult result = api_->Record(id_, method, params, &delay);
      int64_t call_id;
      {
        absl::MutexLock lock(&pending_->mu);
        call_id = ++pending_->next_id;
        pending_->calls.emplace(call_id,
                                std::make_pair(std::move(result), std::move(done)));
      }
      auto answer = [api = api_, pending = pending_, call_id] {
                     std::pair<ApiResult, Callback> call;
                     {
                       absl::MutexLock lock(&pending->mu);
                       auto it = pending->calls.find(call_id);
                       if (it == pending->calls.end()) return;  // cancelled
                       call = std::move(it->second);
                       pending->calls.erase(it);
                     }
                     api->Answered();
                     call.second(std::move(call.first));
                   };
      http::EventLoop* loop = loop_;
      api_->Deliver([loop, delay, answer = std::move(answer)] {
        loop->RunAt(absl::Now() + delay, answer);
      });
    }
    int in_flight() const override {
      absl::MutexLock lock(&pending_->mu);
      return static_cast<int>(pending_->calls.size());
    }

   private:
    FakeBotApi* const api_;
    http::EventLoop* const loop_;
    const int id_;
    std::shared_ptr<Pending> pending_ = std::make_shared<Pending>();
  };

  class Forwarder : public AsyncBotApiClientFactory {
   public:
    explicit Forwarder(FakeBotApi* api) : api_(api) {}
    std::unique_ptr<AsyncBotApiClient> Create(http::EventLoop* loop) override {
      return api_->Create(loop);
    }

   private:
    FakeBotApi* const api_;
  };

  // Schedules an answer now, or keeps it while held.
  void Deliver(std::function<void()> schedule) {
    {
      absl::MutexLock lock(&mu_);
      if (held_) {
        held_answers_.push_back(std::move(schedule));
        return;
      }
    }
    schedule();
  }

  void Answered() {
    absl::MutexLock lock(&mu_);
    --in_flight_;
  }

  ApiResult Record(int client_id, std::string_view method,
                   const nlohmann::json& params, absl::Duration* delay) {
    absl::MutexLock lock(&mu_);
    calls_.push_back({std::string(method), params, client_id});
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    *delay = delay_ ? delay_(method, params) : absl::ZeroDuration();
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
  int clients_alive_ ABSL_GUARDED_BY(mu_) = 0;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_remaining_ ABSL_GUARDED_BY(mu_) = 0;
  ApiResult fail_result_ ABSL_GUARDED_BY(mu_);
  std::string fail_method_ ABSL_GUARDED_BY(mu_);
  DelayFn delay_ ABSL_GUARDED_BY(mu_);
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::function<void()>> held_answers_ ABSL_GUARDED_BY(mu_);
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
