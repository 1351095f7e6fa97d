// Shared bits of the HTTP client tests: a started EventLoop, a client on it
// and a collector of responses to wait on (with a generous deadline).
#ifndef TELEGATE_TESTS_HTTP_CLIENT_FIXTURE_H_
#define TELEGATE_TESTS_HTTP_CLIENT_FIXTURE_H_

#include <memory>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "http/event_loop.h"
#include "http/http_client.h"

namespace telegate::http {

// Collects responses delivered on the loop; remembers whether each `done`
// ran on the loop thread.
class Responses {
 public:
  explicit Responses(EventLoop* loop) : loop_(loop) {}
  HttpClient::Callback Callback() {
    return [this](HttpResponse r) {
      absl::MutexLock lock(&mu_);
      if (!loop_->InLoopThread()) off_loop_ = true;
      got_.push_back(std::move(r));
    };
  }
  // Waits until `n` responses arrived; true if they did in time.
  bool WaitFor(size_t n, absl::Duration timeout = absl::Seconds(60)) {
    absl::MutexLock lock(&mu_);
    auto enough = [&] {
      mu_.AssertHeld();
      return got_.size() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  std::vector<HttpResponse> Take() {
    absl::MutexLock lock(&mu_);
    return std::move(got_);
  }
  size_t count() {
    absl::MutexLock lock(&mu_);
    return got_.size();
  }
  bool any_off_loop() {
    absl::MutexLock lock(&mu_);
    return off_loop_;
  }

 private:
  EventLoop* loop_;
  absl::Mutex mu_;
  std::vector<HttpResponse> got_ ABSL_GUARDED_BY(mu_);
  bool off_loop_ ABSL_GUARDED_BY(mu_) = false;
};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(loop_.Start("http-test").ok()); }
  void TearDown() override { DestroyClientOnLoop(); }

  void MakeClient(HttpClientOptions options = {}) {
    client_ = std::make_unique<HttpClient>(&loop_, std::move(options));
  }
  void DestroyClientOnLoop() {
    if (client_ == nullptr) return;
    if (!loop_.running()) {
      client_.reset();
      return;
    }
    absl::Notification done;
    loop_.Post([&] {
      client_.reset();
      done.Notify();
    });
    ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  }
  static HttpRequest Get(std::string url) {
    HttpRequest r;
    r.method = "GET";
    r.url = std::move(url);
    return r;
  }

  EventLoop loop_;
  std::unique_ptr<HttpClient> client_;
  Responses responses_{&loop_};
};

}  // namespace telegate::http

#endif  // TELEGATE_TESTS_HTTP_CLIENT_FIXTURE_H_
