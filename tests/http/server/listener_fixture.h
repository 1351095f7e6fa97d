// Test helpers for Listener: fast test options, an echo handler, a
// handler that holds answers until released, a listener started on
// 127.0.0.1:0 and raw request builders. Not thread-safe (GatedHandler
// is); one per test.
#ifndef TELEGATE_TESTS_HTTP_SERVER_LISTENER_FIXTURE_H_
#define TELEGATE_TESTS_HTTP_SERVER_LISTENER_FIXTURE_H_

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "http/server/listener.h"
#include "gtest/gtest.h"
#include "tests/gateway/raw_http_client.h"

namespace telegate::http {

inline ListenerOptions TestOptions() {
  ListenerOptions options;
  options.header_timeout = absl::Seconds(5);
  options.body_timeout = absl::Seconds(5);
  options.idle_timeout = absl::Seconds(10);
  options.write_timeout = absl::Seconds(5);
  return options;
}

inline Response Echo(Request request) {
  Response response;
  response.body = std::move(request.body);
  response.content_type = "text/plain";
  return response;
}

inline void EchoHandler(Request request, Respond respond) {
  respond(Echo(std::move(request)));
}

// Echoes, but holds the answers to /slow until Release() (then answers
// them from the releasing thread, and later ones at once), counting how
// many are held at once. Thread-safe.
class GatedHandler {
 public:
  void operator()(Request request, Respond respond) {
    if (request.path == "/slow") {
      absl::MutexLock lock(&mu_);
      if (!released_) {
        held_.emplace_back(Echo(std::move(request)), std::move(respond));
        max_inside_ = std::max(max_inside_, held_.size());
        return;
      }
    }
    respond(Echo(std::move(request)));
  }
  void AwaitInside(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return held_.size() >= n;
    };
    mu_.Await(absl::Condition(&enough));
  }
  // False when fewer than `n` are held by `deadline`.
  bool AwaitInside(size_t n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return held_.size() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  void Release() {
    std::vector<std::pair<Response, Respond>> held;
    {
      absl::MutexLock lock(&mu_);
      released_ = true;
      held.swap(held_);
    }
    for (auto& [response, respond] : held) respond(std::move(response));
  }
  size_t max_inside() {
    absl::MutexLock lock(&mu_);
    return max_inside_;
  }

 private:
  absl::Mutex mu_;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::pair<Response, Respond>> held_ ABSL_GUARDED_BY(mu_);
  size_t max_inside_ ABSL_GUARDED_BY(mu_) = 0;
};

// A started listener; Stop runs in the destructor.
struct TestListener {
  explicit TestListener(ListenerOptions options,
                        Listener::Handler handler = EchoHandler,
                        Listener::HeadCheck check = nullptr) {
    options.stats = &stats;
    listener = std::make_unique<Listener>(
        std::move(options), std::move(check), std::move(handler));
    auto started = listener->Start();
    EXPECT_TRUE(started.ok()) << started.status();
    port = started.ok() ? *started : 0;
  }
  std::unique_ptr<testing::RawClient> Connect() const {
    auto client = testing::RawClient::Connect(port);
    EXPECT_NE(client, nullptr);
    return client;
  }
  ListenerStats stats;
  std::unique_ptr<Listener> listener;
  int port = 0;
};

inline std::string PostRequest(const std::string& body,
                               const std::string& path = "/hook",
                               const std::string& extra_headers = "") {
  return absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: localhost\r\n",
                      "Content-Type: application/json\r\nContent-Length: ",
                      body.size(), "\r\n", extra_headers, "\r\n", body);
}

inline constexpr char kMalformedBody[] =
    R"({"ok":false,"error":"malformed HTTP request"})";

}  // namespace telegate::http

#endif  // TELEGATE_TESTS_HTTP_SERVER_LISTENER_FIXTURE_H_
