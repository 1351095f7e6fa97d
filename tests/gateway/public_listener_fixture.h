// Test helpers for PublicListener: fast test options, an echo handler, a
// listener started on 127.0.0.1:0 and raw request builders. Not
// thread-safe; one per test.
#ifndef TELEGATE_TESTS_GATEWAY_PUBLIC_LISTENER_FIXTURE_H_
#define TELEGATE_TESTS_GATEWAY_PUBLIC_LISTENER_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/public_listener.h"
#include "gtest/gtest.h"
#include "tests/gateway/raw_http_client.h"

namespace telegate::gateway {

inline PublicListenerOptions TestOptions() {
  PublicListenerOptions options;
  options.handler_threads = 8;
  options.header_timeout = absl::Seconds(5);
  options.body_timeout = absl::Seconds(5);
  options.idle_timeout = absl::Seconds(10);
  options.write_timeout = absl::Seconds(5);
  return options;
}

inline PublicResponse EchoHandler(PublicRequest request) {
  PublicResponse response;
  response.body = std::move(request.body);
  response.content_type = "text/plain";
  return response;
}

// A started listener; Stop runs in the destructor.
struct TestListener {
  explicit TestListener(PublicListenerOptions options,
                        PublicListener::Handler handler = EchoHandler,
                        PublicListener::HeadCheck check = nullptr) {
    options.stats = &stats;
    listener = std::make_unique<PublicListener>(
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
  PublicListenerStats stats;
  std::unique_ptr<PublicListener> listener;
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

}  // namespace telegate::gateway

#endif  // TELEGATE_TESTS_GATEWAY_PUBLIC_LISTENER_FIXTURE_H_
