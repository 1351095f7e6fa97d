// A scripted BotApiCaller for the endpoint's tests: records every call,
// answers from a script of results (then `ok` with the params echoed), and
// can hold calls until the test answers them. Thread-safe.
#ifndef TELEGATE_TESTS_WORKER_ENDPOINT_FAKE_BOT_API_CALLER_H_
#define TELEGATE_TESTS_WORKER_ENDPOINT_FAKE_BOT_API_CALLER_H_

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "worker/endpoint/bot_api_caller.h"

namespace telegate::worker {

struct RecordedCall {
  std::string method;
  nlohmann::json params;     // CallJson
  bool raw = false;          // CallRaw
  std::string content_type;  // CallRaw
  std::string body;          // CallRaw
};

inline ApiResult OkResult(nlohmann::json result) {
  ApiResult ok;
  ok.http_status = 200;
  ok.ok = true;
  ok.result = std::move(result);
  return ok;
}

inline ApiResult FloodResult(int retry_after) {
  ApiResult flood;
  flood.http_status = 429;
  flood.error_code = 429;
  flood.description =
      "Too Many Requests: retry after " + std::to_string(retry_after);
  flood.retry_after = retry_after;
  return flood;
}

class FakeBotApiCaller : public BotApiCaller {
 public:
  // One scripted answer per call, in call order; an empty ApiResult with
  // http_status -1 holds the call until Answer().
  void Script(std::vector<ApiResult> results) {
    absl::MutexLock lock(&mu_);
    for (auto& r : results) script_.push_back(std::move(r));
  }
  static ApiResult Hold() {
    ApiResult hold;
    hold.http_status = -1;
    return hold;
  }
  void SetFile(http::HttpResponse file) {
    absl::MutexLock lock(&mu_);
    file_ = std::move(file);
  }

  void CallJson(std::string method, nlohmann::json params, Done done) override {
    RecordedCall call;
    call.method = std::move(method);
    call.params = std::move(params);
    Record(std::move(call), std::move(done));
  }
  void CallRaw(std::string method, std::string content_type, std::string body,
               Done done) override {
    RecordedCall call;
    call.method = std::move(method);
    call.raw = true;
    call.content_type = std::move(content_type);
    call.body = std::move(body);
    Record(std::move(call), std::move(done));
  }
  void FetchFile(std::string file_path,
                 std::function<void(http::HttpResponse)> done) override {
    http::HttpResponse file;
    {
      absl::MutexLock lock(&mu_);
      file_paths_.push_back(file_path);
      file = file_;
    }
    done(std::move(file));
  }

  // Answers the oldest held call; false when none is held.
  bool AnswerHeld(ApiResult result) {
    Done done;
    {
      absl::MutexLock lock(&mu_);
      if (held_.empty()) return false;
      done = std::move(held_.front());
      held_.pop_front();
    }
    done(std::move(result));
    return true;
  }

  std::vector<RecordedCall> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  size_t call_count() {
    absl::MutexLock lock(&mu_);
    return calls_.size();
  }
  size_t held_count() {
    absl::MutexLock lock(&mu_);
    return held_.size();
  }
  std::vector<std::string> file_paths() {
    absl::MutexLock lock(&mu_);
    return file_paths_;
  }

 private:
  void Record(RecordedCall call, Done done) {
    ApiResult result;
    {
      absl::MutexLock lock(&mu_);
      nlohmann::json echo = call.raw ? nlohmann::json(call.body) : call.params;
      calls_.push_back(std::move(call));
      if (script_.empty()) {
        result = OkResult(std::move(echo));
      } else {
        result = std::move(script_.front());
        script_.pop_front();
      }
      if (result.http_status == -1) {
        held_.push_back(std::move(done));
        return;
      }
    }
    done(std::move(result));
  }

  absl::Mutex mu_;
  std::deque<ApiResult> script_ ABSL_GUARDED_BY(mu_);
  std::vector<RecordedCall> calls_ ABSL_GUARDED_BY(mu_);
  std::deque<Done> held_ ABSL_GUARDED_BY(mu_);
  http::HttpResponse file_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> file_paths_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::worker

#endif  // TELEGATE_TESTS_WORKER_ENDPOINT_FAKE_BOT_API_CALLER_H_
